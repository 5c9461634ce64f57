// The pad's main loop: window events in, strokes onto the canvas, drawings to the background recognizer, frames out.

import DigitCore
import Foundation

/// How the pad starts.
public struct PadOptions: Sendable {
    /// Shown in the window's title, e.g. the model's name and accuracy.
    public var modelDescription: String
    /// Print one JSON line per shown prediction (and per clear or undo) to stdout.
    public var logPredictions: Bool
    /// Brush radius in canvas pixels.
    public var brushRadius: Float

    public init(modelDescription: String, logPredictions: Bool = false, brushRadius: Float = PadState.defaultBrush) {
        self.modelDescription = modelDescription
        self.logPredictions = logPredictions
        self.brushRadius = brushRadius
    }
}

public enum DigitPadApp {
    /// While drawing, at most one prediction request per this many milliseconds keeps the pen smooth.
    static let throttleMilliseconds = 50.0
    /// How long the loop sleeps when nothing happens.
    static let idleMilliseconds = 500

    /// Opens the window and runs until the person quits or closes it. Throws when there is no display.
    public static func run(classifier: DigitClassifying, options: PadOptions) throws {
        let size = PadLayout.defaultSize
        let window = try PadWindow(width: size.width, height: size.height, minimumWidth: PadLayout.minimumSize.width,
                                   minimumHeight: PadLayout.minimumSize.height, title: "digits — draw a digit (\(options.modelDescription))")
        var state = PadState(layout: PadLayout(width: size.width, height: size.height), brush: options.brushRadius)
        let log = PredictionLog(enabled: options.logPredictions)
        let scheduler = PredictionScheduler(work: { canvas, width, height in
            guard let image = DigitPreprocessor.mnistImage(from: canvas, width: width, height: height) else { return nil }
            return (classifier.probabilities(for: image), image)
        }, finished: { [weak window] in window?.wake() })

        var lastRequest = Date.distantPast
        var requestPending = false
        var dirty = true
        /// The newest request and when it was made, to log how long its readout took to appear.
        var newestRequest = (generation: 0, start: DispatchTime.now())
        var shownUnlogged: Prediction?
        func requestNow() {
            if state.canvas.isEmpty {
                scheduler.invalidate()
                state.prediction = nil
            } else {
                let generation = scheduler.request(canvas: state.canvas.pixels, width: state.canvas.width,
                                                   height: state.canvas.height)
                newestRequest = (generation, .now())
            }
            lastRequest = Date()
            requestPending = false
        }

        loop: while true {
            var timeout = idleMilliseconds
            if requestPending {
                timeout = max(0, Int(throttleMilliseconds - Date().timeIntervalSince(lastRequest) * 1000))
            }
            var event = try window.nextEvent(timeoutMilliseconds: dirty ? 0 : timeout)
            while let current = event {
                switch current {
                case .close:
                    break loop
                case let .key(keysym, modifiers):
                    guard let action = PadKeys.action(keysym: keysym, modifiers: modifiers) else { break }
                    switch action {
                    case .quit: break loop
                    case .clear:
                        state.clear()
                        scheduler.invalidate()
                        log.event("clear")
                    case .undo:
                        state.undo()
                        log.event("undo")
                        requestNow()
                    case .thicker: state.changeBrush(by: 1)
                    case .thinner: state.changeBrush(by: -1)
                    }
                    dirty = true
                case .resize(let width, let height):
                    if state.relayout(PadLayout(width: width, height: height)) { requestNow() }
                    dirty = true
                case .expose:
                    dirty = true
                default:
                    switch state.handlePointer(current) {
                    case .none: break
                    case .drew:
                        dirty = true
                        requestPending = true
                    case .finished:
                        dirty = true
                        requestNow()
                    }
                }
                event = try window.nextEvent(timeoutMilliseconds: 0)
            }
            if requestPending && Date().timeIntervalSince(lastRequest) * 1000 >= throttleMilliseconds { requestNow() }
            if let result = scheduler.takeResult() {
                state.prediction = result
                shownUnlogged = result
                dirty = true
            }
            if dirty {
                window.present(PadView.render(state))
                dirty = false
            }
            if let shown = shownUnlogged {
                // From the request (a stroke's end, or the throttled request while drawing) to the readout on screen.
                let elapsed = shown.generation == newestRequest.generation
                    ? Double(DispatchTime.now().uptimeNanoseconds - newestRequest.start.uptimeNanoseconds) / 1e6 : nil
                log.prediction(shown, milliseconds: elapsed)
                shownUnlogged = nil
            }
        }
    }
}

/// `--log-predictions`: one JSON object per line on stdout, flushed at once so scripts see it live.
struct PredictionLog {
    let enabled: Bool

    /// - Parameter milliseconds: how long the readout took to appear after its request, when known.
    func prediction(_ p: Prediction, milliseconds: Double? = nil) {
        guard enabled else { return }
        let probabilities = p.probabilities.map { String(format: "%.4f", $0) }.joined(separator: ",")
        let latency = milliseconds.map { String(format: #","latency_ms":%.2f"#, $0) } ?? ""
        emit(#"{"event":"prediction","digit":\#(p.digit),"confidence":\#(String(format: "%.4f", p.confidence)),"probabilities":[\#(probabilities)]\#(latency)}"#)
    }

    func event(_ name: String) {
        guard enabled else { return }
        emit(#"{"event":"\#(name)"}"#)
    }

    private func emit(_ line: String) {
        print(line)
        fflush(stdout)
    }
}
