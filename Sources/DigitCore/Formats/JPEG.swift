// JPEG reading (and writing, for tests and tools) through libjpeg-turbo; broken files become one-line errors, and
// a phone's photo comes upright whichever way the phone was held.

import CJPEG
import Foundation

enum JPEG {
    /// Every JPEG starts with a start-of-image marker followed by another marker.
    static let magic: [UInt8] = [0xFF, 0xD8, 0xFF]
    /// The largest image read, as for PNG: anything bigger is refused before memory is allocated.
    static let maxPixels = PNG.maxPixels
    /// Room for libjpeg's longest message.
    static let messageLength = 200

    /// Decodes a baseline or progressive JPEG, gray or colour (colour becomes luminance, as libjpeg's
    /// YCbCr-to-gray conversion keeps Y).
    static func decode(_ bytes: [UInt8], name: String) throws -> GrayImage {
        var message = [CChar](repeating: 0, count: messageLength)
        var width: Int32 = 0, height: Int32 = 0
        let sized = bytes.withUnsafeBufferPointer { data in
            digits_jpeg_size(data.baseAddress, UInt(data.count), &width, &height, &message, message.count)
        }
        guard sized == 0 else { throw failure(name, message) }
        let count = Int(width) * Int(height)
        guard width > 0, height > 0, count <= maxPixels else {
            throw DataError("\(name): implausible JPEG size \(width)x\(height)")
        }
        var pixels = [UInt8](repeating: 0, count: count)
        let decoded = bytes.withUnsafeBufferPointer { data in
            pixels.withUnsafeMutableBufferPointer { out in
                digits_jpeg_decode_gray(data.baseAddress, UInt(data.count), out.baseAddress, width, height,
                                        &message, message.count)
            }
        }
        guard decoded == 0 else { throw failure(name, message) }
        return ExifOrientation.read(bytes).upright(GrayImage(width: Int(width), height: Int(height), pixels: pixels))
    }

    /// A baseline gray JPEG of `image` at `quality` (1...100).
    static func encode(_ image: GrayImage, quality: Int = 90) throws -> Data {
        var message = [CChar](repeating: 0, count: messageLength)
        var buffer: UnsafeMutablePointer<UInt8>?, size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            digits_jpeg_encode_gray(pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(quality),
                                    &buffer, &size, &message, message.count)
        }
        defer { digits_jpeg_free(buffer) }
        guard status == 0, let buffer else { throw failure("JPEG", message) }
        return Data(bytes: buffer, count: Int(size))
    }

    private static func failure(_ name: String, _ message: [CChar]) -> DataError {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return DataError("\(name): broken JPEG (\(text.isEmpty ? "unreadable" : text))")
    }
}
