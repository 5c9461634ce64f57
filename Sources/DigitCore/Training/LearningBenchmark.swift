// What learning a hand is worth, measured on a synthetic writer: the writer's other digits before and after
// learning from a few of them, MNIST test accuracy before and after, and the fine-tuning's wall time.

import Foundation

/// Figures from one run; JSON keys are the snake_case names.
public struct LearningBenchmarkResult: Sendable, Codable {
    /// Digits learned from, and the writer's other digits measured on.
    public var samples: Int, others: Int
    public var steps: Int
    /// Accuracy on the writer's other digits (through the pad's preprocessing).
    public var writer_before: Double, writer_after: Double
    public var mnist_before: Double, mnist_after: Double
    /// Wall-clock seconds of the fine-tuning alone, and the processor time it used on all threads: on a machine
    /// shared with other work the second says what the first would be on an idle one (about it over the workers).
    public var learn_seconds: Double, learn_cpu_seconds: Double
    /// The share of the writer's gap to 100% that learning closed: (after - before) / (1 - before).
    public var gap_closed: Double
}

public enum LearningBenchmark {
    /// Builds `writer`'s digits from `test`, fine-tunes `base` in place on `perClass` of each class with replay
    /// from `train` (as `digits learn` does), and scores before and after.
    public static func run(base: Network, train: LabeledImages, test: LabeledImages, writer: SyntheticWriter,
                           perClass: Int, settings: FineTuningSettings? = nil,
                           progress: (FineTuningProgress) -> Void = { _ in }) throws -> LearningBenchmarkResult {
        let (learn, others) = writer.digits(from: test, perClass: perClass)
        let mnistBefore = Evaluation.run(base, on: test).accuracy
        let writerBefore = Evaluation.run(base, on: others, preprocess: true).accuracy
        let settings = settings ?? .standard(sampleCount: learn.count)
        let tuner = try FineTuner(network: base, personal: learn.preprocessed(), replay: train, settings: settings)
        let start = Date(), startCPU = processorSeconds()
        _ = tuner.run(progress: progress, shouldStop: { false })
        let seconds = Date().timeIntervalSince(start), cpuSeconds = processorSeconds() - startCPU
        let writerAfter = Evaluation.run(base, on: others, preprocess: true).accuracy
        return LearningBenchmarkResult(
            samples: learn.count, others: others.count, steps: settings.steps, writer_before: writerBefore,
            writer_after: writerAfter, mnist_before: mnistBefore, mnist_after: Evaluation.run(base, on: test).accuracy,
            learn_seconds: seconds, learn_cpu_seconds: cpuSeconds,
            gap_closed: writerBefore < 1 ? (writerAfter - writerBefore) / (1 - writerBefore) : 0)
    }

    /// User and system time of this process so far, in seconds.
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
