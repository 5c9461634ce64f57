// The reliability diagram: for each confidence bin, how often the answers in it were right, against the
// diagonal a calibrated model would follow, with the number of answers per bin beneath.

public enum ReliabilityDiagram {
    /// Side of the square plot and the height of the count strip beneath it, in pixels.
    static let plotSide = 360, countHeight = 60, margin = 48, gap = 2
    static let background: Colour = 0x181A20
    static let axis: Colour = 0x5A5F6E
    static let text: Colour = 0xE6E8EE
    static let accuracyBar: Colour = 0x5AA0F0
    static let gapBar: Colour = 0xF06E5A
    static let diagonal: Colour = 0xB0B4C0

    /// The diagram for `bins` (equal-width, from `Calibration.bins`), titled with the ECE.
    public static func image(bins: [Calibration.Bin], ece: Double) -> Raster {
        let width = plotSide + 2 * margin, height = plotSide + countHeight + 3 * margin
        var image = Raster(width: width, height: height, fill: background)
        let left = margin, top = margin, bottom = top + plotSide
        image.text("RELIABILITY  ECE \(percent(ece))", x: left, y: 16, scale: 2, text)
        image.frame(Rect(x: left - 1, y: top - 1, width: plotSide + 2, height: plotSide + 2), axis)
        let column = plotSide / max(bins.count, 1), most = max(bins.map(\.count).max() ?? 1, 1)
        for (b, bin) in bins.enumerated() where bin.count > 0 {
            let x = left + b * column + gap, barWidth = column - 2 * gap
            let accuracyTop = bottom - Int((bin.accuracy * Double(plotSide)).rounded())
            let confidenceTop = bottom - Int((bin.meanConfidence * Double(plotSide)).rounded())
            image.fill(Rect(x: x, y: accuracyTop, width: barWidth, height: bottom - accuracyTop), accuracyBar)
            // The gap between confidence and accuracy, above or below the bar's top.
            let gapTop = min(accuracyTop, confidenceTop), gapHeight = abs(accuracyTop - confidenceTop)
            image.fill(Rect(x: x, y: gapTop, width: barWidth, height: max(gapHeight, 1)),
                       Raster.mix(background, gapBar, 0.8))
            // Counts on a square-root scale, so bins with a handful of answers still show.
            let countBar = Int((Double(countHeight) * (Double(bin.count) / Double(most)).squareRoot()).rounded())
            image.fill(Rect(x: x, y: bottom + margin / 2 + countHeight - countBar, width: barWidth,
                            height: max(countBar, 1)), axis)
        }
        for step in 0..<plotSide { image.fill(Rect(x: left + step, y: bottom - 1 - step, width: 1, height: 1), diagonal) }
        image.text("0", x: left - 4, y: bottom + 6, scale: 1, text)
        image.text("1", x: left + plotSide - 4, y: bottom + 6, scale: 1, text)
        image.text("1", x: left - 12, y: top, scale: 1, text)
        image.text("CONFIDENCE", x: left + plotSide / 2 - 30, y: bottom + 6, scale: 1, text)
        image.text("ACCURACY", x: 4, y: top + plotSide / 2, scale: 1, text)
        image.text("ANSWERS PER BIN", x: left, y: bottom + margin / 2 + countHeight + 8, scale: 1, text)
        return image
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 10_000).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)%"
    }
}
