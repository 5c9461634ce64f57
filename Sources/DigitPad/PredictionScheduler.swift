// Inference off the main thread: the newest drawing supersedes a pending one, and a result older than the newest
// request is never shown.

import Dispatch
import DigitCore
import Foundation
import Synchronization

/// A result and the request it answers.
public struct Scheduled<Output: Sendable>: Sendable {
    /// The request it answers; results are shown only if this is still the newest.
    public let generation: Int
    public let output: Output
}

/// Hands jobs (drawings) to a background queue one at a time. At most one job runs; a request made while it runs
/// replaces any request still waiting, so the queue never falls behind the pen.
public final class PredictionScheduler<Job: Sendable, Output: Sendable>: Sendable {
    /// `work` runs on the background queue: a job in, its result out (nil when there is nothing to show).
    public typealias Work = @Sendable (Job) -> Output?

    /// Everything the main thread and the queue share, behind one lock.
    private struct Shared {
        var running = false
        var waiting: (generation: Int, job: Job)?
        var ready: Scheduled<Output>?
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

    /// Asks for `job` to be done; returns its generation.
    @discardableResult
    public func request(_ job: Job) -> Int {
        let (generation, start) = shared.withLock { shared in
            shared.newest += 1
            shared.waiting = (shared.newest, job)
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
    public func takeResult() -> Scheduled<Output>? {
        shared.withLock { shared in
            guard let result = shared.ready else { return nil }
            shared.ready = nil
            return result.generation == shared.newest ? result : nil
        }
    }

    private func drain() {
        while true {
            let next: (generation: Int, job: Job)? = shared.withLock { shared in
                defer { shared.waiting = nil }
                if shared.waiting == nil { shared.running = false }
                return shared.waiting
            }
            guard let next else { return }
            let output = work(next.job)
            shared.withLock { shared in
                if let output, next.generation == shared.newest {
                    shared.ready = Scheduled(generation: next.generation, output: output)
                }
            }
            finished()
        }
    }
}
