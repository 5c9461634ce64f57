// The pad without a window: window events in, effects out (a frame to show, log lines, quitting), so the whole
// behaviour between the event loop and the recognizer is testable without a display.

import DigitCore
import Foundation

/// What recognition is asked about: the finished strokes and the canvas they are drawn on.
public struct PadDrawing: Sendable {
    public let strokes: [Stroke]
    public let canvas: InkCanvas
}

/// A reading shown in the pad, and which drawing it was.
public struct Prediction: Equatable, Sendable {
    /// The request it answers.
    public let generation: Int
    /// The number read, its digits left to right (never empty).
    public let number: NumberReading

    /// The first digit's reading.
    public var reading: DigitReading { number.digits[0].reading }
    public var probabilities: [Float] { reading.probabilities }
    public var digit: Int { reading.digit }
    public var confidence: Float { reading.confidence }
}

typealias PadScheduler = PredictionScheduler<PadDrawing, NumberReading>

/// Turns window events into drawing, throttled recognition requests, frames and log lines.
///
/// Time is passed in as nanoseconds on one monotonic clock, so tests can drive it. The recognizer runs on the
/// scheduler's background queue; everything here runs on the caller's (main) thread.
final class PadController {
    /// While drawing, at most one recognition request per this many nanoseconds keeps the pen smooth.
    static let throttle: UInt64 = 50_000_000
    /// How long the loop may sleep when nothing happens, in milliseconds.
    static let idleMilliseconds = 500

    private(set) var state: PadState
    private let scheduler: PadScheduler
    private let log: PredictionLog
    /// Saving labelled drawings and learning from them; nil when the pad runs without a data folder.
    private let personal: PersonalHand?
    private var lastRequest: UInt64?
    private var requestPending = false
    private var needsFrame = true
    /// The newest request and when it was made, to log how long its readout took to reach the screen.
    private var newestRequest = (generation: 0, time: UInt64(0))
    /// A readout put into the last frame and not yet logged.
    private var shownUnlogged: Prediction?
    /// The frame drawn last, kept for its storage.
    private var frame = Raster(width: 1, height: 1)
    /// The newest window size not yet laid out.
    private var pendingSize: (width: Int, height: Int)?

    init(state: PadState, scheduler: PadScheduler, log: PredictionLog, personal: PersonalHand? = nil) {
        self.state = state
        self.scheduler = scheduler
        self.log = log
        self.personal = personal
    }

    /// The pad's recognizer job: the strokes split into digits, each preprocessed and read by the network
    /// (nil when there is no ink).
    static func recognition(by classifier: DigitClassifying) -> PadScheduler.Work {
        let reader = NumberReader(classifier: classifier)
        return { drawing in
            let number = reader.read(strokes: drawing.strokes, width: drawing.canvas.width,
                                     height: drawing.canvas.height)
            return number.isEmpty ? nil : number
        }
    }

    /// Applies one window event; returns false when the pad should close.
    func handle(_ event: PadEvent, now: UInt64) -> Bool {
        switch event {
        case .close:
            return false
        case let .key(keysym, modifiers):
            guard let action = PadKeys.action(keysym: keysym, modifiers: modifiers) else { return true }
            switch action {
            case .quit: return false
            case .clear:
                state.clear()
                scheduler.invalidate()
                log.event("clear")
                // What the drawing's readings freed: glibc keeps the large blocks of a big canvas otherwise.
                ProcessMemory.returnFreed()
            case .undo:
                state.undo()
                log.event("undo")
                request(now: now)
            case .thicker: state.changeBrush(by: 1)
            case .thinner: state.changeBrush(by: -1)
            case let .label(digit): typeLabel(digit)
            case .learn:
                guard let personal else { break }
                if personal.learn() { state.notice = "LEARNING..." }
            case .switchModel: personal?.switchModel()
            }
            needsFrame = true
        case let .resize(width, height):
            // Applied in `update`, once per burst: a window being dragged sends many sizes, and each relayout
            // redraws the whole canvas.
            pendingSize = (width, height)
            needsFrame = true
        case .expose:
            needsFrame = true
        case .press, .release, .motion:
            switch state.handlePointer(event) {
            case .none: break
            case .drew:
                needsFrame = true
                requestPending = true
            case .finished:
                needsFrame = true
                request(now: now)
            }
        }
        return true
    }

    /// After a burst of events: sends the throttled request when it is due, adopts a finished result and shows
    /// what happened in the background.
    func update(now: UInt64) {
        if let size = pendingSize {
            pendingSize = nil
            if state.relayout(PadLayout(width: size.width, height: size.height)) { request(now: now) }
        }
        for event in personal?.takeEvents() ?? [] { adopt(event, now: now) }
        if requestPending, now >= (lastRequest ?? 0) &+ Self.throttle { request(now: now) }
        if let result = scheduler.takeResult() {
            let prediction = Prediction(generation: result.generation, number: result.output)
            state.prediction = prediction
            shownUnlogged = prediction
            needsFrame = true
        }
    }

    /// How long the loop may wait for the next event: not past a pending request's turn, and not at all when a
    /// frame is due.
    func waitMilliseconds(now: UInt64) -> Int {
        if needsFrame { return 0 }
        guard requestPending else { return Self.idleMilliseconds }
        let due = (lastRequest ?? 0) &+ Self.throttle
        return due > now ? Int((due - now + 999_999) / 1_000_000) : 0
    }

    /// The frame to show when anything changed since the last one. The same storage is drawn into every time, so
    /// the caller should let go of the frame before asking for the next.
    func takeFrame() -> Raster? {
        guard needsFrame else { return nil }
        needsFrame = false
        PadView.render(state, into: &frame)
        return frame
    }

    /// Call once the frame is on screen: logs the readout it showed, with the time since its request.
    func presented(now: UInt64) {
        guard let shown = shownUnlogged else { return }
        shownUnlogged = nil
        let milliseconds = shown.generation == newestRequest.generation
            ? Double(now - newestRequest.time) / 1e6 : nil
        log.prediction(shown, milliseconds: milliseconds,
                       model: personal.map { $0.usesPersonalModel ? "personal" : "shipped" })
    }

    // MARK: Labels and learning

    /// A typed digit labels the next digit of the number read; the whole label is saved once every digit has one.
    private func typeLabel(_ digit: Int) {
        guard let personal, let number = state.prediction?.number else {
            state.notice = personal == nil ? nil : "DRAW FIRST, THEN TYPE WHAT YOU MEANT"
            return
        }
        state.typedLabel += String(digit)
        guard state.typedLabel.count == number.digits.count else {
            state.notice = "LABEL \(state.typedLabel)" + String(repeating: "_", count: number.digits.count - state.typedLabel.count)
            return
        }
        let label = state.typedLabel
        let samples = zip(number.digits, label).map { read, character in
            PersonalSample(label: character.wholeNumberValue!, networkImage: read.image,
                           strokes: strokes(inside: read.bounds), canvasWidth: state.canvas.width,
                           canvasHeight: state.canvas.height)
        }
        personal.save(samples, label: label)
        state.notice = "SAVING \(label)..."
        log.line(#"{"event":"correction","label":\#(JSONText.string(label)),"reading":\#(JSONText.string(number.text)),"digits":\#(samples.count)}"#)
        state.typedLabel = ""
    }

    /// The strokes drawn for the digit found in `bounds`: those whose points mostly lie inside it.
    private func strokes(inside bounds: Rect) -> [Stroke] {
        state.strokes.filter { stroke in
            let inside = stroke.points.filter { bounds.contains(Int($0.x), Int($0.y)) }.count
            return 2 * inside >= stroke.points.count
        }
    }

    private func adopt(_ event: PersonalHand.Event, now: UInt64) {
        switch event {
        case let .saved(label, samples):
            state.notice = "SAVED \(label): \(Self.count(samples, "SAMPLE")), L TO LEARN"
        case let .learning(fraction):
            state.notice = "LEARNING \(Int(fraction * 100))%"
        case let .learned(samples, seconds, steps):
            state.notice = "LEARNED YOUR HAND FROM \(Self.count(samples, "SAMPLE"))"
            log.line(String(format: #"{"event":"learned","samples":%d,"seconds":%.2f,"steps":%d,"model":"personal"}"#,
                             samples, seconds, steps))
            request(now: now)
        case let .switched(toPersonal):
            state.notice = toPersonal ? "READING WITH YOUR MODEL" : "READING WITH THE SHIPPED MODEL"
            log.line(#"{"event":"model","model":"\#(toPersonal ? "personal" : "shipped")"}"#)
            request(now: now)
        case let .failed(message):
            state.notice = "COULD NOT: " + message.uppercased()
            log.line(#"{"event":"error","message":\#(JSONText.string(message))}"#)
        }
        needsFrame = true
    }

    /// "1 SAMPLE", "12 SAMPLES".
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)S" }

    /// Asks for a reading of the canvas now (or forgets the last one when the canvas is empty).
    private func request(now: UInt64) {
        if state.canvas.isEmpty {
            scheduler.invalidate()
            state.prediction = nil
        } else {
            let generation = scheduler.request(PadDrawing(strokes: state.strokes + (state.current.map { [$0] } ?? []),
                                                          canvas: state.canvas))
            newestRequest = (generation, now)
        }
        lastRequest = now
        requestPending = false
    }
}

/// `--log-predictions`: one JSON object per line, written at once so scripts see it live.
struct PredictionLog {
    let enabled: Bool
    /// Where lines go; standard output by default.
    var write: @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// - Parameters:
    ///   - milliseconds: how long the readout took to appear after its request, when known.
    ///   - model: which model read it ("personal" or "shipped"), when the pad has a choice.
    func prediction(_ p: Prediction, milliseconds: Double? = nil, model: String? = nil) {
        guard enabled else { return }
        let latency = milliseconds.map { String(format: #","latency_ms":%.2f"#, $0) } ?? ""
        let source = model.map { #","model":\#(JSONText.string($0))"# } ?? ""
        write(#"{"event":"prediction",\#(p.number.jsonFields())\#(latency)\#(source)}"#)
    }

    func event(_ name: String) {
        guard enabled else { return }
        write(#"{"event":\#(JSONText.string(name))}"#)
    }

    /// Writes a whole JSON line when logging.
    func line(_ json: String) {
        guard enabled else { return }
        write(json)
    }
}
