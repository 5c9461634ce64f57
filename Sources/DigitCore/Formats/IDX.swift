// A validating reader and writer for the IDX files MNIST ships in, plain or gzip-compressed.

import CZlib
import Foundation

/// The contents of one IDX file of unsigned bytes: its dimensions and its values.
struct IDXArray {
    let dimensions: [Int]
    let bytes: [UInt8]
}

/// IDX (LeCun et al.): a big-endian header (magic `0x0000_08_NN`, where `08` is unsigned bytes and `NN` the number
/// of dimensions), one big-endian UInt32 per dimension, then the values. MNIST uses magic 2051 for images
/// (count, rows, cols) and 2049 for labels (count).
enum IDX {
    static let imageMagic: UInt32 = 2051
    static let labelMagic: UInt32 = 2049
    static let gzipMagic: [UInt8] = [0x1F, 0x8B]
    /// Larger files are not MNIST-like; refusing them bounds what a corrupt header can make us allocate.
    static let maxBytes = 1 << 31

    /// Reads and checks an IDX file, inflating it first when it is gzip-compressed.
    static func read(_ url: URL, magic expected: UInt32) throws -> IDXArray {
        let name = url.lastPathComponent
        return try decode(InputFile.read(url, name: name), magic: expected, name: name)
    }

    /// Checks the bytes of an IDX file named `name`, inflating them first when they are gzip-compressed.
    static func decode(_ raw: Data, magic expected: UInt32, name: String) throws -> IDXArray {
        let data = raw.starts(with: gzipMagic) ? try gunzip(raw, name: name) : raw
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw DataError("\(name): truncated: \(bytes.count) bytes, too short for an IDX header") }
        let magic = bigEndian(bytes, at: 0)
        guard magic == expected else {
            let kind = expected == imageMagic ? "image" : "label"
            throw DataError("\(name): not an IDX \(kind) file (magic \(magic), expected \(expected))")
        }
        let rank = Int(expected & 0xFF), header = 4 + 4 * rank
        guard bytes.count >= header else { throw DataError("\(name): truncated: the header needs \(header) bytes, the file has \(bytes.count)") }
        let dimensions = (0..<rank).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
        let (payload, overflow) = dimensions.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow, payload <= maxBytes else { throw DataError("\(name): dimensions \(dimensions) are implausibly large") }
        guard bytes.count == header + payload else {
            let fault = bytes.count < header + payload ? "truncated" : "trailing bytes"
            throw DataError("\(name): \(fault): dimensions \(dimensions.map(String.init).joined(separator: "x")) need \(header + payload) bytes, the file has \(bytes.count)")
        }
        return IDXArray(dimensions: dimensions, bytes: Array(bytes[header...]))
    }

    /// The IDX encoding of unsigned bytes with the given dimensions.
    static func encode(magic: UInt32, dimensions: [Int], bytes: [UInt8]) -> Data {
        var out = Data()
        for value in [magic] + dimensions.map(UInt32.init) {
            out.append(contentsOf: [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xFF) })
        }
        out.append(contentsOf: bytes)
        return out
    }

    static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    /// Inflates a whole gzip stream with zlib.
    static func gunzip(_ data: Data, name: String) throws -> Data {
        var stream = z_stream()
        // windowBits 15 + 16: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(name): cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        var input = [UInt8](data)
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                }
                if output.count > maxBytes { status = Z_MEM_ERROR }
            }
        }
        guard status == Z_STREAM_END else {
            throw DataError("\(name): corrupt or truncated gzip data (\(status == Z_BUF_ERROR ? "stream ends early" : "zlib error \(status)"))")
        }
        return output
    }
}

/// A data file that cannot be used, with a one-line reason naming the file.
public struct DataError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
