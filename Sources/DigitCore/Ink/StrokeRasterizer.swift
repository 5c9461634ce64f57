// Turns pen strokes into an anti-aliased grayscale canvas: what the window draws into and what the
// preprocessor reads.

/// A pen position in canvas pixel coordinates: pixel (i, j) covers [i, i+1) x [j, j+1), centre (i+0.5, j+0.5).
public struct InkPoint: Sendable, Equatable {
    public var x: Float
    public var y: Float
    public init(x: Float, y: Float) { self.x = x; self.y = y }
}

/// One pen-down ... pen-up gesture: a polyline drawn with a round pen of `radius` pixels.
public struct Stroke: Sendable, Equatable {
    public var points: [InkPoint]
    public var radius: Float
    public init(points: [InkPoint] = [], radius: Float) { self.points = points; self.radius = radius }
}

/// A grayscale ink canvas: coverage 0 (background) ... 1 (full ink), row-major.
public struct InkCanvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [Float]

    /// Width of the anti-aliased rim: coverage falls from 1 to 0 over one pixel centred on the pen's edge.
    static let antialiasHalfWidth: Float = 0.5
    /// Pixel (i, j)'s centre lies at (i + pixelCentre, j + pixelCentre).
    static let pixelCentre: Float = 0.5
    /// Pixels beyond the pen's radius that may still receive partial coverage (the bounding-box margin).
    static let boundsMargin: Float = 1

    /// A blank canvas of `width` x `height` pixels.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "canvas must have pixels")
        self.width = width
        self.height = height
        pixels = [Float](repeating: 0, count: width * height)
    }

    /// Removes all ink.
    public mutating func clear() {
        pixels.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Anti-aliased round-capped segment: each pixel's coverage comes from the distance d of its centre
    /// to the segment, coverage = clamp(radius + 0.5 - d, 0, 1); combined with existing ink by max, so
    /// overlapping segments of one stroke don't darken joints. Only pixels near the segment are touched: on each
    /// row of its bounding box (+radius+1), the span the capsule can reach, so a long diagonal costs its length
    /// times its width rather than its bounding box. A segment of zero length draws a dot.
    ///
    /// With p the pixel centre, t = clamp(((p - a) . (b - a)) / |b - a|^2, 0, 1) and d = |p - (a + t (b - a))|.
    public mutating func drawSegment(from a: InkPoint, to b: InkPoint, radius: Float) {
        let reach = radius + Self.boundsMargin
        let x0 = max(0, Int((min(a.x, b.x) - reach).rounded(.down)))
        let x1 = min(width - 1, Int((max(a.x, b.x) + reach).rounded(.up)))
        let y0 = max(0, Int((min(a.y, b.y) - reach).rounded(.down)))
        let y1 = min(height - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }

        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let inverseLength = lengthSquared > 0 ? 1 / lengthSquared : 0
        let edge = radius + Self.antialiasHalfWidth
        let width = self.width
        // On the row through height Y the capsule lies within `halfSpan` of the segment's x at Y (clamped to the
        // segment's rows): reach / |sin| of the segment's angle. Pixels outside get no ink either way.
        let steep = abs(dy) > 0, slope = steep ? dx / dy : 0
        let halfSpan = steep ? reach * lengthSquared.squareRoot() / abs(dy) + 1 : Float(x1 - x0 + 1)
        let top = min(a.y, b.y), bottom = max(a.y, b.y)
        pixels.withUnsafeMutableBufferPointer { out in
            for y in y0...y1 {
                let py = Float(y) + Self.pixelCentre - a.y
                let row = y * width
                var first = x0, last = x1
                if steep {
                    let centre = a.x + (min(max(Float(y) + Self.pixelCentre, top), bottom) - a.y) * slope
                    first = max(x0, Int((centre - halfSpan).rounded(.down)))
                    last = min(x1, Int((centre + halfSpan).rounded(.up)))
                    if first > last { continue }
                }
                for x in first...last {
                    let px = Float(x) + Self.pixelCentre - a.x
                    let t = min(max((px * dx + py * dy) * inverseLength, 0), 1)
                    let ex = px - t * dx, ey = py - t * dy
                    let coverage = min(max(edge - (ex * ex + ey * ey).squareRoot(), 0), 1)
                    if coverage > out[row + x] { out[row + x] = coverage }
                }
            }
        }
    }

    /// Draws a whole stroke as consecutive segments (a single point is a dot, no points draws nothing).
    public mutating func draw(_ stroke: Stroke) {
        guard let first = stroke.points.first else { return }
        if stroke.points.count == 1 {
            drawSegment(from: first, to: first, radius: stroke.radius)
            return
        }
        for i in 1..<stroke.points.count {
            drawSegment(from: stroke.points[i - 1], to: stroke.points[i], radius: stroke.radius)
        }
    }

    /// Re-renders from scratch (used for undo): clears, then draws `strokes` in order.
    public mutating func render(_ strokes: [Stroke]) {
        clear()
        for stroke in strokes { draw(stroke) }
    }

    /// true when no pixel has ink.
    public var isEmpty: Bool {
        pixels.withUnsafeBufferPointer { buffer in !buffer.contains { $0 > 0 } }
    }
}
