// Grayscale and colour raster images: reading PNG, PGM and JPEG files (for `digits predict`), writing PNG (for
// reports).

import Foundation

/// Luminance pixels, row-major, 0 = black ... 255 = white.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "\(pixels.count) pixels for \(width)x\(height)")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// Reads a PNG (any colour type and bit depth, not interlaced), a PGM (P2 or P5) or a JPEG, recognised by
    /// content.
    /// Colour becomes luminance (Rec. 601 weights); transparency is composited over white.
    public static func load(contentsOf url: URL) throws -> GrayImage {
        let name = url.lastPathComponent
        let data = try InputFile.read(url, name: name)
        let bytes = [UInt8](data)
        if bytes.starts(with: PNG.signature) { return try PNG.decode(bytes, name: name) }
        if bytes.starts(with: [0x50, 0x35]) || bytes.starts(with: [0x50, 0x32]) { return try PGM.decode(bytes, name: name) }
        if bytes.starts(with: JPEG.magic) { return try JPEG.decode(bytes, name: name) }
        throw DataError("\(name): not a PNG, PGM or JPEG image")
    }

    public func pngData() -> Data { PNG.encode(width: width, height: height, channels: 1, pixels: pixels) }
    public func writePNG(to url: URL) throws { try AtomicFile.write(pngData(), to: url) }
}

/// RGB pixels, interleaved, row-major.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "\(pixels.count) bytes for \(width)x\(height) RGB")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<width * height { (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = fill }
        self.init(width: width, height: height, pixels: pixels)
    }

    public func pngData() -> Data { PNG.encode(width: width, height: height, channels: 3, pixels: pixels) }
    public func writePNG(to url: URL) throws { try AtomicFile.write(pngData(), to: url) }
}

/// Netpbm's graymap: `P5` (binary) or `P2` (ASCII), a header of width, height and maxval (comments allowed).
enum PGM {
    static func decode(_ bytes: [UInt8], name: String) throws -> GrayImage {
        var index = 2
        func token() -> Int? {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count && bytes[index] != 0x0A { index += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                } else { break }
            }
            var value = 0, digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 9 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard let width = token(), let height = token(), let maxval = token(),
              width > 0, height > 0, width * height <= 1 << 26, (1...65535).contains(maxval) else {
            throw DataError("\(name): bad PGM header")
        }
        let wide = maxval > 255, count = width * height
        var values = [Int]()
        values.reserveCapacity(count)
        if bytes[1] == UInt8(ascii: "5") {
            index += 1  // the single whitespace after maxval
            let needed = count * (wide ? 2 : 1)
            guard bytes.count - index >= needed else {
                throw DataError("\(name): truncated: \(width)x\(height) pixels need \(needed) bytes, \(max(0, bytes.count - index)) remain")
            }
            for i in 0..<count {
                values.append(wide ? Int(bytes[index + 2 * i]) << 8 | Int(bytes[index + 2 * i + 1]) : Int(bytes[index + i]))
            }
        } else {
            for _ in 0..<count {
                guard let v = token() else { throw DataError("\(name): truncated: fewer than \(count) pixel values") }
                values.append(v)
            }
        }
        return GrayImage(width: width, height: height,
                         pixels: values.map { UInt8((min($0, maxval) * 255 + maxval / 2) / maxval) })
    }
}
