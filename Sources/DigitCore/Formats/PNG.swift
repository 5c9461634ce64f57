// PNG decoding (all colour types and bit depths, the five row filters) and encoding, over zlib.

import CZlib
import Foundation

enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let maxPixels = 1 << 26
    /// Deflate's best compression: a 258-byte match in two bits.
    static let maxDeflateRatio = 1032

    static func decode(_ bytes: [UInt8], name: String) throws -> GrayImage {
        func fail(_ why: String) -> DataError { DataError("\(name): \(why)") }
        var at = signature.count
        var header: (width: Int, height: Int, depth: Int, colour: Int, interlace: Int)?
        var palette: [UInt8] = [], alphaTable: [UInt8] = [], compressed: [UInt8] = []
        var ended = false
        while at + 8 <= bytes.count, !ended {
            let length = Int(IDX.bigEndian(bytes, at: at))
            // Chunk types are four ASCII letters; anything else is not PNG, and must not reach a message raw.
            let letters = bytes[at + 4..<at + 8].allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
            guard letters else {
                throw fail("not a valid PNG (chunk at byte \(at) has no four-letter type)")
            }
            let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            guard length <= bytes.count - at - 12 else { throw fail("truncated PNG (chunk \(type) runs past the end)") }
            let body = Array(bytes[at + 8..<at + 8 + length])
            switch type {
            case "IHDR":
                guard length == 13 else { throw fail("bad PNG header") }
                header = (Int(IDX.bigEndian(body, at: 0)), Int(IDX.bigEndian(body, at: 4)), Int(body[8]), Int(body[9]), Int(body[12]))
            case "PLTE": palette = body
            case "tRNS": alphaTable = body
            case "IDAT": compressed += body
            case "IEND": ended = true
            default: break
            }
            at += 12 + length
        }
        guard let h = header else { throw fail("not a valid PNG (no header)") }
        guard ended else { throw fail("truncated PNG (no end chunk)") }
        // Each side is bounded before the product, which could otherwise overflow (sides are 32-bit).
        let sides = 1...maxPixels
        guard sides.contains(h.width), sides.contains(h.height), h.width * h.height <= maxPixels else {
            throw fail("implausible PNG size \(h.width)x\(h.height)")
        }
        guard h.interlace == 0 else { throw fail("interlaced PNG is not supported; save it without interlacing") }
        let channels: Int
        switch (h.colour, h.depth) {
        case (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (3, 1), (3, 2), (3, 4), (3, 8): channels = 1
        case (2, 8), (2, 16): channels = 3
        case (4, 8), (4, 16): channels = 2
        case (6, 8), (6, 16): channels = 4
        default: throw fail("unsupported PNG colour type \(h.colour) at bit depth \(h.depth)")
        }
        let bitsPerPixel = channels * h.depth, stride = (h.width * bitsPerPixel + 7) / 8
        let expected = (stride + 1) * h.height
        // Refuse before allocating: a few bytes of header can claim gigabytes that the data cannot hold.
        guard expected <= compressed.count * maxDeflateRatio else {
            throw fail("truncated PNG (\(compressed.count) bytes of image data cannot hold \(h.width)x\(h.height) pixels)")
        }
        let raw = try inflate(compressed, expected: expected, name: name)
        let rows = try unfilter(raw, stride: stride, height: h.height, bytesPerPixel: max(1, bitsPerPixel / 8), name: name)

        var gray = [UInt8](repeating: 0, count: h.width * h.height)
        for y in 0..<h.height {
            let row = y * stride
            for x in 0..<h.width {
                func sample(_ c: Int) -> Int {  // channel c scaled to 0...255
                    if h.depth == 16 { return Int(rows[row + (x * channels + c) * 2]) }
                    if h.depth == 8 { return Int(rows[row + x * channels + c]) }
                    let bit = x * h.depth, byte = rows[row + bit / 8]
                    let value = Int(byte >> (8 - h.depth - bit % 8)) & ((1 << h.depth) - 1)
                    return h.colour == 3 ? value : value * 255 / ((1 << h.depth) - 1)
                }
                var r: Int, g: Int, b: Int, alpha = 255
                switch h.colour {
                case 3:
                    let i = sample(0)
                    guard 3 * i + 2 < palette.count else { throw fail("palette index \(i) out of range") }
                    (r, g, b) = (Int(palette[3 * i]), Int(palette[3 * i + 1]), Int(palette[3 * i + 2]))
                    if i < alphaTable.count { alpha = Int(alphaTable[i]) }
                case 2, 6:
                    (r, g, b) = (sample(0), sample(1), sample(2))
                    if h.colour == 6 { alpha = sample(3) }
                default:
                    (r, g, b) = (sample(0), sample(0), sample(0))
                    if h.colour == 4 { alpha = sample(1) }
                }
                let luminance = (299 * r + 587 * g + 114 * b) / 1000
                gray[y * h.width + x] = UInt8((luminance * alpha + 255 * (255 - alpha)) / 255)
            }
        }
        return GrayImage(width: h.width, height: h.height, pixels: gray)
    }

    static func inflate(_ data: [UInt8], expected: Int, name: String) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var length = uLongf(expected)
        let status = data.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress, &length, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(length) == expected else {
            throw DataError("\(name): corrupt or truncated PNG image data")
        }
        return output
    }

    /// Undoes the per-row filters (none, sub, up, average, Paeth) in place of the filter bytes.
    static func unfilter(_ raw: [UInt8], stride: Int, height: Int, bytesPerPixel bpp: Int, name: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride
            for i in 0..<stride {
                let a = i >= bpp ? Int(out[dst + i - bpp]) : 0
                let b = y > 0 ? Int(out[dst - stride + i]) : 0
                let c = (y > 0 && i >= bpp) ? Int(out[dst - stride + i - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DataError("\(name): corrupt PNG (row filter \(filter))")
                }
                out[dst + i] = UInt8((Int(raw[src + i]) + predictor) & 0xFF)
            }
        }
        return out
    }

    /// An 8-bit gray (1 channel) or RGB (3 channels) PNG, rows unfiltered, deflated by zlib.
    static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> Data {
        var raw = [UInt8]()
        raw.reserveCapacity((width * channels + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += pixels[y * width * channels..<(y + 1) * width * channels]
        }
        var compressedLength = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        _ = compressed.withUnsafeMutableBufferPointer { dst in
            raw.withUnsafeBufferPointer { compress2(dst.baseAddress, &compressedLength, $0.baseAddress, uLong($0.count), 6) }
        }
        var out = Data(signature)
        func chunk(_ type: String, _ body: [UInt8]) {
            let typed = Array(type.utf8) + body
            out.append(contentsOf: bigEndianBytes(body.count))
            out.append(contentsOf: typed)
            out.append(contentsOf: bigEndianBytes(Int(typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })))
        }
        chunk("IHDR", bigEndianBytes(width) + bigEndianBytes(height) + [8, channels == 1 ? 0 : 2, 0, 0, 0])
        chunk("IDAT", Array(compressed.prefix(Int(compressedLength))))
        chunk("IEND", [])
        return out
    }

    static func bigEndianBytes(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((UInt32(truncatingIfNeeded: value) >> UInt32($0)) & 0xFF) } }
}
