// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
// byte range, then the raw little-endian data. Reading checks everything the format implies.

import Foundation

/// A named float32 array.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
    public init(name: String, shape: [Int], values: [Float]) {
        (self.name, self.shape, self.values) = (name, shape, values)
    }
}

/// A safetensors file of float32 tensors with string metadata.
public struct SafeTensorsFile: Sendable {
    public var metadata: [String: String]
    /// In file order on read; written in this order.
    public var tensors: [NamedTensor]

    public init(metadata: [String: String], tensors: [NamedTensor]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    static let metadataKey = "__metadata__"
    static let lengthBytes = 8
    /// No model of ours needs a header near this size; a larger claim means a corrupt or foreign file.
    static let maxHeaderBytes = 100 << 20

    public static func read(from url: URL) throws -> SafeTensorsFile {
        let data: Data
        do { data = try InputFile.read(url, name: url.lastPathComponent) } catch { throw ModelFileError(error.description) }
        return try decode(data, name: url.lastPathComponent)
    }

    public static func decode(_ data: Data, name: String) throws -> SafeTensorsFile {
        func fail(_ why: String) -> ModelFileError { ModelFileError("\(name): \(why)") }
        let bytes = [UInt8](data)
        guard bytes.count >= lengthBytes else { throw fail("truncated: \(bytes.count) bytes, too short for a safetensors file") }
        let headerLength = (0..<lengthBytes).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard headerLength <= UInt64(maxHeaderBytes), Int(headerLength) <= bytes.count - lengthBytes else {
            throw fail("not a safetensors file, or truncated (header length \(headerLength), file size \(bytes.count))")
        }
        let dataStart = lengthBytes + Int(headerLength)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[lengthBytes..<dataStart])),
              let header = json as? [String: Any] else { throw fail("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let raw = header[metadataKey] {
            guard let meta = raw as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (key, value) in meta {
                guard let text = value as? String else { throw fail("metadata \(quoted(key)) is not a string") }
                metadata[key] = text
            }
        }
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (key, raw) in header where key != metadataKey {
            guard let entry = raw as? [String: Any] else { throw fail("tensor \(quoted(key)) is not described by an object") }
            guard let dtype = entry["dtype"] as? String, dtype == "F32" else {
                let found = entry["dtype"].map { ($0 as? String).map { quoted($0) } ?? "that is not a string" } ?? "missing"
                throw fail("tensor \(quoted(key)) has dtype \(found); only F32 is supported")
            }
            guard let shape = intArray(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor \(quoted(key)) has no valid shape")
            }
            guard let offsets = intArray(entry["data_offsets"]), offsets.count == 2, offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw fail("tensor \(quoted(key)) has no valid data_offsets")
            }
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            // The byte count is computed only once it cannot overflow.
            guard elements < Int.max / 4 else { throw fail("tensor \(quoted(key)) of shape \(shape) is implausibly large") }
            guard offsets[1] - offsets[0] == elements * 4 else {
                throw fail("tensor \(quoted(key)) of shape \(shape) needs \(elements * 4) bytes but its offsets span \(offsets[1] - offsets[0])")
            }
            entries.append((key, shape, offsets[0], offsets[1]))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let dataSize = bytes.count - dataStart
        var expected = 0
        for entry in entries {
            guard entry.begin == expected else {
                throw fail(entry.begin > expected ? "gap before tensor \(quoted(entry.name)) (bytes \(expected)..<\(entry.begin) unused)"
                                                  : "tensor \(quoted(entry.name)) overlaps the tensor before it")
            }
            guard entry.end <= dataSize else {
                throw fail("truncated: tensor \(quoted(entry.name)) needs bytes \(entry.begin)..<\(entry.end) but the data section has \(dataSize)")
            }
            expected = entry.end
        }
        guard expected == dataSize else { throw fail("\(dataSize - expected) trailing bytes after the last tensor") }

        let tensors = entries.map { entry -> NamedTensor in
            var values = [Float](repeating: 0, count: (entry.end - entry.begin) / 4)
            values.withUnsafeMutableBytes { out in
                bytes.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[(dataStart + entry.begin)..<(dataStart + entry.end)])) }
            }
            return NamedTensor(name: entry.name, shape: entry.shape, values: values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) })
        }
        return SafeTensorsFile(metadata: metadata, tensors: tensors)
    }

    /// The file's bytes; keys in the header are sorted, so equal contents give equal files.
    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header[Self.metadataKey] = metadata }
        var offset = 0
        for tensor in tensors {
            guard tensor.values.count == tensor.shape.reduce(1, *) else {
                throw ModelFileError("tensor '\(tensor.name)' has \(tensor.values.count) values for shape \(tensor.shape)")
            }
            guard header[tensor.name] == nil, tensor.name != Self.metadataKey else {
                throw ModelFileError("tensor name '\(tensor.name)' is used twice")
            }
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.values.count * 4]]
            offset += tensor.values.count * 4
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        // Pad the header with spaces to a multiple of 8 bytes so the data section is aligned, as the format advises.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data(capacity: Self.lengthBytes + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for tensor in tensors {
            tensor.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Atomic: an interrupted save never destroys the previous file.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    private static func intArray(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            guard let number = element as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
                  abs(number.doubleValue) < 1e15 else { return nil }
            result.append(number.intValue)
        }
        return result
    }
}
