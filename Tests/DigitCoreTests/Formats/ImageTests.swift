// PNG and PGM reading on files the tests write, PNG writing, and refusal of broken images.

import CZlib
import XCTest
@testable import DigitCore

final class ImageTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("images") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    func write(_ data: Data, _ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// A PNG built by hand: the given IHDR fields, and already-filtered scanlines (filter byte first).
    func png(width: Int, height: Int, depth: UInt8, colour: UInt8, scanlines: [UInt8], extra: [(String, [UInt8])] = []) -> Data {
        var length = compressBound(uLong(scanlines.count))
        var compressed = [UInt8](repeating: 0, count: Int(length))
        _ = compressed.withUnsafeMutableBufferPointer { dst in
            scanlines.withUnsafeBufferPointer { compress(dst.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        var out = Data(PNG.signature)
        func chunk(_ type: String, _ body: [UInt8]) {
            let typed = Array(type.utf8) + body
            out.append(contentsOf: PNG.bigEndianBytes(body.count) + typed)
            out.append(contentsOf: PNG.bigEndianBytes(Int(typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })))
        }
        chunk("IHDR", PNG.bigEndianBytes(width) + PNG.bigEndianBytes(height) + [depth, colour, 0, 0, 0])
        for (type, body) in extra { chunk(type, body) }
        chunk("IDAT", Array(compressed.prefix(Int(length))))
        chunk("IEND", [])
        return out
    }

    func testGrayAndRGBRoundTrip() throws {
        let gray = GrayImage(width: 5, height: 3, pixels: (0..<15).map { UInt8($0 * 17) })
        XCTAssertEqual(try GrayImage.load(contentsOf: write(gray.pngData(), "g.png")), gray)
        let rgb = RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        let back = try GrayImage.load(contentsOf: write(rgb.pngData(), "c.png"))
        XCTAssertEqual(back.pixels, [76, 29], "Rec. 601 luminance of pure red and pure blue")
    }

    func testEveryRowFilterDecodes() throws {
        // 3x5 gray image with rows filtered by none, sub, up, average and Paeth; expected values computed here.
        let image: [[UInt8]] = [[10, 20, 30], [40, 35, 30], [40, 50, 60], [1, 200, 3], [90, 80, 250]]
        var scanlines: [UInt8] = []
        for (y, row) in image.enumerated() {
            scanlines.append(UInt8(y))
            for (x, value) in row.enumerated() {
                let a = x > 0 ? Int(row[x - 1]) : 0, b = y > 0 ? Int(image[y - 1][x]) : 0
                let c = (x > 0 && y > 0) ? Int(image[y - 1][x - 1]) : 0
                let p = a + b - c
                let paeth = abs(p - a) <= abs(p - b) && abs(p - a) <= abs(p - c) ? a : (abs(p - b) <= abs(p - c) ? b : c)
                let predictor = [0, a, b, (a + b) / 2, paeth][y]
                scanlines.append(UInt8((Int(value) - predictor + 256) & 0xFF))
            }
        }
        let url = try write(png(width: 3, height: 5, depth: 8, colour: 0, scanlines: scanlines), "f.png")
        XCTAssertEqual(try GrayImage.load(contentsOf: url).pixels, image.flatMap { $0 })
    }

    func testPaletteAlphaAndLowBitDepths() throws {
        // 1-bit gray: 0b1010_0000 -> white, black, white, black.
        let bits = try write(png(width: 4, height: 1, depth: 1, colour: 0, scanlines: [0, 0b1010_0000]), "b.png")
        XCTAssertEqual(try GrayImage.load(contentsOf: bits).pixels, [255, 0, 255, 0])
        // Palette with a transparent entry, composited over white.
        let indexed = try write(png(width: 2, height: 1, depth: 8, colour: 3, scanlines: [0, 0, 1],
                                    extra: [("PLTE", [0, 0, 0, 255, 255, 255]), ("tRNS", [0])]), "p.png")
        XCTAssertEqual(try GrayImage.load(contentsOf: indexed).pixels, [255, 255])
        // Gray + alpha at half opacity: black over white is mid gray.
        let alpha = try write(png(width: 1, height: 1, depth: 8, colour: 4, scanlines: [0, 0, 128]), "a.png")
        XCTAssertEqual(try GrayImage.load(contentsOf: alpha).pixels, [127])
    }

    func testPGMBinaryAndASCII() throws {
        let binary = try write(Data("P5\n# a comment\n3 1\n255\n".utf8) + Data([0, 128, 255]), "b.pgm")
        XCTAssertEqual(try GrayImage.load(contentsOf: binary).pixels, [0, 128, 255])
        let ascii = try write(Data("P2 2 2 15\n0 15\n 5 10\n".utf8), "a.pgm")
        XCTAssertEqual(try GrayImage.load(contentsOf: ascii).pixels, [0, 255, 85, 170])
    }

    func testBrokenImagesAreRefused() throws {
        let good = GrayImage(width: 4, height: 4, pixels: [UInt8](repeating: 9, count: 16)).pngData()
        assertFails(try GrayImage.load(contentsOf: write(good.prefix(good.count - 20), "cut.png")), mentioning: ["cut.png"])
        assertFails(try GrayImage.load(contentsOf: write(Data("hello".utf8), "text.png")), mentioning: ["text.png", "not a PNG, PGM or JPEG"])
        assertFails(try GrayImage.load(contentsOf: write(Data("P5\n4 4\n255\n".utf8) + Data([1, 2]), "short.pgm")),
                    mentioning: ["short.pgm", "truncated"])
        assertFails(try GrayImage.load(contentsOf: write(Data("P5\n0 4\n255\n".utf8), "zero.pgm")), mentioning: ["header"])
        let interlaced = png(width: 1, height: 1, depth: 8, colour: 0, scanlines: [0, 0])
        var bytes = [UInt8](interlaced)
        bytes[PNG.signature.count + 8 + 12] = 1  // the IHDR interlace byte (CRC is not checked)
        assertFails(try GrayImage.load(contentsOf: write(Data(bytes), "i.png")), mentioning: ["interlaced"])
        assertFails(try GrayImage.load(contentsOf: directory.appendingPathComponent("none.png")), mentioning: ["none.png"])
    }

    func testASizeTheDataCannotHoldIsRefused() throws {
        // 8192x8192 RGBA at 16 bits would be 512 MB of rows; two rows of data cannot inflate to that.
        let huge = png(width: 8192, height: 8192, depth: 16, colour: 6, scanlines: [UInt8](repeating: 0, count: 2 * 65537))
        assertFails(try GrayImage.load(contentsOf: write(huge, "huge.png")), mentioning: ["huge.png", "cannot hold 8192x8192"])
    }
}
