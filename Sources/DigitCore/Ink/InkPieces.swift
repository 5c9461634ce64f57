// Splits ink into the pieces segmentation groups: the 8-connected blobs of an image (which has no strokes),
// or the strokes of a drawing, each cut out as its own patch.

/// The smallest units of ink segmentation works with.
enum InkPieces {
    /// The 8-connected blobs of pixels at or above `InkRegion.faintThreshold`, each as a patch holding only
    /// its own pixels (a neighbour reaching into its box is left out). In order of their first pixel.
    static func components(of pixels: [Float], width: Int, height: Int) -> [InkPatch] {
        precondition(pixels.count == width * height, "pixels must hold width * height values")
        let threshold = InkRegion.faintThreshold
        var label = [Int32](repeating: -1, count: pixels.count)
        var patches: [InkPatch] = []
        var members: [Int] = [], stack: [Int] = []
        for start in pixels.indices where pixels[start] >= threshold && label[start] < 0 {
            let id = Int32(patches.count)
            members.removeAll(keepingCapacity: true)
            label[start] = id
            stack.append(start)
            while let at = stack.popLast() {
                members.append(at)
                let x = at % width, y = at / width
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) {
                        let next = ny * width + nx
                        if label[next] < 0 && pixels[next] >= threshold {
                            label[next] = id
                            stack.append(next)
                        }
                    }
                }
            }
            patches.append(patch(of: members, in: pixels, width: width))
        }
        return patches
    }

    /// The patch spanning `members` (pixel indices) with their values and zero elsewhere.
    private static func patch(of members: [Int], in pixels: [Float], width: Int) -> InkPatch {
        var left = Int.max, top = Int.max, right = 0, bottom = 0
        for at in members {
            let x = at % width, y = at / width
            left = min(left, x); right = max(right, x + 1)
            top = min(top, y); bottom = max(bottom, y + 1)
        }
        let patchWidth = right - left
        var values = [Float](repeating: 0, count: patchWidth * (bottom - top))
        for at in members { values[(at / width - top) * patchWidth + at % width - left] = pixels[at] }
        return InkPatch(x0: left, y0: top, width: patchWidth, height: bottom - top, pixels: values)
    }

    /// Each stroke rendered on its own, as `InkCanvas` renders it on a `width` x `height` canvas, cut to the
    /// pixels it covers. Strokes that leave no ink on the canvas are left out.
    static func strokes(_ strokes: [Stroke], width: Int, height: Int) -> [InkPatch] {
        strokes.compactMap { stroke in
            guard !stroke.points.isEmpty else { return nil }
            let reach = stroke.radius + InkCanvas.boundsMargin
            let left = max(0, Int((stroke.points.map(\.x).min()! - reach).rounded(.down)))
            let right = min(width, Int((stroke.points.map(\.x).max()! + reach).rounded(.up)) + 1)
            let top = max(0, Int((stroke.points.map(\.y).min()! - reach).rounded(.down)))
            let bottom = min(height, Int((stroke.points.map(\.y).max()! + reach).rounded(.up)) + 1)
            guard left < right, top < bottom else { return nil }
            // Shifting by whole pixels keeps each pixel's distance to the pen: the canvas's values, up to rounding.
            let shift = { (p: InkPoint) in InkPoint(x: p.x - Float(left), y: p.y - Float(top)) }
            var canvas = InkCanvas(width: right - left, height: bottom - top)
            canvas.draw(Stroke(points: stroke.points.map(shift), radius: stroke.radius))
            let whole = InkPatch(x0: left, y0: top, width: canvas.width, height: canvas.height, pixels: canvas.pixels)
            return whole.cut(left: false) { _ in left }
        }
    }
}
