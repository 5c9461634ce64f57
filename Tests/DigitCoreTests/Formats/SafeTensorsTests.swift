// The safetensors reader and writer: round trips, every kind of broken file, and atomic saves.

import XCTest
@testable import DigitCore

final class SafeTensorsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("safetensors") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    let sample = SafeTensorsFile(metadata: ["format": "test", "note": "ünïcode"], tensors: [
        NamedTensor(name: "a.weight", shape: [2, 3], values: [1, -2, 3.5, 0, .leastNonzeroMagnitude, 6]),
        NamedTensor(name: "b", shape: [], values: [42]),
        NamedTensor(name: "empty", shape: [0, 4], values: []),
    ])

    /// A file from a hand-written header and data section.
    func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var out = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { out.append(contentsOf: $0) }
        return out + json + Data(data)
    }

    func decode(_ data: Data) throws -> SafeTensorsFile { try SafeTensorsFile.decode(data, name: "x.safetensors") }

    func testRoundTripKeepsOrderValuesAndMetadata() throws {
        let url = directory.appendingPathComponent("m.safetensors")
        try sample.write(to: url)
        let back = try SafeTensorsFile.read(from: url)
        XCTAssertEqual(back.metadata, sample.metadata)
        XCTAssertEqual(back.tensors, sample.tensors)
        let bytes = try Data(contentsOf: url)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual(headerLength % 8, 0, "data section aligned")
        XCTAssertEqual(bytes.count, 8 + headerLength + 7 * 4)
    }

    func testBrokenFilesAreRefused() throws {
        let four: [UInt8] = [0, 0, 128, 63]
        assertFails(try decode(Data([1, 2, 3])), mentioning: ["x.safetensors", "truncated"])
        assertFails(try decode(file(header: "{}", declaredLength: 1 << 40)), mentioning: ["header length"])
        assertFails(try decode(file(header: "{\"a\":", data: [])), mentioning: ["JSON"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: four)),
                    mentioning: ["dtype 'F16'"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: four)),
                    mentioning: ["'t'", "needs 8 bytes"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: four + four)),
                    mentioning: ["gap"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"u":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                    data: four + four)), mentioning: ["overlaps"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: four)),
                    mentioning: ["truncated", "'t'"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: four + [9])),
                    mentioning: ["1 trailing bytes"])
        assertFails(try decode(file(header: #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: four)),
                    mentioning: ["shape"])
        assertFails(try decode(file(header: #"{"__metadata__":{"k":3}}"#)), mentioning: ["metadata 'k'"])
        XCTAssertEqual(try decode(file(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: four))
            .tensors.first?.values, [1])
    }

    func testFailedSaveLeavesThePreviousFileIntact() throws {
        let url = directory.appendingPathComponent("keep.safetensors")
        try sample.write(to: url)
        let before = try Data(contentsOf: url)
        var bad = sample
        bad.tensors.append(NamedTensor(name: "wrong", shape: [3], values: [1]))
        XCTAssertThrowsError(try bad.write(to: url))
        XCTAssertEqual(try Data(contentsOf: url), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "keep.safetensors" }
        XCTAssertEqual(leftovers, [], "no temporary files left behind")
    }

    /// Python's reference implementation reads what we write (skipped without python3 and safetensors).
    func testPythonSafetensorsReadsOurFiles() throws {
        let url = directory.appendingPathComponent("py.safetensors")
        try sample.write(to: url)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import sys
            try:
                from safetensors.numpy import load_file
            except ImportError:
                sys.exit(77)
            t = load_file(sys.argv[1])
            assert t["a.weight"].shape == (2, 3) and t["a.weight"][0, 2] == 3.5 and t["b"] == 42, t
            """, url.path]
        do { try python.run() } catch { throw XCTSkip("python3 is not available") }
        python.waitUntilExit()
        if python.terminationStatus == 77 { throw XCTSkip("python3 has no safetensors package") }
        XCTAssertEqual(python.terminationStatus, 0)
    }
}
