// Atomic replacement: the target holds the old or the new bytes, never part of them, and what killed writers left
// behind is cleared by the next write.

import XCTest
@testable import DigitCore

final class AtomicFileTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("atomic") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() }

    func testAWriteReplacesTheFileAndLeavesNothingElse() throws {
        let url = directory.appendingPathComponent("m.safetensors")
        try AtomicFile.write(Data("old".utf8), to: url)
        try AtomicFile.write(Data("new".utf8), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data("new".utf8))
        XCTAssertEqual(try contents(), ["m.safetensors"])
    }

    func testTemporariesOfKilledWritersAreRemovedOthersKept() throws {
        let url = directory.appendingPathComponent("m.safetensors")
        // No process has the largest pid; the parent of this test process is alive.
        let abandoned = AtomicFile.temporaryName(of: url, writer: pid_t.max)
        let live = AtomicFile.temporaryName(of: url, writer: getppid())
        let other = AtomicFile.temporaryName(of: directory.appendingPathComponent("m.safetensors.checkpoint"),
                                             writer: pid_t.max)
        for name in [abandoned, live, other] {
            try Data("partial".utf8).write(to: directory.appendingPathComponent(name))
        }
        try AtomicFile.write(Data("model".utf8), to: url)
        XCTAssertEqual(try contents(), [live, other, "m.safetensors"].sorted())
    }

    func testUnwritableDestinationsAreNamedBeforeAnyWork() throws {
        assertFails(try AtomicFile.checkWritable(directory.appendingPathComponent("missing/x.safetensors")),
                    mentioning: ["x.safetensors: cannot write (no such folder", "missing"])
        assertFails(try AtomicFile.checkWritable(directory), mentioning: ["is a folder, not a file"])
    }
}
