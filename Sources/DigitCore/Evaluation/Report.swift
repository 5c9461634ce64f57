// Pictures of an evaluation: the confusion matrix as a heat map, and a gallery of the misread digits with what the
// network said and what they are.

import Foundation

public enum Report {
    /// Pixels per confusion-matrix cell and per gallery tile (a 28x28 digit scaled by `zoom`).
    static let cell = 44, zoom = 2, margin = 8
    static let background: (UInt8, UInt8, UInt8) = (24, 26, 32)
    static let text: (UInt8, UInt8, UInt8) = (230, 232, 238)
    static let wrong: (UInt8, UInt8, UInt8) = (240, 110, 90)
    static let right: (UInt8, UInt8, UInt8) = (110, 200, 140)

    /// Writes `confusion.png` and `misread.png` into `directory`.
    public static func write(_ evaluation: Evaluation, images: LabeledImages, to directory: URL,
                             maxMisread: Int = 200) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try confusionImage(evaluation).writePNG(to: directory.appendingPathComponent("confusion.png"))
        try gallery(evaluation, images: images, limit: maxMisread)
            .writePNG(to: directory.appendingPathComponent("misread.png"))
    }

    /// Rows are true digits, columns predictions; a cell's brightness is its share of the row, the diagonal
    /// green and errors red, with the count written in the cell.
    static func confusionImage(_ evaluation: Evaluation) -> RGBImage {
        let k = MNIST.classes, label = cell / 2
        let side = label + k * cell + margin
        var image = RGBImage(width: side, height: side, fill: background)
        for digit in 0..<k {
            DigitGlyphs.draw("\(digit)", into: &image, x: label + digit * cell + cell / 2 - 3, y: 4, scale: 2, color: text)
            DigitGlyphs.draw("\(digit)", into: &image, x: 6, y: label + digit * cell + cell / 2 - 5, scale: 2, color: text)
        }
        for (truth, row) in evaluation.confusion.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (predicted, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let hue = truth == predicted ? right : wrong
                let strength = count == 0 ? 0 : 0.15 + 0.85 * (truth == predicted ? share : min(1, share * 20))
                let color = blend(background, hue, strength)
                let x = label + predicted * cell, y = label + truth * cell
                image.fill(x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, color: color)
                if count > 0 {
                    let digits = "\(count)"
                    DigitGlyphs.draw(digits, into: &image, x: x + (cell - digits.count * 4) / 2, y: y + cell / 2 - 3,
                                     scale: 1, color: text)
                }
            }
        }
        return image
    }

    /// Up to `limit` misread digits, each labelled `predicted/true` (red, then green).
    static func gallery(_ evaluation: Evaluation, images: LabeledImages, limit: Int) -> RGBImage {
        let wrongIndices = evaluation.predictions.indices
            .filter { evaluation.predictions[$0].digit != Int(images.labels[$0]) }.prefix(limit)
        let tile = MNIST.side * zoom + margin, caption = 14, columns = 20
        let rows = max(1, (wrongIndices.count + columns - 1) / columns)
        var image = RGBImage(width: columns * tile + margin, height: rows * (tile + caption) + margin, fill: background)
        for (n, index) in wrongIndices.enumerated() {
            let x0 = margin + (n % columns) * tile, y0 = margin + (n / columns) * (tile + caption)
            for y in 0..<MNIST.side * zoom {
                for x in 0..<MNIST.side * zoom {
                    let v = images.pixels[index * MNIST.pixels + (y / zoom) * MNIST.side + x / zoom]
                    image.set(x: x0 + x, y: y0 + y, color: (v, v, v))
                }
            }
            let predicted = evaluation.predictions[index].digit
            DigitGlyphs.draw("\(predicted)", into: &image, x: x0 + 14, y: y0 + MNIST.side * zoom + 3, scale: 2, color: wrong)
            DigitGlyphs.draw("\(images.labels[index])", into: &image, x: x0 + 30, y: y0 + MNIST.side * zoom + 3,
                             scale: 2, color: right)
        }
        return image
    }

    static func blend(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8), _ t: Double) -> (UInt8, UInt8, UInt8) {
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - t) + Double(y) * t).rounded()) }
        return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}

extension RGBImage {
    mutating func set(x: Int, y: Int, color: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let at = (y * width + x) * 3
        pixels[at] = color.0
        pixels[at + 1] = color.1
        pixels[at + 2] = color.2
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8)) {
        for yy in y..<y + h { for xx in x..<x + w { set(x: xx, y: yy, color: color) } }
    }
}

/// A 3x5 pixel font for the digits 0-9, enough to label report pictures without any system font.
enum DigitGlyphs {
    /// Each glyph is five rows of three bits, most significant bit on the left.
    static let rows: [[UInt8]] = [
        [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 3, 1, 7], [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 2, 2, 2], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
    ]

    /// Draws the digits of `text` (other characters are skipped) with their top-left corner at (x, y).
    static func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int, scale: Int,
                     color: (UInt8, UInt8, UInt8)) {
        var pen = x
        for character in text {
            guard let digit = character.wholeNumberValue else { continue }
            for (r, bits) in rows[digit].enumerated() {
                for c in 0..<3 where bits & (4 >> c) != 0 {
                    image.fill(x: pen + c * scale, y: y + r * scale, width: scale, height: scale, color: color)
                }
            }
            pen += 4 * scale
        }
    }
}
