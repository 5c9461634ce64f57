// Every reader says plainly when its input is a folder, missing, or not a regular file.

import XCTest
@testable import DigitCore

final class InputFileTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("input") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    func testAFolderGivenAsAFileIsNamedAsSuch() throws {
        let folder = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        assertFails(try ModelFile.load(from: folder), mentioning: ["model.safetensors: is a folder, not a file"])
        assertFails(try GrayImage.load(contentsOf: folder), mentioning: ["model.safetensors: is a folder, not a file"])
        let labels = directory.appendingPathComponent("labels")
        try IDX.encode(magic: IDX.labelMagic, dimensions: [1], bytes: [3]).write(to: labels)
        assertFails(try LabeledImages.load(images: folder, labels: labels),
                    mentioning: ["model.safetensors: is a folder, not a file"])
    }

    func testMissingAndSpecialFilesSayWhy() {
        let missing = directory.appendingPathComponent("absent.png")
        assertFails(try GrayImage.load(contentsOf: missing), mentioning: ["absent.png: cannot read (no such file)"])
        assertFails(try ModelFile.load(from: missing), mentioning: ["absent.png: cannot read (no such file)"])
        // A folder of non-digits without its glyph file: the folder is named, and how to fill it.
        let glyphs = directory.appendingPathComponent(NonDigits.trainingGlyphFile)
        assertFails(try NonDigits(glyphFile: glyphs, kind: .glyph, procedural: NonDigitKind.training),
                    mentioning: ["\(directory.path): no \(NonDigits.trainingGlyphFile)", "make-nondigits.py"])
        let device = URL(fileURLWithPath: "/dev/null")
        assertFails(try InputFile.read(device, name: "null"), mentioning: ["null: cannot read (not a regular file)"])
    }

    func testARegularFileIsReadWhole() throws {
        let url = directory.appendingPathComponent("bytes")
        try Data([1, 2, 3]).write(to: url)
        XCTAssertEqual(try InputFile.read(url, name: "bytes"), Data([1, 2, 3]))
    }
}
