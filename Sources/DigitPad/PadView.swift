// Draws one frame: the canvas, the readout (each digit with the image the network read and its confidence, and
// one digit's ten bars) and the key hints.

import DigitCore

enum PadView {
    // A dark theme with one accent.
    static let background: Colour = 0x15171C
    static let surface: Colour = 0x22252D
    static let border: Colour = 0x343845
    static let text: Colour = 0xE6E8EE
    static let dim: Colour = 0x8A90A0
    static let faint: Colour = 0x3A3E4A
    static let accent: Colour = 0x4FC3F7
    static let unsure: Colour = 0xFFB74D
    static let refused: Colour = 0xE57373
    static let ink: Colour = 0xFFFFFF

    /// The colour a reading's status is shown in.
    static func colour(_ status: ReadingStatus) -> Colour {
        switch status {
        case .digit: return accent
        case .unsure: return unsure
        case .notADigit: return refused
        }
    }

    /// What the status says about one digit, above its bars: unsure names the two answers it hesitates between,
    /// which are the likeliest digit and "no digit" when that outweighs the runner-up digit (an A read 51% 4 and
    /// 49% no digit said "4 OR 8?" for an 8 at 0%).
    static func verdict(_ reading: DigitReading) -> String {
        switch reading.status {
        case .digit: return "SURE"
        case .unsure:
            let (first, second) = reading.topTwo
            if reading.notADigit > reading.probabilities[second] { return "NOT SURE: \(first) OR NO DIGIT?" }
            return "NOT SURE: \(first) OR \(second)?"
        case .notADigit: return "NOT A DIGIT"
        }
    }

    static func render(_ state: PadState) -> Raster {
        var frame = Raster(width: 1, height: 1)
        render(state, into: &frame)
        return frame
    }

    /// Draws the frame into `frame`, reusing its storage.
    static func render(_ state: PadState, into frame: inout Raster) {
        let layout = state.layout
        frame.reset(width: layout.width, height: layout.height, fill: background)
        drawCanvas(state, into: &frame)
        drawNumber(state, into: &frame)
        drawBars(state, into: &frame)
        if let footer = layout.footer {
            let brush = "BRUSH \(Int(state.brush))"
            let hints = PadKeys.hintLine(fitting: footer.width) { PixelFont.width(of: $0, scale: 2) }
            frame.text(hints, x: footer.x, y: footer.y + 4, dim)
            let brushX = footer.maxX - PixelFont.width(of: brush, scale: 2)
            if brushX > footer.x + PixelFont.width(of: hints, scale: 2) + 16 {
                frame.text(brush, x: brushX, y: footer.y + 4, dim)
            }
        }
    }

    static func drawCanvas(_ state: PadState, into frame: inout Raster) {
        let c = state.layout.canvas
        frame.gray(state.canvas.pixels, width: state.canvas.width, height: state.canvas.height, in: c,
                   ink: ink, background: 0x000000)
        frame.frame(Rect(x: c.x - 1, y: c.y - 1, width: c.width + 2, height: c.height + 2), border)
        if state.canvas.isEmpty {
            let hint = "WRITE A DIGIT OR A NUMBER HERE"
            frame.text(hint, x: c.x + (c.width - PixelFont.width(of: hint, scale: 2)) / 2, y: c.y + c.height / 2 - 7,
                       faint)
        }
    }

    /// Text that fits `width` at the largest of `scales`, or nil.
    static func fittingScale(_ text: String, width: Int, scales: [Int]) -> Int? {
        scales.first { PixelFont.width(of: text, scale: $0) <= width }
    }

    static func drawNumber(_ state: PadState, into frame: inout Raster) {
        let layout = state.layout, area = layout.number
        guard area.width > 0, area.height > 0 else { return }
        frame.text("READING", x: area.x, y: area.y, dim)
        if let notice = state.notice {
            let x = area.x + PixelFont.width(of: "READING", scale: 2) + 24
            if let scale = fittingScale(notice, width: area.maxX - x, scales: [2, 1]) {
                frame.text(notice, x: x, y: area.y + (2 - scale) * 3, scale: scale, accent)
            }
        }
        guard let p = state.prediction else {
            let cell = layout.digitCell(0, of: 1)
            frame.text("?", x: cell.x, y: cell.y + 24, scale: 8, border)
            frame.text(state.canvas.isEmpty ? "DRAW A DIGIT" : "READING...", x: area.x, y: area.maxY - 16, dim)
            return
        }
        let digits = p.number.digits
        let focus = focusIndex(state)
        for (index, digit) in digits.enumerated() {
            let cell = layout.digitCell(index, of: digits.count)
            if index == focus && digits.count > 1 {
                frame.fill(Rect(x: cell.x, y: cell.maxY + 2, width: cell.width - 8, height: 2), border)
            }
            drawDigit(digit.reading, image: digit.image, in: cell, thumbnail: layout.showsThumbnails, into: &frame)
        }
    }

    /// One digit's cell: the image the network read, the digit large, its confidence under it.
    static func drawDigit(_ reading: DigitReading, image: [Float], in cell: Rect, thumbnail: Bool,
                          into frame: inout Raster) {
        let status = reading.status, colour = colour(status)
        var y = cell.y + 18
        if thumbnail {
            let side = min(56, cell.width - 8)
            let view = Rect(x: cell.x, y: y, width: side, height: side)
            frame.gray(image, width: MNIST.side, height: MNIST.side, in: view, ink: ink, background: 0x000000)
            frame.frame(Rect(x: view.x - 1, y: view.y - 1, width: view.width + 2, height: view.height + 2), border)
            y = view.maxY + 10
        }
        let glyph = status == .digit ? "\(reading.digit)" : status == .unsure ? "?" : "X"
        let roomY = cell.maxY - y - 22
        if let scale = [10, 8, 6, 4, 3, 2].first(where: { PixelFont.glyphHeight * $0 <= roomY &&
                                                      PixelFont.width(of: glyph, scale: $0) <= cell.width - 8 }) {
            frame.text(glyph, x: cell.x, y: y, scale: scale, colour)
        }
        let percent = status == .notADigit ? "NO DIGIT" : "\(Int((reading.confidence * 100).rounded()))%"
        if let scale = fittingScale(percent, width: cell.width - 8, scales: [2, 1]) {
            frame.text(percent, x: cell.x, y: cell.maxY - 7 * scale, scale: scale, colour)
        }
    }

    /// Which digit of the number the bars show: the one whose box holds most of the last stroke's points (the
    /// stroke being drawn, else the last drawn), the smaller box of two that hold as many (a digit written over
    /// another), else the last.
    static func focusIndex(_ state: PadState) -> Int? {
        guard let digits = state.prediction?.number.digits, !digits.isEmpty else { return nil }
        let points = (state.current ?? state.strokes.last)?.points ?? []
        let held = digits.map { digit in points.filter { digit.bounds.contains(Int($0.x), Int($0.y)) }.count }
        let area = digits.map { $0.bounds.width * $0.bounds.height }
        guard let best = digits.indices.max(by: { (held[$0], -area[$0]) < (held[$1], -area[$1]) }),
              held[best] > 0 else { return digits.count - 1 }
        return best
    }

    /// The ten bars of the digit in focus, with what the pad makes of it above them.
    static func drawBars(_ state: PadState, into frame: inout Raster) {
        guard let bars = state.layout.bars else { return }
        let reading = focusIndex(state).map { state.prediction!.number.digits[$0].reading }
        if let reading {
            frame.text(verdict(reading), x: bars.x, y: bars.y, colour(reading.status))
        } else {
            frame.text("PROBABILITIES", x: bars.x, y: bars.y, dim)
        }
        for digit in 0..<MNIST.classes {
            guard let row = state.layout.barRow(digit) else { continue }
            drawBar(digit, probability: reading?.probabilities[digit],
                    top: reading?.status == .digit && digit == reading?.digit, row: row, into: &frame)
        }
    }

    static func drawBar(_ digit: Int, probability: Float?, top: Bool, row: Rect, into frame: inout Raster) {
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
