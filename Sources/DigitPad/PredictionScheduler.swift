// Inference off the main thread: the newest drawing supersedes a pending one, and a result older than the newest
// request is never shown.

import Dispatch
import DigitCore
import Foundation
import Synchronization

/// What the network said about one drawing, and which drawing it was.
public struct Prediction: Equatable, Sendable {
    /// The request it answers; results are shown only if this is still the newest.
    public let generation: Int
    public let reading: DigitReading
    /// The 28x28 image the network read.
    public let networkImage: [Float]

    public var probabilities: [Float] { reading.probabilities }
    public var digit: Int { reading.digit }
    public var confidence: Float { reading.confidence }
}

/// Hands drawings to a background queue one at a time. At most one job runs; a request made while it runs
/// replaces any request still waiting, so the queue never falls behind the pen.
public final class PredictionScheduler: Sendable {
    /// `work` runs on the background queue: a canvas in, class probabilities and the network's image out
    /// (nil for an empty canvas).
    public typealias Work = @Sendable (_ canvas: [Float], _ width: Int, _ height: Int) -> (probabilities: [Float], image: [Float])?

    private struct Job {
        let generation: Int, canvas: [Float], width: Int, height: Int
    }

    /// Everything the main thread and the queue share, behind one lock.
    private struct Shared {
        var running = false
        var waiting: Job?
        var ready: Prediction?
        /// The newest generation requested or invalidated; results older than this are dropped.
        var newest = 0
    }

    private let work: Work
    private let finished: @Sendable () -> Void
    private let queue = DispatchQueue(label: "digits.inference", qos: .userInitiated)
    private let shared = Mutex(Shared())

    /// - Parameter finished: called on the background queue after each result, to wake the main loop.
    public init(work: @escaping Work, finished: @escaping @Sendable () -> Void) {
        self.work = work
        self.finished = finished
    }

    /// Asks for a prediction of this drawing; returns its generation.
    @discardableResult
    public func request(canvas: [Float], width: Int, height: Int) -> Int {
        let (generation, start) = shared.withLock { shared in
            shared.newest += 1
            shared.waiting = Job(generation: shared.newest, canvas: canvas, width: width, height: height)
            defer { shared.running = true }
            return (shared.newest, !shared.running)
        }
        if start { queue.async { self.drain() } }
        return generation
    }

    /// Makes every earlier request stale (the canvas was cleared or changed without a new request).
    public func invalidate() {
        shared.withLock { shared in
            shared.newest += 1
            shared.waiting = nil
            shared.ready = nil
        }
    }

    /// The newest result, if it answers the newest request; taken once.
    public func takeResult() -> Prediction? {
        shared.withLock { shared in
            guard let result = shared.ready else { return nil }
            shared.ready = nil
            return result.generation == shared.newest ? result : nil
        }
    }

    private func drain() {
        while true {
            let next: Job? = shared.withLock { shared in
                defer { shared.waiting = nil }
                if shared.waiting == nil { shared.running = false }
                return shared.waiting
            }
            guard let job = next else { return }
            let output = work(job.canvas, job.width, job.height)
            shared.withLock { shared in
                if let output, job.generation == shared.newest {
                    shared.ready = Prediction(generation: job.generation,
                                              reading: DigitReading(probabilities: output.probabilities),
                                              networkImage: output.image)
                }
            }
            finished()
        }
    }
}
