// JPEG reading on files the tests write with libjpeg itself: good ones, and broken ones that must give one
// line instead of ending the process as libjpeg's default error handler would.

import XCTest
@testable import DigitCore

final class JPEGTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("jpeg") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    func write(_ data: Data, _ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// A 61x37 image with smooth shading and a dark bar: sizes that are not multiples of JPEG's 8x8 blocks.
    func sample() -> GrayImage {
        let width = 61, height = 37
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let shade = 60 + 150 * x / (width - 1)
                pixels[y * width + x] = (15..<22).contains(y) && (10..<50).contains(x) ? 20 : UInt8(shade)
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    func testRoundTripKeepsSizeAndPixelsClose() throws {
        let image = sample()
        let back = try GrayImage.load(contentsOf: write(JPEG.encode(image, quality: 95), "sample.jpg"))
        XCTAssertEqual([back.width, back.height], [image.width, image.height])
        let differences = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(differences.max()!, 12, "lossy, but close at quality 95")
        XCTAssertLessThan(Double(differences.reduce(0, +)) / Double(differences.count), 2)
    }

    func testRecognisedByContentNotName() throws {
        let data = try JPEG.encode(sample())
        XCTAssertTrue([UInt8](data).starts(with: JPEG.magic))
        let misnamed = try GrayImage.load(contentsOf: write(data, "really-a-jpeg.png"))
        XCTAssertEqual(misnamed, try GrayImage.load(contentsOf: write(data, "sample.jpeg")))
    }

    func testTruncatedAndCorruptFilesAreRefusedInOneLine() throws {
        let good = try JPEG.encode(sample())
        // Cut inside the compressed data: libjpeg alone would warn and fill the rest with gray.
        assertFails(try GrayImage.load(contentsOf: write(good.prefix(good.count * 2 / 3), "cut.jpg")),
                    mentioning: ["cut.jpg", "broken JPEG", "Premature end"])
        // Cut inside the header.
        assertFails(try GrayImage.load(contentsOf: write(good.prefix(40), "header.jpg")),
                    mentioning: ["header.jpg", "broken JPEG"])
        // The start-of-image marker followed by nonsense.
        assertFails(try GrayImage.load(contentsOf: write(Data(JPEG.magic + [0x00, 0x13, 0x37, 0x42]), "junk.jpg")),
                    mentioning: ["junk.jpg", "broken JPEG"])
    }

    func testAbsurdSizeIsRefusedBeforeDecoding() throws {
        var bytes = [UInt8](try JPEG.encode(sample()))
        // The baseline frame header: FF C0, length (2 bytes), precision (1), height (2), width (2).
        let frame = try XCTUnwrap(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes.replaceSubrange((frame + 5)..<(frame + 9), with: [0xEA, 0x60, 0xEA, 0x60])  // 60000 x 60000
        assertFails(try GrayImage.load(contentsOf: write(Data(bytes), "huge.jpg")),
                    mentioning: ["huge.jpg", "implausible JPEG size 60000x60000"])
    }

    /// An EXIF segment (big- or little-endian TIFF) recording `orientation`.
    func exif(_ orientation: Int, littleEndian: Bool) -> [UInt8] {
        func bytes(_ value: Int, _ count: Int) -> [UInt8] {
            let big = (0..<count).map { UInt8((value >> (8 * (count - 1 - $0))) & 0xFF) }
            return littleEndian ? big.reversed() : big
        }
        let tiff = (littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]) + bytes(42, 2) + bytes(8, 4)
            + bytes(1, 2) + bytes(0x0112, 2) + bytes(3, 2) + bytes(1, 4) + bytes(orientation, 2) + [0, 0] + bytes(0, 4)
        let body = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }

    func testPhonePhotosComeUpright() throws {
        let data = [UInt8](try JPEG.encode(sample()))
        let stored = try GrayImage.load(contentsOf: write(Data(data), "stored.jpg"))
        func load(_ orientation: Int, littleEndian: Bool = false) throws -> GrayImage {
            let tagged = Array(data[..<2]) + exif(orientation, littleEndian: littleEndian) + Array(data[2...])
            return try GrayImage.load(contentsOf: write(Data(tagged), "o\(orientation).jpg"))
        }
        let (w, h) = (stored.width, stored.height)
        func pixel(_ image: GrayImage, _ x: Int, _ y: Int) -> UInt8 { image.pixels[y * image.width + x] }
        XCTAssertEqual(try load(1), stored)
        let halfTurn = try load(3, littleEndian: true)
        XCTAssertEqual(halfTurn.pixels, stored.pixels.reversed())
        // 6: stored a quarter turn counter-clockwise, shown turned clockwise: the stored left column is the top row.
        let quarter = try load(6)
        XCTAssertEqual([quarter.width, quarter.height], [h, w])
        for y in 0..<quarter.height {
            for x in 0..<quarter.width { XCTAssertEqual(pixel(quarter, x, y), pixel(stored, y, h - 1 - x)) }
        }
        // 8 turns a quarter counter-clockwise; a half turn and another quarter counter-clockwise undo it.
        let turnedRight = try load(8, littleEndian: true)
        let undone = ExifOrientation.turnedRight.upright(ExifOrientation.upsideDown.upright(turnedRight))
        XCTAssertTrue(undone == stored)
        // A damaged EXIF segment leaves the image as stored.
        let damaged = Array(data[..<2]) + Array(exif(6, littleEndian: false).prefix(14)) + Array(data[2...])
        XCTAssertEqual(ExifOrientation.read(damaged), .upright)
    }
}
