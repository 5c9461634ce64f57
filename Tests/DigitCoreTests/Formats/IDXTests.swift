// The IDX reader on files the tests write: good ones under every published name, and broken ones.

import CZlib
import XCTest
@testable import DigitCore

final class IDXTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("idx") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    /// Three 28x28 images whose first pixel is their index, labelled 7, 0, 9.
    func sample() -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: 3 * MNIST.pixels)
        for i in 0..<3 { pixels[i * MNIST.pixels] = UInt8(i + 1); pixels[i * MNIST.pixels + 300] = 255 }
        return LabeledImages(count: 3, rows: MNIST.side, cols: MNIST.side, pixels: pixels, labels: [7, 0, 9])
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func gzip(_ data: Data) -> Data {
        // A gzip stream via zlib's deflate with windowBits 15 + 16.
        var stream = z_stream()
        XCTAssertEqual(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                     ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)), Z_OK)
        var input = [UInt8](data), output = [UInt8](repeating: 0, count: data.count + 1024)
        input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress; stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress; stream.avail_out = uInt(dst.count)
                XCTAssertEqual(deflate(&stream, Z_FINISH), Z_STREAM_END)
            }
        }
        let produced = Int(stream.total_out)
        deflateEnd(&stream)
        return Data(output.prefix(produced))
    }

    func testRoundTripUnderBothNamesAndCompressed() throws {
        let set = sample()
        try set.writeIDX(images: url("t10k-images-idx3-ubyte"), labels: url("t10k-labels-idx1-ubyte"))
        var loaded = try LabeledImages.load(.test, from: directory)
        XCTAssertEqual(loaded.pixels, set.pixels)
        XCTAssertEqual(loaded.labels, set.labels)
        XCTAssertEqual([loaded.count, loaded.rows, loaded.cols], [3, 28, 28])

        let dotted = try makeTemporaryDirectory("dotted")
        defer { try? FileManager.default.removeItem(at: dotted) }
        for (from, to) in [("t10k-images-idx3-ubyte", "train-images.idx3-ubyte.gz"),
                           ("t10k-labels-idx1-ubyte", "train-labels.idx1-ubyte.gz")] {
            try gzip(Data(contentsOf: url(from))).write(to: dotted.appendingPathComponent(to))
        }
        loaded = try LabeledImages.load(.train, from: dotted)
        XCTAssertEqual(loaded.pixels, set.pixels)
        XCTAssertEqual(loaded.labels, set.labels)
    }

    func testBrokenFilesAreRefusedWithTheFileAndFault() throws {
        let set = sample()
        try set.writeIDX(images: url("i"), labels: url("l"))
        let images = try Data(contentsOf: url("i"))

        try images.prefix(images.count - 5).write(to: url("short"))
        assertFails(try LabeledImages.load(images: url("short"), labels: url("l")), mentioning: ["short", "truncated"])
        try (images + Data([1, 2])).write(to: url("long"))
        assertFails(try LabeledImages.load(images: url("long"), labels: url("l")), mentioning: ["long", "trailing"])
        try images.prefix(10).write(to: url("header"))
        assertFails(try LabeledImages.load(images: url("header"), labels: url("l")), mentioning: ["header", "truncated"])
        assertFails(try LabeledImages.load(images: url("l"), labels: url("l")), mentioning: ["l:", "magic 2049", "2051"])
        var foreign = images
        foreign[3] = 0x04
        try foreign.write(to: url("foreign"))
        assertFails(try LabeledImages.load(images: url("foreign"), labels: url("l")), mentioning: ["foreign", "magic"])
        try gzip(images).prefix(60).write(to: url("cut.gz"))
        assertFails(try LabeledImages.load(images: url("cut.gz"), labels: url("l")), mentioning: ["cut.gz", "gzip"])
        assertFails(try LabeledImages.load(images: url("absent"), labels: url("l")), mentioning: ["absent"])
    }

    func testCountsMustAgreeAndLabelsMustBeDigits() throws {
        let set = sample()
        try set.writeIDX(images: url("i"), labels: url("l"))
        let two = LabeledImages(count: 2, rows: 28, cols: 28, pixels: Array(set.pixels.prefix(2 * MNIST.pixels)), labels: [1, 2])
        try two.writeIDX(images: url("i2"), labels: url("l2"))
        assertFails(try LabeledImages.load(images: url("i"), labels: url("l2")), mentioning: ["3 images", "2 labels", "l2"])
        var labels = try Data(contentsOf: url("l"))
        labels[labels.count - 1] = 12
        try labels.write(to: url("l12"))
        assertFails(try LabeledImages.load(images: url("i"), labels: url("l12")), mentioning: ["l12", "label 12"])
    }

    func testMissingSplitNamesTheDirectoryAndTheFix() throws {
        assertFails(try LabeledImages.load(.train, from: directory), mentioning: ["train-images", "fetch-mnist"])
    }
}
