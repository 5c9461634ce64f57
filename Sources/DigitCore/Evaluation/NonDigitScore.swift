// How a model answers images that are not digits: the held-out non-digits (fonts and generators training never
// saw) it should turn away, and the training kinds drawn from seeds training never used, for choosing thresholds.

import Foundation

/// The readings of a set of non-digits, with the kind of each.
public struct NonDigitScore: Sendable {
    public let kinds: [NonDigitKind]
    public let readings: [DigitReading]
    /// Every non-digit's image, 28x28, in order (for reports).
    public let pixels: [Float]

    /// Which set of non-digits.
    public enum Set: String, CaseIterable, Sendable {
        /// Held-out fonts and generators, never used for training or for choosing anything.
        case heldout
        /// The training fonts and generators, drawn from a stream training never draws from: for thresholds.
        case tuning
    }

    /// Procedural non-digits drawn per generator.
    public static let perGenerator = 300

    /// Draws `set` from the glyph files in `directory` and scores it with `network`.
    public static func run(_ network: Network, set: Set, directory: URL, seed: UInt64 = 1) throws -> NonDigitScore {
        let source: NonDigits, stream: UInt64, glyphFile: String
        switch set {
        case .heldout:
            (glyphFile, stream) = (NonDigits.heldOutGlyphFile, SeedStream.heldOutNonDigits)
            source = try NonDigits(glyphFile: directory.appendingPathComponent(glyphFile), kind: .heldOutGlyph,
                                   procedural: NonDigitKind.heldOut)
        case .tuning:
            (glyphFile, stream) = (NonDigits.trainingGlyphFile, SeedStream.nonDigitTuning)
            source = try NonDigits(glyphFile: directory.appendingPathComponent(glyphFile), kind: .glyph,
                                   procedural: NonDigitKind.training)
        }
        let drawn = source.images(count: perGenerator * source.kinds.count, seed: seed, stream: stream)
        let readings = Evaluation.readings(network, count: drawn.kinds.count) { i in
            Array(drawn.pixels[(i * MNIST.pixels)..<((i + 1) * MNIST.pixels)])
        }
        return NonDigitScore(kinds: drawn.kinds, readings: readings, pixels: drawn.pixels)
    }

    public var count: Int { readings.count }
    /// The fraction of non-digits not answered as a digit (status unsure or not a digit).
    public var turnedAway: Double { Self.turnedAway(readings) }
    /// `turnedAway` per kind, in `NonDigitKind` order.
    public var turnedAwayByKind: [(kind: NonDigitKind, fraction: Double, count: Int)] {
        NonDigitKind.allCases.compactMap { kind in
            let members = zip(kinds, readings).filter { $0.0 == kind }.map(\.1)
            return members.isEmpty ? nil : (kind, Self.turnedAway(members), members.count)
        }
    }
    /// How many readings have each status.
    public var statusCounts: [ReadingStatus: Int] { readings.reduce(into: [:]) { $0[$1.status, default: 0] += 1 } }

    static func turnedAway(_ readings: [DigitReading]) -> Double {
        readings.isEmpty ? 0 : Double(readings.filter { $0.status != .digit }.count) / Double(readings.count)
    }

    /// A gallery of the first `limit` non-digits answered as digits, each captioned with the digit.
    public func acceptedGallery(limit: Int = 200) -> Raster {
        let accepted = readings.indices.filter { readings[$0].status == .digit }.prefix(limit)
        let zoom = 2, margin = 8, caption = 18, columns = 20, tile = MNIST.side * zoom + margin
        let rows = max(1, (accepted.count + columns - 1) / columns)
        var image = Raster(width: columns * tile + margin, height: rows * (tile + caption) + margin, fill: 0x181A20)
        for (n, index) in accepted.enumerated() {
            let x0 = margin + (n % columns) * tile, y0 = margin + (n / columns) * (tile + caption)
            image.gray(Array(pixels[(index * MNIST.pixels)..<((index + 1) * MNIST.pixels)]), width: MNIST.side,
                       height: MNIST.side, in: Rect(x: x0, y: y0, width: MNIST.side * zoom, height: MNIST.side * zoom),
                       ink: 0xFFFFFF, background: 0x000000)
            image.text("\(readings[index].digit)", x: x0 + 22, y: y0 + MNIST.side * zoom + 3, scale: 2, 0xF06E5A)
        }
        return image
    }
}
