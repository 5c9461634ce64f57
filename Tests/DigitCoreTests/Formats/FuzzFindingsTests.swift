// Inputs the fuzzers (scripts/fuzz.sh) found that crashed a reader or broke its promise of a one-line error naming
// the file, kept as they were found; each must now be refused cleanly.

import XCTest
@testable import DigitCore

final class FuzzFindingsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("fuzz-findings") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    /// Writes a found input under `name` and returns its URL.
    func file(_ name: String, base64: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try XCTUnwrap(Data(base64Encoded: base64)).write(to: url)
        return url
    }

    /// A chunk type holding a line feed went into the message raw, splitting it over two lines.
    func testPNGChunkTypeThatIsNotFourLetters() throws {
        let url = try file("type.png", base64: """
            iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAwAAAABNrqpEQQBESQAAClR4AUFUeAEAAAAAAAAAAUivpAAAcQAASUVORK5GYAAAAAAAAAABSK+kAABx\
            AABJRU5ErkJggg==
            """)
        assertFails(try GrayImage.load(contentsOf: url), mentioning: ["type.png: not a valid PNG", "four-letter type"])
    }

    /// Sides near 2^32: their product overflowed Int and trapped before the size check.
    func testPNGSidesWhoseProductOverflows() throws {
        let url = try file("sides.png", base64: """
            iVBORw0KGgoAAAANSUhEUv////////8GCAMAAAAsPuSGAAAACVBMVEUAAAD///8JCQnUCbsTAAAAAnRSTmgAAAArThgAAAAMSURBVHicY2BgZAIA\
            AAgABDbgsKYAAAAASUVORK5CYII=
            """)
        assertFails(try GrayImage.load(contentsOf: url), mentioning: ["sides.png: implausible PNG size 4294967295x4294967046"])
    }

    /// An architecture name holding a line feed was put into the message raw.
    func testModelMetadataWithALineBreak() throws {
        let url = try file("model.safetensors", base64: """
            oAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6IHsiYXJjaGl0ZWN0dXJlIjogIlxubmV0IiwgImZvcm1hdCI6ICJkaWdpdHMtbW9kZWwiLCAidmVyc2lv\
            biI6ICIxIn0sICJibjEuZ2FtbWEiOiB7ImRhdGFfb2Zmc2V0cyI6IFswLCAxMjhdLCAiZHR5cGUiOiAiRjMyIiwgInNoYXBlIjogWzMyXX19ICAg\
            AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/\
            AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8=
            """)
        assertFails(try ModelFile.load(from: url), mentioning: ["model.safetensors: unknown architecture '\\nnet'"])
    }
}
