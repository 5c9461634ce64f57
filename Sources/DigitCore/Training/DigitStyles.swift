// Ways of writing digits that MNIST's American writers rarely used, drawn as pen strokes: a 1 with a long flag
// (and often a base), a 7 with a crossbar, an open 4, an 8 in one slanted loop.

import Foundation

/// A digit style MNIST lacks, drawn from a template with jittered control points.
public enum DigitStyle: String, CaseIterable, Sendable {
    case flaggedOne = "flagged-one", crossedSeven = "crossed-seven", openFour = "open-four", loopEight = "loop-eight"

    /// The digit the style writes.
    public var digit: UInt8 {
        switch self {
        case .flaggedOne: return 1
        case .crossedSeven: return 7
        case .openFour: return 4
        case .loopEight: return 8
        }
    }

    /// Control points move by up to this fraction of the digit's height.
    static let jitter: Float = 0.05
    /// Random rotation (degrees) and x shear, as people slant their writing.
    static let maxRotationDegrees: Float = 12, maxShear: Float = 0.35

    /// The style's strokes in a box about 0.6 wide and 1 high (y down), with jitter from `rng`.
    func strokes(_ rng: inout SplitMix64) -> [[InkPoint]] {
        func p(_ x: Float, _ y: Float) -> InkPoint {
            InkPoint(x: x + rng.uniform(-Self.jitter, Self.jitter), y: y + rng.uniform(-Self.jitter, Self.jitter))
        }
        switch self {
        case .flaggedOne:
            // The flag runs from well down the left up to the top of the stem, a third to a half of the height.
            let flagDrop = rng.uniform(0.3, 0.5), flagReach = rng.uniform(0.25, 0.45)
            let top = p(0.5, 0), foot = p(0.5, 1)
            var strokes = [[p(0.5 - flagReach, flagDrop), top, foot]]
            if rng.nextUnit() < 0.6 { strokes.append([p(0.5 - 0.25, 1), p(0.5 + 0.25, 1)]) }
            return strokes
        case .crossedSeven:
            let bar = [p(0.1, 0), p(0.75, 0)]
            let stem = [bar[1], p(0.35, 1)]
            let crossY = rng.uniform(0.4, 0.6)
            let crossX = 0.75 - (0.75 - 0.35) * crossY
            return [bar + [stem[1]], [p(crossX - 0.2, crossY), p(crossX + 0.2, crossY)]]
        case .openFour:
            // Left stroke down then across; the right stem stands apart, so the top stays open.
            let across = rng.uniform(0.55, 0.7)
            return [[p(0.15, 0), p(0.1, across), p(0.75, across)], [p(0.55, 0.05), p(0.55, 1)]]
        case .loopEight:
            // A figure of eight in one stroke, the crossing in the middle (lemniscate of Gerono), narrow.
            let width = rng.uniform(0.2, 0.35), start = rng.uniform(0, 2 * .pi)
            return [(0...40).map { k in
                let t = start + 2 * .pi * Float(k) / 40
                return p(0.5 + width * sinf(2 * t), 0.5 - 0.5 * cosf(t))
            }]
        }
    }

    /// One drawing of the style, 28x28 as the pad would hand it to the network, with a pen of `penWidth`.
    public func image(penWidth: Float, _ rng: inout SplitMix64) -> [Float] {
        let strokes = strokes(&rng)
        let transform = AffineTransform.make(
            rotationDegrees: rng.uniform(-Self.maxRotationDegrees, Self.maxRotationDegrees), scale: 1,
            shear: rng.uniform(-Self.maxShear, Self.maxShear), shiftX: 0, shiftY: 0)
        return StrokeRedraw.draw(strokes, penWidth: penWidth, transform: transform)
            ?? [Float](repeating: 0, count: MNIST.pixels)
    }
}
