// Images that are not digits, drawn as the pad draws: letters and symbols from fonts thinned to pen strokes,
// scribbles, hatching, crosses and shapes. Training shows them to the network as an eleventh class; held-out
// kinds (other fonts, other generators) measure how well that generalizes.

import Foundation

/// A kind of non-digit and how it is drawn. The first group trains; the `heldOut` group is only scored.
public enum NonDigitKind: String, CaseIterable, Sendable {
    case glyph, scribble, hatching, cross, polygon
    case heldOutGlyph = "heldout-glyph", zigzag, star, wave, grid, dots

    /// The generators training draws from (glyphs only when a glyph file is given).
    public static let training: [NonDigitKind] = [.glyph, .scribble, .hatching, .cross, .polygon]
    /// The generators only ever scored: other fonts, other shapes.
    public static let heldOut: [NonDigitKind] = [.heldOutGlyph, .zigzag, .star, .wave, .grid, .dots]
}

/// Draws non-digits from fonts' glyphs (an IDX file of white-on-black glyph images, `scripts/make-nondigits.py`)
/// and from procedural generators.
public struct NonDigits: Sendable {
    /// The files `scripts/make-nondigits.py` writes: glyphs of the training fonts, and of the held-out ones.
    public static let trainingGlyphFile = "train-glyphs-idx3-ubyte", heldOutGlyphFile = "heldout-glyphs-idx3-ubyte"
    /// Each glyph's skeleton as pen strokes.
    public let glyphs: [[[InkPoint]]]
    /// The kinds drawn, each equally often.
    public let kinds: [NonDigitKind]
    /// Pen widths in pixels of the 28x28 image.
    public static let penWidths: ClosedRange<Float> = 1...4
    /// Random rotation (degrees) and x shear of the drawn shape.
    static let maxRotationDegrees: Float = 20, maxShear: Float = 0.3

    /// Procedural kinds only (none may be a glyph kind).
    public init(kinds: [NonDigitKind]) {
        self.glyphs = []
        self.kinds = kinds.filter { $0 != .glyph && $0 != .heldOutGlyph }
    }

    /// Glyphs from `glyphFile` plus the procedural `kinds`; the glyph kind is drawn as often as any other kind.
    public init(glyphFile: URL, kind glyphKind: NonDigitKind, procedural: [NonDigitKind]) throws {
        guard FileManager.default.fileExists(atPath: glyphFile.path) else {
            let folder = glyphFile.deletingLastPathComponent().path
            throw DataError("\(folder): no \(glyphFile.lastPathComponent); run scripts/make-nondigits.py \(folder)")
        }
        let file = try IDX.read(glyphFile, magic: IDX.imageMagic)
        let count = file.dimensions[0], rows = file.dimensions[1], cols = file.dimensions[2]
        guard count > 0 else { throw DataError("\(glyphFile.lastPathComponent): no glyphs") }
        let size = rows * cols
        var glyphs = [[[InkPoint]]](repeating: [], count: count)
        let bytes = file.bytes
        glyphs.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            Parallel.forSlices(count) { range, _ in
                for i in range {
                    let pixels = bytes[(i * size)..<((i + 1) * size)].map(MNIST.intensity)
                    (base + i).pointee = StrokeRedraw.strokes(of: StrokeRedraw.skeleton(pixels, width: cols, height: rows))
                }
            }
        }
        self.glyphs = glyphs.filter { !$0.isEmpty }
        kinds = [glyphKind] + procedural.filter { $0 != .glyph && $0 != .heldOutGlyph }
    }

    /// One non-digit, 28x28 as the pad would hand it to the network; the kind is drawn from `kinds`.
    public func image(_ rng: inout SplitMix64) -> (image: [Float], kind: NonDigitKind) {
        while true {
            let kind = kinds[Int(rng.next() % UInt64(kinds.count))]
            let strokes: [[InkPoint]]
            switch kind {
            case .glyph, .heldOutGlyph: strokes = glyphs[Int(rng.next() % UInt64(glyphs.count))]
            default: strokes = Self.procedural(kind, &rng)
            }
            let penWidth = rng.uniform(Self.penWidths.lowerBound, Self.penWidths.upperBound)
            let transform = AffineTransform.make(
                rotationDegrees: rng.uniform(-Self.maxRotationDegrees, Self.maxRotationDegrees), scale: 1,
                shear: rng.uniform(-Self.maxShear, Self.maxShear), shiftX: 0, shiftY: 0)
            if let image = StrokeRedraw.draw(strokes, penWidth: penWidth, transform: transform) { return (image, kind) }
        }
    }

    /// `count` non-digits from `seed`, as one flat array of `count * MNIST.pixels` floats, with their kinds.
    public func images(count: Int, seed: UInt64, stream: UInt64) -> (pixels: [Float], kinds: [NonDigitKind]) {
        var rng = SplitMix64(seed: seed, stream: stream)
        var pixels: [Float] = [], kinds: [NonDigitKind] = []
        pixels.reserveCapacity(count * MNIST.pixels)
        for _ in 0..<count {
            let (image, kind) = image(&rng)
            pixels += image
            kinds.append(kind)
        }
        return (pixels, kinds)
    }

    /// The strokes of one procedural shape in the unit square (y down).
    static func procedural(_ kind: NonDigitKind, _ rng: inout SplitMix64) -> [[InkPoint]] {
        func point(_ x: Float, _ y: Float) -> InkPoint { InkPoint(x: x, y: y) }
        func line(_ angle: Float, through c: InkPoint, length: Float) -> [InkPoint] {
            let dx = cosf(angle) * length / 2, dy = sinf(angle) * length / 2
            return [point(c.x - dx, c.y - dy), point(c.x + dx, c.y + dy)]
        }
        switch kind {
        case .scribble:
            // What a hand does when it scribbles: one or two tangled random walks whose heading keeps turning, or
            // a stroke rubbed back and forth across the square.
            if rng.nextUnit() < 0.5 {
                var p = point(rng.uniform(0, 0.2), rng.uniform(0, 1))
                var walk = [p]
                for k in 0..<(4 + Int(rng.next() % 10)) {
                    let side: Float = k % 2 == 0 ? 1 : 0
                    p = point(min(max(side + rng.uniform(-0.3, 0.2) * (side * 2 - 1), 0), 1),
                              min(max(p.y + rng.uniform(-0.35, 0.35), 0), 1))
                    walk.append(p)
                }
                return [walk]
            }
            return (0..<(1 + Int(rng.next() % 2))).map { _ in
                var p = point(rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))
                var heading = rng.uniform(0, 2 * .pi), turn = rng.uniform(-0.6, 0.6)
                var walk = [p]
                for _ in 0..<(20 + Int(rng.next() % 40)) {
                    turn = 0.8 * turn + 0.5 * rng.normal()
                    heading += turn
                    p = point(min(max(p.x + 0.06 * cosf(heading), 0), 1), min(max(p.y + 0.06 * sinf(heading), 0), 1))
                    walk.append(p)
                }
                return walk
            }
        case .hatching:
            // Parallel lines, sometimes crossed by a second set.
            var strokes: [[InkPoint]] = []
            for _ in 0..<(rng.nextUnit() < 0.4 ? 2 : 1) {
                let angle = rng.uniform(0, .pi), count = 3 + Int(rng.next() % 5), spacing = rng.uniform(0.1, 0.2)
                let normal = point(-sinf(angle), cosf(angle))
                for k in 0..<count {
                    let offset = (Float(k) - Float(count - 1) / 2) * spacing
                    let centre = point(0.5 + normal.x * offset + rng.uniform(-0.03, 0.03),
                                       0.5 + normal.y * offset + rng.uniform(-0.03, 0.03))
                    strokes.append(line(angle + rng.uniform(-0.08, 0.08), through: centre, length: rng.uniform(0.5, 0.9)))
                }
            }
            return strokes
        case .cross:
            // Two to four lines through one point: plus, times, asterisk.
            let centre = point(rng.uniform(0.4, 0.6), rng.uniform(0.4, 0.6)), count = 2 + Int(rng.next() % 3)
            let start = rng.uniform(0, .pi)
            return (0..<count).map { k in
                line(start + Float(k) * .pi / Float(count) + rng.uniform(-0.15, 0.15), through: centre,
                     length: rng.uniform(0.6, 1))
            }
        case .polygon:
            // A closed triangle or square outline, corners jittered (rounder polygons would pass for a 0).
            let sides = 3 + Int(rng.next() % 2), start = rng.uniform(0, 2 * .pi)
            var corners = (0..<sides).map { k -> InkPoint in
                let angle = start + 2 * .pi * Float(k) / Float(sides)
                return point(0.5 + 0.45 * cosf(angle) + rng.uniform(-0.05, 0.05),
                             0.5 + 0.45 * sinf(angle) + rng.uniform(-0.05, 0.05))
            }
            corners.append(corners[0])
            return [corners]
        case .zigzag:
            // Four to seven strokes back and forth.
            let count = 4 + Int(rng.next() % 4), amplitude = rng.uniform(0.3, 0.5)
            return [(0...count).map { k in
                point(Float(k) / Float(count), 0.5 + (k % 2 == 0 ? -amplitude : amplitude) + rng.uniform(-0.05, 0.05))
            }]
        case .star:
            // A five-pointed star in one stroke.
            let start = rng.uniform(0, 2 * .pi)
            return [(0...5).map { k in
                let angle = start + 4 * .pi * Float(k) / 5
                return point(0.5 + 0.5 * cosf(angle), 0.5 + 0.5 * sinf(angle))
            }]
        case .wave:
            // Two to four periods of a sine wave.
            let periods = rng.uniform(2, 4), amplitude = rng.uniform(0.1, 0.25)
            return [(0...48).map { k in
                let t = Float(k) / 48
                return point(t, 0.5 + amplitude * sinf(2 * .pi * periods * t))
            }]
        case .grid:
            // Two or three lines each way.
            let count = 2 + Int(rng.next() % 2)
            return (0..<count).flatMap { k -> [[InkPoint]] in
                let at = (Float(k) + 1) / Float(count + 1) + rng.uniform(-0.04, 0.04)
                return [[point(0, at), point(1, at + rng.uniform(-0.05, 0.05))],
                        [point(at, 0), point(at + rng.uniform(-0.05, 0.05), 1)]]
            }
        case .dots:
            // Five to twelve dots scattered over the square.
            return (0..<(5 + Int(rng.next() % 8))).map { _ in [point(rng.uniform(0, 1), rng.uniform(0, 1))] }
        case .glyph, .heldOutGlyph:
            preconditionFailure("glyphs come from a font file")
        }
    }
}
