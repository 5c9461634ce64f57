// Where everything goes in the window, as a pure function of its size (so it is testable without a display).

import DigitCore

/// The canvas at the top left, the readout panel to its right, the key hints below.
public struct PadLayout: Equatable, Sendable {
    public static let margin = 16, gap = 24, panelWidth = 300, minimumPanelWidth = 240, maximumPanelWidth = 380
    public static let footerHeight = 36
    /// 28 x 14: each network pixel is a 14 x 14 patch of canvas.
    public static let defaultCanvasSide = 392
    /// Below this the ten bars beside the canvas get too cramped to read.
    public static let minimumCanvasSide = 340
    public static let defaultSize = (width: margin + defaultCanvasSide + gap + panelWidth + margin,
                                     height: margin + defaultCanvasSide + footerHeight + margin)
    /// The smallest window everything fits in; smaller windows show the top-left part.
    public static let minimumSize = (width: margin + minimumCanvasSide + gap + minimumPanelWidth + margin,
                                     height: margin + minimumCanvasSide + footerHeight + margin)

    public let width: Int, height: Int
    public let canvas: Rect
    public let panel: Rect
    public let footer: Rect

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let m = Self.margin
        let byHeight = height - 2 * m - Self.footerHeight
        let byWidth = width - 2 * m - Self.gap - Self.minimumPanelWidth
        let side = max(Self.minimumCanvasSide, min(byHeight, byWidth))
        canvas = Rect(x: m, y: m, width: side, height: side)
        let panelX = canvas.maxX + Self.gap
        panel = Rect(x: panelX, y: m, width: min(Self.maximumPanelWidth, max(Self.minimumPanelWidth, width - panelX - m)),
                     height: side)
        footer = Rect(x: m, y: canvas.maxY + 12, width: max(0, width - 2 * m), height: Self.footerHeight - 12)
    }

    // MARK: The readout panel's parts

    /// The predicted digit, drawn large.
    public var digitBox: Rect { Rect(x: panel.x, y: panel.y + 22, width: 104, height: 112) }
    /// The 28x28 image the network reads, at 3x.
    public var networkView: Rect { Rect(x: panel.maxX - 88, y: panel.y + 22, width: 84, height: 84) }
    /// One row per class for the probability bars, below the digit.
    public func barRow(_ digit: Int) -> Rect {
        let top = digitBox.maxY + 34, rowHeight = max(16, (panel.maxY - top) / 10)
        return Rect(x: panel.x, y: top + digit * rowHeight, width: panel.width, height: rowHeight)
    }
}
