// Labeled image sets: loading MNIST's IDX pairs (any of the names they are published under) and writing them.

import Foundation

/// Images with one label each, as MNIST stores them: bytes, 0 = background and 255 = full ink.
public struct LabeledImages: Sendable {
    public let count: Int
    public let rows: Int
    public let cols: Int
    /// `count * rows * cols` bytes, row-major.
    public let pixels: [UInt8]
    /// `count` labels, each 0...9.
    public let labels: [UInt8]

    public init(count: Int, rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == count * rows * cols && labels.count == count, "inconsistent image set")
        (self.count, self.rows, self.cols, self.pixels, self.labels) = (count, rows, cols, pixels, labels)
    }
}

/// MNIST's two sets: 60,000 training and 10,000 test images.
public enum MNISTSplit: String, Sendable {
    case train, test

    var prefix: String { self == .train ? "train" : "t10k" }

    /// The two files of a split.
    enum Kind: String { case images, labels }

    /// A file's original name (`train-images-idx3-ubyte`) and dotted one (`train-images.idx3-ubyte`).
    func stems(_ kind: Kind) -> [String] {
        let rank = kind == .images ? 3 : 1
        return ["\(prefix)-\(kind.rawValue)-idx\(rank)-ubyte", "\(prefix)-\(kind.rawValue).idx\(rank)-ubyte"]
    }

    /// The file in `directory` under either name, plain or `.gz`, or nil.
    func file(_ kind: Kind, in directory: URL) -> URL? {
        stems(kind).flatMap { [$0, $0 + ".gz"] }.map { directory.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }
}

extension LabeledImages {
    /// Loads an images file and a labels file, checking both and that their counts agree.
    public static func load(images: URL, labels: URL) throws -> LabeledImages {
        let imageArray = try IDX.read(images, magic: IDX.imageMagic)
        let labelArray = try IDX.read(labels, magic: IDX.labelMagic)
        let count = imageArray.dimensions[0]
        guard labelArray.dimensions[0] == count else {
            throw DataError("\(images.lastPathComponent) has \(count) images but \(labels.lastPathComponent) has \(labelArray.dimensions[0]) labels")
        }
        if let bad = labelArray.bytes.firstIndex(where: { Int($0) >= MNIST.classes }) {
            throw DataError("\(labels.lastPathComponent): label \(labelArray.bytes[bad]) at index \(bad) is not a digit")
        }
        return LabeledImages(count: count, rows: imageArray.dimensions[1], cols: imageArray.dimensions[2],
                             pixels: imageArray.bytes, labels: labelArray.bytes)
    }

    /// Finds a split in `directory` under the original names (`train-images-idx3-ubyte`), the dotted ones
    /// (`train-images.idx3-ubyte`), or either with `.gz`.
    public static func load(_ split: MNISTSplit, from directory: URL) throws -> LabeledImages {
        func find(_ kind: MNISTSplit.Kind) throws -> URL {
            if let found = split.file(kind, in: directory) { return found }
            let stems = split.stems(kind)
            throw DataError("\(directory.path): no \(stems[0])[.gz] or \(stems[1])[.gz]; run scripts/fetch-mnist.sh")
        }
        return try load(images: find(.images), labels: find(.labels))
    }

    /// Writes the set as an IDX pair, each file atomically.
    public func writeIDX(images: URL, labels: URL) throws {
        try AtomicFile.write(IDX.encode(magic: IDX.imageMagic, dimensions: [count, rows, cols], bytes: pixels), to: images)
        try AtomicFile.write(IDX.encode(magic: IDX.labelMagic, dimensions: [count], bytes: self.labels), to: labels)
    }
}

extension LabeledImages {
    /// Image `index` as `rows * cols` floats in [0, 1] (`MNIST.intensity`).
    public func floatImage(_ index: Int) -> [Float] {
        let size = rows * cols
        return pixels[index * size..<(index + 1) * size].map(MNIST.intensity)
    }
}
