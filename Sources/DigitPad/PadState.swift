// What the pad holds between events: the strokes, the canvas they render to, the brush and the shown prediction.

import DigitCore

public struct PadState {
    public static let defaultBrush: Float = 14
    public static let brushRange: ClosedRange<Float> = 4...40
    static let brushStep: Float = 2

    public private(set) var layout: PadLayout
    public private(set) var strokes: [Stroke] = []
    /// The stroke being drawn, if the button is down.
    public private(set) var current: Stroke?
    public private(set) var canvas: InkCanvas
    public private(set) var brush: Float
    public var prediction: Prediction?
    /// Digits typed so far to label the drawing (a correction or a confirmation), cleared when the drawing changes.
    public var typedLabel = ""
    /// A short line about what the pad is doing for the person (saving, learning, which model reads).
    public var notice: String?

    public init(layout: PadLayout, brush: Float = defaultBrush) {
        self.layout = layout
        self.brush = min(max(brush, Self.brushRange.lowerBound), Self.brushRange.upperBound)
        canvas = InkCanvas(width: layout.canvas.width, height: layout.canvas.height)
    }

    /// The result of a pointer event.
    public enum PointerOutcome: Equatable { case none, drew, finished }

    /// Button 1 down inside the canvas starts a stroke; motion extends it; release ends it.
    mutating func handlePointer(_ event: PadEvent) -> PointerOutcome {
        switch event {
        case let .press(x, y, button) where button == 1 && layout.canvas.contains(x, y):
            let point = canvasPoint(x, y)
            current = Stroke(points: [point], radius: brush)
            typedLabel = ""
            canvas.drawSegment(from: point, to: point, radius: brush)
            return .drew
        case let .motion(x, y):
            guard var stroke = current, let last = stroke.points.last else { return .none }
            let point = canvasPoint(x, y)
            guard point != last else { return .none }
            stroke.points.append(point)
            current = stroke
            canvas.drawSegment(from: last, to: point, radius: stroke.radius)
            return .drew
        case .release(_, _, 1):
            guard let stroke = current else { return .none }
            strokes.append(stroke)
            current = nil
            return .finished
        default:
            return .none
        }
    }

    /// Window coordinates to canvas coordinates, clamped to the canvas (a stroke may leave it and come back).
    func canvasPoint(_ x: Int, _ y: Int) -> InkPoint {
        let c = layout.canvas
        return InkPoint(x: Float(min(max(x - c.x, 0), c.width - 1)) + 0.5,
                        y: Float(min(max(y - c.y, 0), c.height - 1)) + 0.5)
    }

    public mutating func clear() {
        typedLabel = ""
        strokes.removeAll()
        current = nil
        canvas.clear()
        prediction = nil
    }

    public mutating func undo() {
        guard !strokes.isEmpty else { return }
        typedLabel = ""
        strokes.removeLast()
        canvas.render(strokes)
        if strokes.isEmpty { prediction = nil }
    }

    public mutating func changeBrush(by steps: Int) {
        brush = min(max(brush + Float(steps) * Self.brushStep, Self.brushRange.lowerBound), Self.brushRange.upperBound)
    }

    /// Adopts a new window size. When the canvas changes size the drawing is scaled by the smaller of the two
    /// ratios (so it keeps its shape and stays inside) about the top-left corner; returns true then.
    public mutating func relayout(_ newLayout: PadLayout) -> Bool {
        let old = layout.canvas
        layout = newLayout
        guard newLayout.canvas.width != old.width || newLayout.canvas.height != old.height else { return false }
        let scale = min(Float(newLayout.canvas.width) / Float(old.width), Float(newLayout.canvas.height) / Float(old.height))
        func scaled(_ s: Stroke) -> Stroke {
            Stroke(points: s.points.map { InkPoint(x: $0.x * scale, y: $0.y * scale) }, radius: s.radius * scale)
        }
        strokes = strokes.map(scaled)
        current = current.map(scaled)
        brush = min(max(brush * scale, Self.brushRange.lowerBound), Self.brushRange.upperBound)
        canvas = InkCanvas(width: newLayout.canvas.width, height: newLayout.canvas.height)
        canvas.render(strokes + (current.map { [$0] } ?? []))
        return !canvas.isEmpty
    }
}
