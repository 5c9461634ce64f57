// Measurements on small test images shared by the ink tests: centre of mass, bounding box, total ink.
@testable import DigitCore

/// Helpers for the stroke, preprocessing and transform tests; a namespace so they never collide with other suites.
enum InkTestImages {
    /// Centre of mass in pixel-index coordinates (sum(i * v) / sum(v)), or nil for a blank image.
    static func centreOfMass(_ image: [Float], width: Int, height: Int) -> (x: Float, y: Float)? {
        var total: Float = 0, sumX: Float = 0, sumY: Float = 0
        for y in 0..<height {
            for x in 0..<width {
                let v = image[y * width + x]
                total += v
                sumX += v * Float(x)
                sumY += v * Float(y)
            }
        }
        return total > 0 ? (sumX / total, sumY / total) : nil
    }

    /// Half-open box (x0..<x1, y0..<y1) of pixels above `threshold`, or nil when there are none.
    static func boundingBox(_ image: [Float], width: Int, height: Int,
                            threshold: Float) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        var x0 = Int.max, y0 = Int.max, x1 = 0, y1 = 0
        for y in 0..<height {
            for x in 0..<width where image[y * width + x] > threshold {
                x0 = min(x0, x); x1 = max(x1, x + 1)
                y0 = min(y0, y); y1 = max(y1, y + 1)
            }
        }
        return x0 < x1 ? (x0, y0, x1, y1) : nil
    }

    /// Extent along each axis of an image of solid ink with soft edges: sum over columns (rows) of the
    /// column (row) total divided by the largest total. A solid box with fractional edges measures exactly.
    static func extent(_ image: [Float], width: Int, height: Int) -> (width: Float, height: Float) {
        var columns = [Float](repeating: 0, count: width), rows = [Float](repeating: 0, count: height)
        for y in 0..<height {
            for x in 0..<width {
                columns[x] += image[y * width + x]
                rows[y] += image[y * width + x]
            }
        }
        return (columns.reduce(0, +) / columns.max()!, rows.reduce(0, +) / rows.max()!)
    }

    /// A `width` x `height` image holding a solid box of `value` over columns x0..<x1 and rows y0..<y1.
    static func filledBox(width: Int, height: Int, x0: Int, y0: Int, x1: Int, y1: Int,
                          value: Float = 1) -> [Float] {
        var image = [Float](repeating: 0, count: width * height)
        for y in y0..<y1 { for x in x0..<x1 { image[y * width + x] = value } }
        return image
    }

    /// A 28x28 digit-like test image: a "7" of 3-px strokes with soft edges, inside MNIST's 20x20 box.
    static func sevenDigit() -> [Float] {
        var canvas = InkCanvas(width: MNIST.side, height: MNIST.side)
        canvas.draw(Stroke(points: [InkPoint(x: 8, y: 7), InkPoint(x: 20, y: 7), InkPoint(x: 13, y: 22)],
                           radius: 1.2))
        return canvas.pixels
    }

    /// `sevenDigit` as 8-bit gray, 255 = ink.
    static func sevenDigitBytes() -> [UInt8] {
        sevenDigit().map { UInt8(($0 * 255).rounded()) }
    }
}
