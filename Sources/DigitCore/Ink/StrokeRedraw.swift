// Redraws an image as pen strokes: thin its ink to a one-pixel skeleton, then draw the skeleton with the pad's own
// round pen (`InkCanvas`) at a chosen width, and preprocess the result as the pad does. Training uses it to show
// the network drawings as the pad makes them (digits and non-digits alike); robustness scores it. Loops a bold
// stroke filled are opened before thinning (`loopKeepingSkeleton`), so the skeleton keeps the digit's shape.

import Foundation

/// Skeletons and their redrawing.
public enum StrokeRedraw {
    /// Ink at or above this coverage is part of the shape being thinned.
    public static let inkThreshold: Float = 0.5
    /// Side of the canvas skeletons are redrawn on, as the pad's drawings are larger than 28x28.
    public static let canvasSide = 64
    /// Pen widths, in pixels of the final 28x28 image, that `widthRange` draws from (the robustness variant).
    public static let widthRange: ClosedRange<Float> = 1...4

    /// Higher thresholds `redraw` may thin at instead, to open a loop a bold stroke filled (`loopKeepingThreshold`).
    static let loopThresholds: [Float] = [0.6, 0.7, 0.8, 0.9]
    /// Pixels (of the doubled image) a hole needs to count as a loop, and a piece of ink as a piece.
    static let smallestLoop = 4, smallestPiece = 6

    /// The skeleton of the ink in `pixels` (`width` x `height`, coverage 0...1), as the centres of its pixels:
    /// Zhang-Suen thinning (Zhang and Suen 1984) of the pixels at or above `threshold`.
    public static func skeleton(_ pixels: [Float], width: Int, height: Int,
                                threshold: Float = inkThreshold) -> [InkPoint] {
        precondition(pixels.count == width * height, "pixels must hold width * height values")
        // A one-pixel empty border, so neighbours never leave the grid.
        let w = width + 2, h = height + 2
        var ink = [Bool](repeating: false, count: w * h)
        for y in 0..<height { for x in 0..<width { ink[(y + 1) * w + x + 1] = pixels[y * width + x] >= threshold } }
        var changed = true, remove: [Int] = []
        // Neighbours P2..P9 clockwise from north, as bits 0...7 of an index into `thinningRemoves`.
        let offsets = [-w, -w + 1, 1, w + 1, w, w - 1, -1, -w - 1]
        ink.withUnsafeMutableBufferPointer { ink in
            while changed {
                changed = false
                for pass in 0..<2 {
                    let removes = thinningRemoves[pass]
                    remove.removeAll(keepingCapacity: true)
                    for y in 1..<(h - 1) {
                        for x in 1..<(w - 1) where ink[y * w + x] {
                            let i = y * w + x
                            var neighbours = 0
                            for bit in 0..<8 where ink[i + offsets[bit]] { neighbours |= 1 << bit }
                            if removes[neighbours] { remove.append(i) }
                        }
                    }
                    for i in remove { ink[i] = false }
                    changed = changed || !remove.isEmpty
                }
            }
        }
        var points: [InkPoint] = []
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) where ink[y * w + x] {
                points.append(InkPoint(x: Float(x - 1) + InkCanvas.pixelCentre, y: Float(y - 1) + InkCanvas.pixelCentre))
            }
        }
        return points
    }

    /// Whether Zhang-Suen's sub-iteration `pass` removes a pixel whose neighbours P2..P9 (clockwise from north)
    /// are the bits 0...7 of the index: 2 to 6 of them inked, one 0-to-1 transition around the ring, and neither of
    /// the sub-iteration's two triples wholly inked (P2 P4 P6 and P4 P6 P8 in the first, P2 P4 P8 and P2 P6 P8 in the
    /// second).
    static let thinningRemoves: [[Bool]] = (0..<2).map { pass in
        (0..<256).map { neighbours in
            let p = (0..<8).map { neighbours & (1 << $0) != 0 }
            let b = p.filter { $0 }.count
            guard b >= 2 && b <= 6 else { return false }
            let a = (0..<8).filter { !p[$0] && p[($0 + 1) % 8] }.count
            guard a == 1 else { return false }
            let first = pass == 0 ? p[0] && p[2] && p[4] : p[0] && p[2] && p[6]
            let second = pass == 0 ? p[2] && p[4] && p[6] : p[0] && p[4] && p[6]
            return !first && !second
        }
    }

    /// The skeleton as pen strokes: one two-point stroke between each pair of 8-neighbouring skeleton pixels, and
    /// a dot for an isolated pixel.
    public static func strokes(of skeleton: [InkPoint]) -> [[InkPoint]] {
        var index: [Int: Int] = [:]
        let key = pixelKey
        for (i, p) in skeleton.enumerated() { index[key(p)] = i }
        var result: [[InkPoint]] = []
        for p in skeleton {
            var linked = false
            // Each pair once: east, south-west, south, south-east.
            for (dx, dy) in [(1, 0), (-1, 1), (0, 1), (1, 1)] {
                if let j = index[key(p) + dy * 4096 + dx] { result.append([p, skeleton[j]]); linked = true }
            }
            let hasEarlierNeighbour = [(-1, 0), (1, -1), (0, -1), (-1, -1)].contains { index[key(p) + $0.1 * 4096 + $0.0] != nil }
            if !linked && !hasEarlierNeighbour { result.append([p]) }
        }
        return result
    }

    /// Draws `strokes` (polylines in any coordinates) on a `canvasSide` canvas with a round pen whose width after
    /// preprocessing is `penWidth` pixels of the 28x28 image, through `transform` (applied about the strokes'
    /// centre, in units of their longer side), and preprocesses the canvas as the pad does.
    ///
    /// Preprocessing scales the ink's longer side L + 2r (r the pen radius on the canvas) to 20 pixels, so a pen
    /// of width w there needs 2r * 20 / (L + 2r) = w, that is r = w L / (40 - 2 w).
    /// - Returns: `MNIST.pixels` floats, or nil when nothing was drawn.
    public static func draw(_ strokes: [[InkPoint]], penWidth: Float,
                            transform: AffineTransform = .identity) -> [Float]? {
        let all = strokes.joined()
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              let minY = all.map(\.y).min(), let maxY = all.map(\.y).max() else { return nil }
        let fitted = Float(DigitPreprocessor.fittedSide)
        let side = Float(canvasSide)
        // Shape's longer side on the canvas: room for the pen on each side.
        let span = max(maxX - minX, maxY - minY, 1)
        let penWidth = min(penWidth, fitted / 2 - 1)
        let longSide = side * 0.6
        let radius = max(penWidth * longSide / (2 * fitted - 2 * penWidth), 0.5)
        let scale = longSide / span
        let centreX = (minX + maxX) / 2, centreY = (minY + maxY) / 2
        func place(_ p: InkPoint) -> InkPoint {
            let u = (p.x - centreX) * scale, v = (p.y - centreY) * scale
            return InkPoint(x: transform.a * u + transform.b * v + transform.tx + side / 2,
                            y: transform.c * u + transform.d * v + transform.ty + side / 2)
        }
        var canvas = InkCanvas(width: canvasSide, height: canvasSide)
        for stroke in strokes { canvas.draw(Stroke(points: stroke.map(place), radius: radius)) }
        return DigitPreprocessor.mnistImage(from: canvas.pixels, width: canvasSide, height: canvasSide)
    }

    /// An image (`width` x `height` coverage) redrawn as strokes of `penWidth` (28x28 pixels) through `transform`;
    /// nil when it has no ink to thin. The image is thinned at twice its size (bilinear), so that the small holes
    /// of a bold 6, 8 or 9 are not filled in and lost from the skeleton, and at the threshold that keeps the most
    /// of its loops open (`loopKeepingThreshold`).
    public static func redraw(_ pixels: [Float], width: Int, height: Int, penWidth: Float,
                              transform: AffineTransform = .identity) -> [Float]? {
        let points = loopKeepingSkeleton(pixels, width: width, height: height)
        guard !points.isEmpty else { return nil }
        return draw(strokes(of: points), penWidth: penWidth, transform: transform)
    }

    /// The threshold to thin `pixels` at: `inkThreshold`, unless a higher one (`loopThresholds`) opens more loops
    /// without breaking the ink into more pieces. A bold 8 or 9 often has its loop filled with grey at half
    /// coverage; thinned there, the loop is a blob, and the blob's skeleton is a line or a Y that reads 1 or 7.
    /// Its grey hole opens at a higher threshold while its black strokes stay joined.
    static func loopKeepingThreshold(_ pixels: [Float], width: Int, height: Int) -> Float {
        // Only the ink's box with a pixel of margin matters: everything outside it is background at every
        // threshold tried, and joins the border.
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where pixels[y * width + x] >= inkThreshold {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return inkThreshold }
        (minX, minY) = (max(minX - 1, 0), max(minY - 1, 0))
        (maxX, maxY) = (min(maxX + 1, width - 1), min(maxY + 1, height - 1))
        let boxWidth = maxX - minX + 1, boxHeight = maxY - minY + 1
        var box = [Float](repeating: 0, count: boxWidth * boxHeight)
        for y in 0..<boxHeight {
            for x in 0..<boxWidth { box[y * boxWidth + x] = pixels[(y + minY) * width + x + minX] }
        }
        return loopKeepingThreshold(box: box, width: boxWidth, height: boxHeight)
    }

    private static func loopKeepingThreshold(box pixels: [Float], width: Int, height: Int) -> Float {
        let base = topology(pixels, width: width, height: height, threshold: inkThreshold)
        var best = (threshold: inkThreshold, loops: base.loops)
        for threshold in loopThresholds {
            let shape = topology(pixels, width: width, height: height, threshold: threshold)
            if shape.pieces <= base.pieces && shape.loops > best.loops { best = (threshold, shape.loops) }
        }
        return best.threshold
    }

    /// How much thicker than the digit's typical stroke ink must be to count as a filled loop (`punchBlobs`).
    static let blobThickness: Float = 2.2

    /// Opens the loops a bold stroke filled solid, which no threshold opens: ink whose distance to the background
    /// is `blobThickness` times the typical distance along the `skeleton` (the median; the stroke's half width)
    /// is erased, so a blob becomes a ring of about the stroke's width, and its skeleton a loop instead of a line.
    /// Returns whether anything was erased.
    static func punchBlobs(_ pixels: inout [Float], width: Int, height: Int, threshold: Float,
                           skeleton: [InkPoint]) -> Bool {
        guard !skeleton.isEmpty else { return false }
        let distance = InkParts.distances(pixels.map { $0 >= threshold }, width: width, height: height, diagonal: 1.4)
        let along = skeleton.map { distance[Int($0.y) * width + Int($0.x)] }.sorted()
        let limit = max(blobThickness * along[along.count / 2], 3)
        var punched = false
        for i in pixels.indices where distance[i] >= limit {
            pixels[i] = 0
            punched = true
        }
        return punched
    }

    /// Pieces of ink (8-connected, at least `smallestPiece` pixels) and loops (4-connected holes that do not
    /// reach the border, at least `smallestLoop` pixels) of the pixels at or above `threshold`.
    static func topology(_ pixels: [Float], width: Int, height: Int,
                         threshold: Float) -> (pieces: Int, loops: Int) {
        var pieces = 0, loops = 0
        var seen = [Bool](repeating: false, count: pixels.count)
        var stack = [Int](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { pixels in
            seen.withUnsafeMutableBufferPointer { seen in
                stack.withUnsafeMutableBufferPointer { stack in
                    for start in 0..<pixels.count where !seen[start] {
                        let isInk = pixels[start] >= threshold
                        seen[start] = true
                        stack[0] = start
                        var top = 1, size = 0, reachesBorder = false
                        while top > 0 {
                            top -= 1
                            let i = stack[top]
                            size += 1
                            let x = i % width, y = i / width
                            let left = x > 0, right = x < width - 1, up = y > 0, down = y < height - 1
                            if !(left && right && up && down) { reachesBorder = true }
                            @inline(__always) func visit(_ j: Int) {
                                guard !seen[j] && (pixels[j] >= threshold) == isInk else { return }
                                seen[j] = true
                                stack[top] = j
                                top += 1
                            }
                            if left { visit(i - 1) }
                            if right { visit(i + 1) }
                            if up { visit(i - width) }
                            if down { visit(i + width) }
                            // Ink joins across corners; holes (4-connected) do not leak through them.
                            guard isInk else { continue }
                            if left && up { visit(i - width - 1) }
                            if right && up { visit(i - width + 1) }
                            if left && down { visit(i + width - 1) }
                            if right && down { visit(i + width + 1) }
                        }
                        if isInk {
                            if size >= smallestPiece { pieces += 1 }
                        } else if !reachesBorder && size >= smallestLoop {
                            loops += 1
                        }
                    }
                }
            }
        }
        return (pieces, loops)
    }

    /// The skeleton `redraw` draws: of the image at twice its size, thinned at `loopKeepingThreshold` with its
    /// solid loops punched open (`punchBlobs`), in the doubled image's pixels.
    public static func loopKeepingSkeleton(_ pixels: [Float], width: Int, height: Int) -> [InkPoint] {
        var large = doubled(pixels, width: width, height: height)
        let threshold = loopKeepingThreshold(large, width: 2 * width, height: 2 * height)
        let points = skeleton(large, width: 2 * width, height: 2 * height, threshold: threshold)
        guard punchBlobs(&large, width: 2 * width, height: 2 * height, threshold: threshold, skeleton: points) else {
            return points
        }
        return skeleton(large, width: 2 * width, height: 2 * height, threshold: threshold)
    }

    /// `pixels` at twice the width and height, bilinear: output pixel (u, v) samples the input at
    /// ((u + 0.5) / 2 - 0.5, (v + 0.5) / 2 - 0.5), clamped to the image.
    static func doubled(_ pixels: [Float], width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 4 * width * height)
        for v in 0..<(2 * height) {
            let y = min(max((Float(v) + 0.5) / 2 - 0.5, 0), Float(height - 1))
            let y0 = Int(y), y1 = min(y0 + 1, height - 1), fy = y - Float(y0)
            for u in 0..<(2 * width) {
                let x = min(max((Float(u) + 0.5) / 2 - 0.5, 0), Float(width - 1))
                let x0 = Int(x), x1 = min(x0 + 1, width - 1), fx = x - Float(x0)
                let top = pixels[y0 * width + x0] * (1 - fx) + pixels[y0 * width + x1] * fx
                let bottom = pixels[y1 * width + x0] * (1 - fx) + pixels[y1 * width + x1] * fx
                out[v * 2 * width + u] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }
}
