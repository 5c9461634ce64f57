// Pictures of an evaluation: the confusion matrix as a heat map, a gallery of the misread digits with what the
// network said and what they are, and the reliability diagram.

import Foundation

public enum Report {
    /// Pixels per confusion-matrix cell and per gallery tile (a 28x28 digit scaled by `zoom`).
    static let cell = 44, zoom = 2, margin = 8
    static let background: Colour = 0x181A20
    static let text: Colour = 0xE6E8EE
    static let wrong: Colour = 0xF06E5A
    static let right: Colour = 0x6EC88C

    /// Writes `confusion.png`, `misread.png` and `reliability.png` into `directory`.
    public static func write(_ evaluation: Evaluation, images: LabeledImages, to directory: URL,
                             maxMisread: Int = 200) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try confusionImage(evaluation).writePNG(to: directory.appendingPathComponent("confusion.png"))
        try gallery(evaluation, images: images, limit: maxMisread)
            .writePNG(to: directory.appendingPathComponent("misread.png"))
        try ReliabilityDiagram.image(bins: evaluation.calibrationBins, ece: evaluation.expectedCalibrationError)
            .writePNG(to: directory.appendingPathComponent("reliability.png"))
    }

    /// Rows are true digits, columns predictions; a cell's brightness is its share of the row, the diagonal
    /// green and errors red, with the count written in the cell.
    static func confusionImage(_ evaluation: Evaluation) -> Raster {
        let k = MNIST.classes, label = cell / 2
        let side = label + k * cell + margin
        var image = Raster(width: side, height: side, fill: background)
        let glyphHeight = PixelFont.glyphHeight * 2
        for digit in 0..<k {
            image.text("\(digit)", x: label + digit * cell + (cell - PixelFont.width(of: "0", scale: 2)) / 2, y: 4,
                       scale: 2, text)
            image.text("\(digit)", x: 6, y: label + digit * cell + (cell - glyphHeight) / 2, scale: 2, text)
        }
        for (truth, row) in evaluation.confusion.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (predicted, count) in row.enumerated() {
                let share = Float(count) / Float(total)
                let hue = truth == predicted ? right : wrong
                let strength = count == 0 ? 0 : 0.15 + 0.85 * (truth == predicted ? share : min(1, share * 20))
                let x = label + predicted * cell, y = label + truth * cell
                image.fill(Rect(x: x + 1, y: y + 1, width: cell - 2, height: cell - 2),
                           Raster.mix(background, hue, strength))
                if count > 0 {
                    let digits = "\(count)"
                    image.text(digits, x: x + (cell - PixelFont.width(of: digits, scale: 1)) / 2,
                               y: y + (cell - PixelFont.glyphHeight) / 2, scale: 1, text)
                }
            }
        }
        return image
    }

    /// Up to `limit` misread digits, each labelled `predicted/true` (red, then green).
    static func gallery(_ evaluation: Evaluation, images: LabeledImages, limit: Int) -> Raster {
        let wrongIndices = evaluation.readings.indices
            .filter { evaluation.readings[$0].digit != Int(evaluation.labels[$0]) }.prefix(limit)
        let tile = MNIST.side * zoom + margin, caption = 18, columns = 20
        let rows = max(1, (wrongIndices.count + columns - 1) / columns)
        var image = Raster(width: columns * tile + margin, height: rows * (tile + caption) + margin, fill: background)
        for (n, index) in wrongIndices.enumerated() {
            let x0 = margin + (n % columns) * tile, y0 = margin + (n / columns) * (tile + caption)
            let digit = images.floatImage(index)
            image.gray(digit, width: MNIST.side, height: MNIST.side,
                       in: Rect(x: x0, y: y0, width: MNIST.side * zoom, height: MNIST.side * zoom),
                       ink: 0xFFFFFF, background: 0x000000)
            let captionY = y0 + MNIST.side * zoom + 3
            image.text("\(evaluation.readings[index].digit)", x: x0 + 14, y: captionY, scale: 2, wrong)
            image.text("\(evaluation.labels[index])", x: x0 + 30, y: captionY, scale: 2, right)
        }
        return image
    }
}
