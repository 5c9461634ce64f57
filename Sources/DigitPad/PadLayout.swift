// Where everything goes in the window, as a pure function of its size (so it is testable without a display).

import DigitCore

/// A wide canvas across the top left, made for numbers; under it the readout: the number's digits (each with the
/// image the network read and its confidence) and, beside them, the ten probability bars of one digit; the key
/// hints at the bottom. Below the minimum size the bars go first, then the hints, then the thumbnails; the canvas
/// and the number stay.
public struct PadLayout: Equatable, Sendable {
    public static let margin = 16, gap = 16, footerHeight = 28
    /// Room for six digits side by side at the size one digit had on the old square canvas (3:1).
    public static let defaultCanvas = (width: 1050, height: 350)
    /// The readout under the canvas: a thumbnail, a large digit and its confidence per digit, or ten bars.
    public static let readoutHeight = 208
    public static let barsWidth = 300
    /// The canvas never gets shorter than this while the window allows it.
    public static let minimumCanvasHeight = 160
    /// Each digit's cell in the readout is at most this wide.
    public static let maximumCellWidth = 132
    public static let defaultSize = (width: margin + defaultCanvas.width + margin,
                                     height: margin + defaultCanvas.height + gap + readoutHeight + footerHeight + margin)
    /// The smallest window with everything in it; smaller windows drop parts (see the type's description).
    public static let minimumSize = (width: 720, height: margin + minimumCanvasHeight + gap + readoutHeight + footerHeight + margin)

    public let width: Int, height: Int
    public let canvas: Rect
    /// Where the number's digits go.
    public let number: Rect
    /// The ten bars of one digit, when there is room.
    public let bars: Rect?
    /// The key hints, when there is room.
    public let footer: Rect?
    /// Whether each digit's cell shows the 28x28 image the network read.
    public let showsThumbnails: Bool

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let roomy = width >= Self.minimumSize.width && height >= Self.minimumSize.height
        // Margins and gaps shrink with a tiny window rather than push everything out of it.
        let m = min(Self.margin, width / 16, height / 16), gap = min(Self.gap, height / 16)
        let hasFooter = height >= Self.minimumSize.height - Self.gap
        let readout = roomy ? Self.readoutHeight : max(0, min(Self.readoutHeight, (height - 2 * m) / 3))
        let below = gap + readout + (hasFooter ? Self.footerHeight : 0)
        canvas = Rect(x: m, y: m, width: max(1, width - 2 * m), height: max(1, height - 2 * m - below))
        let top = canvas.maxY + gap
        let barsFit = roomy && width - 2 * m >= Self.barsWidth + gap + 2 * Self.maximumCellWidth
        bars = barsFit ? Rect(x: width - m - Self.barsWidth, y: top, width: Self.barsWidth, height: readout) : nil
        number = Rect(x: m, y: top, width: max(0, (bars?.x ?? width - m) - (barsFit ? gap : 0) - m),
                      height: max(0, min(readout, height - top)))
        footer = hasFooter ? Rect(x: m, y: top + readout + 8, width: max(0, width - 2 * m),
                                  height: Self.footerHeight - 8) : nil
        showsThumbnails = readout >= Self.readoutHeight / 2
    }

    // MARK: The readout's parts

    /// The cell of digit `index` of `count` in the number, left to right.
    public func digitCell(_ index: Int, of count: Int) -> Rect {
        let cellWidth = min(Self.maximumCellWidth, number.width / max(count, 1))
        return Rect(x: number.x + index * cellWidth, y: number.y, width: cellWidth, height: number.height)
    }

    /// Row `digit` of the bars, below their title line.
    public func barRow(_ digit: Int) -> Rect? {
        guard let bars else { return nil }
        let top = bars.y + 22, rowHeight = (bars.maxY - top) / MNIST.classes
        return Rect(x: bars.x, y: top + digit * rowHeight, width: bars.width, height: rowHeight)
    }
}
