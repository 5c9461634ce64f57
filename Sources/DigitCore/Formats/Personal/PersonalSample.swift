// One digit a person drew and labelled: the network input it made, and the strokes, so it can be drawn again.

import Foundation

/// A labelled digit of the person's own hand.
public struct PersonalSample: Sendable, Equatable {
    /// The digit, 0...9.
    public var label: Int
    /// The 28x28 network input, row-major, 0 = background ... 255 = full ink.
    public var image: [UInt8]
    /// The strokes as drawn, in canvas pixels; empty for a digit that came from an image file.
    public var strokes: [Stroke]
    /// The size of the canvas the strokes were drawn on (0 x 0 without strokes).
    public var canvasWidth: Int, canvasHeight: Int
    /// When it was recorded, to the millisecond.
    public var recorded: Date

    public init(label: Int, image: [UInt8], strokes: [Stroke] = [], canvasWidth: Int = 0, canvasHeight: Int = 0,
                recorded: Date = Date()) {
        precondition((0..<MNIST.classes).contains(label), "a label is a digit 0...9, not \(label)")
        precondition(image.count == MNIST.pixels, "a sample is \(MNIST.pixels) pixels, not \(image.count)")
        self.label = label
        self.image = image
        self.strokes = strokes
        self.canvasWidth = canvasWidth
        self.canvasHeight = canvasHeight
        self.recorded = Date(timeIntervalSince1970: (recorded.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// A sample from what the pad shows: the network's image as floats in [0, 1] (`DigitPreprocessor`'s output),
    /// stored as bytes `round(255 * v)`.
    public init(label: Int, networkImage: [Float], strokes: [Stroke], canvasWidth: Int, canvasHeight: Int,
                recorded: Date = Date()) {
        self.init(label: label, image: networkImage.map(MNIST.gray),
                  strokes: strokes, canvasWidth: canvasWidth, canvasHeight: canvasHeight, recorded: recorded)
    }

    /// The network input as floats in [0, 1].
    public var networkImage: [Float] { image.map(MNIST.intensity) }

    /// The strokes drawn again on their canvas, each with radius `brushRadius` when given (else its own), and
    /// preprocessed as the pad does; nil without strokes or ink.
    public func redrawn(brushRadius: Float? = nil) -> [Float]? {
        guard !strokes.isEmpty, canvasWidth > 0, canvasHeight > 0 else { return nil }
        var canvas = InkCanvas(width: canvasWidth, height: canvasHeight)
        for stroke in strokes {
            canvas.draw(Stroke(points: stroke.points, radius: brushRadius ?? stroke.radius))
        }
        return DigitPreprocessor.mnistImage(from: canvas.pixels, width: canvasWidth, height: canvasHeight)
    }
}

extension PersonalSample {
    /// Every image of a 28x28 labelled set as a sample without strokes, in order.
    public static func all(in set: LabeledImages) -> [PersonalSample] {
        precondition(set.rows == MNIST.side && set.cols == MNIST.side, "samples are 28x28")
        return (0..<set.count).map { i in
            let image = Array(set.pixels[i * MNIST.pixels..<(i + 1) * MNIST.pixels])
            return PersonalSample(label: Int(set.labels[i]), image: image)
        }
    }
}

extension LabeledImages {
    /// The samples as one 28x28 labelled set, in order.
    public init(_ samples: [PersonalSample]) {
        self.init(count: samples.count, rows: MNIST.side, cols: MNIST.side, pixels: samples.flatMap(\.image),
                  labels: samples.map { UInt8($0.label) })
    }
}

// MARK: The record's payload

/// A sample's bytes in the journal, little-endian:
/// label u8, recorded i64 (ms since 1970), canvas width u32, canvas height u32, 784 image bytes, stroke count u32,
/// then per stroke: radius f32, point count u32, and (x f32, y f32) per point.
extension PersonalSample {
    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.u8(UInt8(label))
        out.u64(UInt64(bitPattern: Int64((recorded.timeIntervalSince1970 * 1000).rounded())))
        out.u32(UInt32(canvasWidth))
        out.u32(UInt32(canvasHeight))
        out.bytes += image
        out.u32(UInt32(strokes.count))
        for stroke in strokes {
            out.u32(stroke.radius.bitPattern)
            out.u32(UInt32(stroke.points.count))
            for point in stroke.points {
                out.u32(point.x.bitPattern)
                out.u32(point.y.bitPattern)
            }
        }
        return out.bytes
    }

    /// The sample in `payload`, or nil when the bytes do not make exactly one well-formed sample.
    static func decode(_ payload: ArraySlice<UInt8>) -> PersonalSample? {
        var input = ByteReader(payload)
        guard let label = input.u8(), Int(label) < MNIST.classes, let millis = input.u64(),
              let width = input.u32(), let height = input.u32(), let image = input.take(MNIST.pixels),
              let strokeCount = input.u32() else { return nil }
        var strokes: [Stroke] = []
        for _ in 0..<strokeCount {
            guard let radius = input.u32(), let pointCount = input.u32(),
                  Int(pointCount) * 8 <= input.remaining else { return nil }
            var points: [InkPoint] = []
            points.reserveCapacity(Int(pointCount))
            for _ in 0..<pointCount {
                guard let x = input.u32(), let y = input.u32() else { return nil }
                points.append(InkPoint(x: Float(bitPattern: x), y: Float(bitPattern: y)))
            }
            strokes.append(Stroke(points: points, radius: Float(bitPattern: radius)))
        }
        guard input.remaining == 0 else { return nil }
        return PersonalSample(label: Int(label), image: Array(image), strokes: strokes, canvasWidth: Int(width),
                              canvasHeight: Int(height),
                              recorded: Date(timeIntervalSince1970: Double(Int64(bitPattern: millis)) / 1000))
    }
}

/// Appends little-endian integers to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
}

/// Reads little-endian integers from a byte slice; every read is nil past the end.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - position }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func u8() -> UInt8? { take(1)?.first }
    mutating func u32() -> UInt32? { take(4).map { $0.reversed().reduce(0) { $0 << 8 | UInt32($1) } } }
    mutating func u64() -> UInt64? { take(8).map { $0.reversed().reduce(0) { $0 << 8 | UInt64($1) } } }
}
