// A rectangle of ink cut out of a larger canvas: one stroke, one connected blob, or a group of them that
// should read as one digit.

/// A rectangle of coverage (0...1, row-major) placed at (x0, y0) in a larger canvas.
public struct InkPatch: Sendable, Hashable {
    /// Where the patch sits: columns x0..<x0 + width, rows y0..<y0 + height of the source.
    public let x0: Int, y0: Int, width: Int, height: Int
    /// `width * height` coverage values.
    public var pixels: [Float]

    public init(x0: Int, y0: Int, width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "a patch holds width * height values")
        (self.x0, self.y0, self.width, self.height, self.pixels) = (x0, y0, width, height, pixels)
    }

    /// Columns x0..<x1 and rows y0..<y1 in source coordinates.
    public var x1: Int { x0 + width }
    public var y1: Int { y0 + height }

    /// Width over height of the rectangle.
    var aspect: Float { Float(width) / Float(height) }

    /// Total ink.
    var mass: Float { pixels.reduce(0, +) }

    /// Calls `body` with the index in `frame`'s pixels and the value of each of this patch's inked pixels; the
    /// patch lies within the frame.
    func forEachInk(in frame: InkPatch, _ body: (Int, Float) -> Void) {
        for y in 0..<height {
            for x in 0..<width where pixels[y * width + x] > 0 {
                body((y0 - frame.y0 + y) * frame.width + x0 - frame.x0 + x, pixels[y * width + x])
            }
        }
    }

    /// All patches drawn into one rectangle spanning them, combined by max (as overlapping pen strokes are).
    static func union(_ patches: [InkPatch]) -> InkPatch {
        precondition(!patches.isEmpty, "a union needs a patch")
        let left = patches.map(\.x0).min()!, top = patches.map(\.y0).min()!
        let width = patches.map(\.x1).max()! - left, height = patches.map(\.y1).max()! - top
        var pixels = [Float](repeating: 0, count: width * height)
        for patch in patches {
            for y in 0..<patch.height {
                let row = (patch.y0 - top + y) * width + patch.x0 - left
                for x in 0..<patch.width where patch.pixels[y * patch.width + x] > pixels[row + x] {
                    pixels[row + x] = patch.pixels[y * patch.width + x]
                }
            }
        }
        return InkPatch(x0: left, y0: top, width: width, height: height, pixels: pixels)
    }

    /// The part of the patch left of a boundary (`left`) or from it on, shrunk to its ink's rows and
    /// columns; nil when that part has no ink. `boundary(y)` is the first source column right of the
    /// boundary in source row y, so a straight cut at column c is `{ _ in c }`.
    func cut(left: Bool, boundary: (Int) -> Int) -> InkPatch? {
        let splits = (0..<height).map { min(max(boundary(y0 + $0) - x0, 0), width) }
        return keeping { at in (at % width < splits[at / width]) == left }
    }

    /// The pixels whose index satisfies `keep` (the others cleared), shrunk to their ink's rows and columns; nil
    /// when they hold no ink.
    func keeping(_ keep: (Int) -> Bool) -> InkPatch? {
        var top = Int.max, bottom = 0, first = Int.max, last = 0
        for y in 0..<height {
            for x in 0..<width where pixels[y * width + x] > 0 && keep(y * width + x) {
                top = min(top, y); bottom = max(bottom, y + 1)
                first = min(first, x); last = max(last, x + 1)
            }
        }
        guard top < bottom else { return nil }
        var kept = [Float](repeating: 0, count: (bottom - top) * (last - first))
        for y in top..<bottom {
            for x in first..<last where keep(y * width + x) {
                kept[(y - top) * (last - first) + x - first] = pixels[y * width + x]
            }
        }
        return InkPatch(x0: x0 + first, y0: y0 + top, width: last - first, height: bottom - top, pixels: kept)
    }
}
