// Inference off the main thread: the newest drawing supersedes a pending one, and a result older than the newest
// request is never shown.

import Dispatch
import DigitCore
import Foundation

/// What the network said about one drawing.
public struct Prediction: Equatable, Sendable {
    /// The request it answers; results are shown only if this is still the newest.
    public let generation: Int
    public let probabilities: [Float]
    /// The 28x28 image the network read.
    public let networkImage: [Float]

    public var digit: Int { argmax(probabilities) }
    public var confidence: Float { probabilities[digit] }
    /// The two likeliest digits, best first.
    public var topTwo: (Int, Int) {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        return (order[0], order[1])
    }
}

/// Hands drawings to a background queue one at a time. At most one job runs; a request made while it runs
/// replaces any request still waiting, so the queue never falls behind the pen.
public final class PredictionScheduler: @unchecked Sendable {
    /// `work` runs on the background queue: a canvas in, class probabilities and the network's image out
    /// (nil for an empty canvas).
    public typealias Work = @Sendable (_ canvas: [Float], _ width: Int, _ height: Int) -> (probabilities: [Float], image: [Float])?

    private let work: Work
    private let finished: @Sendable () -> Void
    private let queue = DispatchQueue(label: "digits.inference", qos: .userInitiated)
    private let lock = NSLock()
    private var running = false
    private var waiting: (generation: Int, canvas: [Float], width: Int, height: Int)?
    private var ready: Prediction?
    /// The newest generation requested or invalidated; results older than this are dropped.
    private(set) var newest = 0

    /// - Parameter finished: called on the background queue after each result, to wake the main loop.
    public init(work: @escaping Work, finished: @escaping @Sendable () -> Void) {
        self.work = work
        self.finished = finished
    }

    /// Asks for a prediction of this drawing; returns its generation.
    @discardableResult
    public func request(canvas: [Float], width: Int, height: Int) -> Int {
        lock.lock()
        newest += 1
        let generation = newest
        waiting = (generation, canvas, width, height)
        let start = !running
        running = true
        lock.unlock()
        if start { queue.async { self.drain() } }
        return generation
    }

    /// Makes every earlier request stale (the canvas was cleared or changed without a new request).
    public func invalidate() {
        lock.lock()
        newest += 1
        waiting = nil
        ready = nil
        lock.unlock()
    }

    /// The newest result, if it answers the newest request; taken once.
    public func takeResult() -> Prediction? {
        lock.lock()
        defer { lock.unlock() }
        guard let result = ready else { return nil }
        ready = nil
        return result.generation == newest ? result : nil
    }

    private func drain() {
        while true {
            lock.lock()
            guard let job = waiting else {
                running = false
                lock.unlock()
                return
            }
            waiting = nil
            lock.unlock()
            let output = work(job.canvas, job.width, job.height)
            lock.lock()
            if let output, job.generation == newest {
                ready = Prediction(generation: job.generation, probabilities: output.probabilities, networkImage: output.image)
            }
            lock.unlock()
            finished()
        }
    }
}
