// Draws one frame: the canvas, the readout (digit, confidence, ten bars, the network's own view) and key hints.

import DigitCore

enum PadView {
    // A dark theme with one accent.
    static let background: Colour = 0x15171C
    static let surface: Colour = 0x22252D
    static let border: Colour = 0x343845
    static let text: Colour = 0xE6E8EE
    static let dim: Colour = 0x8A90A0
    static let accent: Colour = 0x4FC3F7
    static let unsure: Colour = 0xFFB74D
    static let ink: Colour = 0xFFFFFF
    /// Below this top probability the pad says it is not sure rather than pretending. (The shipped model is
    /// trained with label smoothing 0.1, so even a clean digit reads about 91%.)
    static let confidentAbove: Float = 0.65

    static func render(_ state: PadState) -> Raster {
        let layout = state.layout
        var frame = Raster(width: layout.width, height: layout.height, fill: background)
        drawCanvas(state, into: &frame)
        drawReadout(state, into: &frame)
        let brush = "BRUSH \(Int(state.brush))"
        frame.text(PadKeys.hints, x: layout.footer.x, y: layout.footer.y + 4, dim)
        let brushX = layout.footer.maxX - PixelFont.width(of: brush, scale: 2)
        if brushX > layout.footer.x + PixelFont.width(of: PadKeys.hints, scale: 2) + 16 {
            frame.text(brush, x: brushX, y: layout.footer.y + 4, dim)
        }
        return frame
    }

    static func drawCanvas(_ state: PadState, into frame: inout Raster) {
        let c = state.layout.canvas
        frame.gray(state.canvas.pixels, width: state.canvas.width, height: state.canvas.height, in: c,
                   ink: ink, background: 0x000000)
        frame.frame(Rect(x: c.x - 1, y: c.y - 1, width: c.width + 2, height: c.height + 2), border)
        if state.canvas.isEmpty {
            let hint = "DRAW A DIGIT HERE"
            frame.text(hint, x: c.x + (c.width - PixelFont.width(of: hint, scale: 2)) / 2, y: c.y + c.height / 2 - 7, 0x3A3E4A)
        }
    }

    static func drawReadout(_ state: PadState, into frame: inout Raster) {
        let layout = state.layout, box = layout.digitBox, view = layout.networkView
        frame.text("READING", x: box.x, y: layout.panel.y, dim)
        frame.text("INPUT", x: view.x, y: layout.panel.y, dim)
        frame.fill(box, surface)
        frame.fill(view, 0x000000)
        frame.frame(Rect(x: view.x - 1, y: view.y - 1, width: view.width + 2, height: view.height + 2), border)

        guard let p = state.prediction else {
            frame.text("?", x: box.x + (box.width - 60) / 2, y: box.y + (box.height - 84) / 2, scale: 12, border)
            frame.text(state.canvas.isEmpty ? "DRAW A DIGIT" : "READING...", x: box.x, y: box.maxY + 10, dim)
            for digit in 0..<MNIST.classes { drawBar(digit, probability: nil, top: false, layout: layout, into: &frame) }
            return
        }
        let sure = p.confidence >= confidentAbove
        let colour = sure ? accent : unsure
        frame.text("\(p.digit)", x: box.x + (box.width - 60) / 2, y: box.y + (box.height - 84) / 2, scale: 12, colour)
        let percent = "\(Int((p.confidence * 100).rounded()))%", room = view.x - box.maxX - 12
        let scale = [4, 3, 2].first { PixelFont.width(of: percent, scale: $0) <= room } ?? 2
        let textWidth = PixelFont.width(of: percent, scale: scale)
        frame.text(percent, x: box.maxX + (view.x - box.maxX - textWidth) / 2, y: box.y + (box.height - 7 * scale) / 2 - 8,
                   scale: scale, colour)
        let (first, second) = p.reading.topTwo
        frame.text(sure ? "SURE" : "NOT SURE: \(first) OR \(second)?", x: box.x, y: box.maxY + 10, colour)
        frame.gray(p.networkImage, width: MNIST.side, height: MNIST.side, in: view, ink: ink, background: 0x000000)
        for digit in 0..<MNIST.classes {
            drawBar(digit, probability: p.probabilities[digit], top: digit == p.digit, layout: layout, into: &frame)
        }
    }

    static func drawBar(_ digit: Int, probability: Float?, top: Bool, layout: PadLayout, into frame: inout Raster) {
        let row = layout.barRow(digit)
        let textY = row.y + (row.height - 14) / 2
        frame.text("\(digit)", x: row.x, y: textY, top ? text : dim)
        let track = Rect(x: row.x + 20, y: row.y + 3, width: row.width - 20 - 56, height: max(4, row.height - 6))
        frame.fill(track, surface)
        guard let probability else { return }
        let filled = Int((Float(track.width) * probability).rounded())
        frame.fill(Rect(x: track.x, y: track.y, width: filled, height: track.height), top ? accent : 0x5A6070)
        let label = "\(Int((probability * 100).rounded()))%"
        frame.text(label, x: row.maxX - PixelFont.width(of: label, scale: 2), y: textY, top ? text : dim)
    }
}
