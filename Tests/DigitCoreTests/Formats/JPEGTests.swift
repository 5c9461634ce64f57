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
}
