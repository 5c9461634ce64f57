// The person's side of the pad: labelled drawings saved to the personal dataset and learning from them, both on a
// background queue, and which model reads (the personal one once learned, or the shipped one).

import DigitCore
import Dispatch
import Foundation
import Synchronization

/// Where the person's data lives and what learning starts from.
public struct PersonalSetup: Sendable {
    /// The personal dataset and model folder (`DataDirectory.standard()` or `--data-dir`).
    public var directory: URL
    /// The model learning starts from (the shipped one, or `--model`).
    public var base: URL
    /// The MNIST folder replayed while learning, when there is one.
    public var replay: URL?

    public init(directory: URL, base: URL, replay: URL?) {
        self.directory = directory
        self.base = base
        self.replay = replay
    }
}

/// Saves samples and learns in the background, and reads digits with whichever model is current.
public final class PersonalHand: DigitClassifying {
    /// What happened in the background, for the pad to show and log.
    public enum Event: Sendable, Equatable {
        case saved(label: String, samples: Int)
        case learning(fraction: Double)
        case learned(samples: Int, seconds: Double, steps: Int)
        case switched(personal: Bool)
        case failed(String)
    }

    private let setup: PersonalSetup
    private let shipped: any DigitClassifying
    private let current: Mutex<(classifier: any DigitClassifying, personal: Bool)>
    private let learned: Mutex<(any DigitClassifying)?>
    private let events = Mutex<[Event]>([])
    private let learning = Atomic<Bool>(false)
    private let queue = DispatchQueue(label: "digits.personal", qos: .utility)
    private let wake: @Sendable () -> Void

    /// - Parameters:
    ///   - shipped: reads digits with the shipped (or `--model`) network.
    ///   - personal: reads with the personal model, when one was learned before; it is then the current one.
    ///   - wake: called from the background when there is news, to wake the event loop.
    public init(setup: PersonalSetup, shipped: any DigitClassifying, personal: (any DigitClassifying)?,
                wake: @escaping @Sendable () -> Void) {
        self.setup = setup
        self.shipped = shipped
        current = Mutex((personal ?? shipped, personal != nil))
        learned = Mutex(personal)
        self.wake = wake
    }

    public func probabilities(for image: [Float]) -> [Float] {
        let classifier = current.withLock { $0.classifier }
        return classifier.probabilities(for: image)
    }

    public func uncalibratedProbabilities(for image: [Float]) -> [Float] {
        let classifier = current.withLock { $0.classifier }
        return classifier.uncalibratedProbabilities(for: image)
    }

    public func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]] {
        let classifier = current.withLock { $0.classifier }
        return classifier.uncalibratedProbabilities(forBatch: images)
    }

    /// The model reading now: it changes when the pad switches between the shipped and the personal model.
    public var answeringModel: ObjectIdentifier? { current.withLock { $0.classifier.answeringModel } }

    /// Whether the personal model reads now.
    public var usesPersonalModel: Bool { current.withLock { $0.personal } }
    public var isLearning: Bool { learning.load(ordering: .relaxed) }

    /// The news since the last call, oldest first.
    public func takeEvents() -> [Event] { events.withLock { list in defer { list = [] }; return list } }

    private func post(_ event: Event) {
        events.withLock { $0.append(event) }
        wake()
    }

    /// Appends the samples of one labelled drawing to the dataset, in the background.
    public func save(_ samples: [PersonalSample], label: String) {
        let directory = setup.directory
        queue.async {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let dataset = try PersonalDataset.open(directory)
                for sample in samples { _ = try dataset.append(sample) }
                self.post(.saved(label: label, samples: dataset.count))
            } catch {
                self.post(.failed("\(error)"))
            }
        }
    }

    /// Learns from every saved sample in the background and switches to the result; false when a run is already
    /// going or there is nothing to replay.
    @discardableResult
    public func learn() -> Bool {
        guard let replayDirectory = setup.replay else {
            post(.failed("no MNIST files to learn beside (scripts/fetch-mnist.sh)"))
            return false
        }
        guard learning.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return false }
        let setup = setup
        queue.async {
            defer {
                ProcessMemory.returnFreed()  // the run's small buffers: each run left about 1 MB more resident before
                self.learning.store(false, ordering: .relaxed)
            }
            do {
                let dataset = try PersonalDataset.open(setup.directory)
                guard dataset.count > 0 else { throw PersonalHandError("no samples yet: type the digits you drew") }
                let replay = try LabeledImages.load(.train, from: replayDirectory)
                var shown = -1
                let outcome = try PersonalLearning.learn(
                    from: dataset, base: setup.base, replay: replay, command: "digits draw (L)",
                    progress: { progress in
                        let percent = Int(progress.fraction * 100)
                        if percent / 5 != shown / 5 {
                            shown = percent
                            self.post(.learning(fraction: progress.fraction))
                        }
                    }, shouldStop: { false })
                guard let outcome else { return }
                self.learned.withLock { $0 = outcome.recognizer }
                self.current.withLock { $0 = (outcome.recognizer, true) }
                self.post(.learned(samples: outcome.samples, seconds: outcome.seconds, steps: outcome.steps))
            } catch {
                self.post(.failed("\(error)"))
            }
        }
        return true
    }

    /// Switches between the personal model (when there is one) and the shipped one.
    public func switchModel() {
        let personal = learned.withLock { $0 }
        let nowPersonal: Bool? = current.withLock { current in
            if current.personal {
                current = (shipped, false)
                return false
            }
            guard let personal else { return nil }
            current = (personal, true)
            return true
        }
        post(nowPersonal.map { .switched(personal: $0) } ?? .failed("no personal model yet: label digits, then L"))
    }
}

struct PersonalHandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
