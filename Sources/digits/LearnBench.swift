// `digits learn-bench`: what learning a hand is worth, on a synthetic writer the model reads poorly.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct LearnBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "learn-bench",
            abstract: "Measure learning on a synthetic writer: accuracy before and after, MNIST kept, time taken.",
            discussion: """
            The writer is 2,000 MNIST test digits, seeded, all drawn with one strong forward slant and a bolder \
            pen. The model learns from --per-class of each digit (with MNIST replay, as `digits learn` does) and \
            is scored on the writer's other digits through the pad's preprocessing, and on the MNIST test set. \
            --check fails unless learning closes at least half the writer's gap to 100% and MNIST stays at \
            99.5% or more. --export writes the writer's digits as IDX pairs for `digits learn --images` and \
            `digits eval --images ... --preprocess`.

            Examples:
              digits learn-bench --data Data/mnist
              digits learn-bench --json --check
              digits learn-bench --export /tmp/writer
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory with the MNIST files.")
        var data = "Data/mnist"

        @Option(help: "Digits of each class learned from.")
        var perClass = 10

        @Option(help: "Optimizer steps (default: as `digits learn` chooses).")
        var steps: Int?

        @Option(help: "Seed for the batches, distortions and dropout.")
        var seed: UInt64 = 1

        @Option(help: "Also write the writer's digits as IDX pairs (writer-learn-*, writer-others-*) here.")
        var export: String?

        @Flag(help: "Exit non-zero unless half the gap is closed and MNIST stays at 99.5% or more.")
        var check = false

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            guard (1...100).contains(perClass) else { throw ValidationError("--per-class must be between 1 and 100") }
            if let steps, steps < 1 { throw ValidationError("--steps must be positive") }
        }

        func run() throws {
            threads.apply()
            let directory = URL(fileURLWithPath: data)
            let train = try LabeledImages.load(.train, from: directory)
            let test = try LabeledImages.load(.test, from: directory)
            let (network, _, _) = try model.load()
            let writer = SyntheticWriter()
            if let export {
                let folder = try outputFolder(export)
                let (learn, others) = writer.digits(from: test, perClass: perClass)
                for (name, set) in [("writer-learn", learn), ("writer-others", others)] {
                    try set.writeIDX(images: folder.appendingPathComponent("\(name)-images-idx3-ubyte"),
                                     labels: folder.appendingPathComponent("\(name)-labels-idx1-ubyte"))
                }
            }
            var settings = FineTuningSettings.standard(sampleCount: perClass * MNIST.classes, seed: seed)
            if let steps { settings.steps = steps }
            let progress = LearningProgress()
            let result = try progress.whileRunning { report, _ in
                try LearningBenchmark.run(base: network, train: train, test: test, writer: writer, perClass: perClass,
                                          settings: settings, progress: report)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "writer's other %d digits  %.2f%% -> %.2f%% (%.0f%% of the gap closed)",
                             result.others, result.writer_before * 100, result.writer_after * 100,
                             result.gap_closed * 100))
                print(String(format: "MNIST test                %.2f%% -> %.2f%%", result.mnist_before * 100,
                             result.mnist_after * 100))
                print(String(format: "learning                  %.1f s (%.1f s of processor time), %d samples, %d steps, "
                             + "%d workers", result.learn_seconds, result.learn_cpu_seconds, result.samples,
                             result.steps, Parallel.workers))
            }
            if check && (result.gap_closed < 0.5 || result.mnist_after < 0.995) {
                throw Failure(String(format: "learning closed %.0f%% of the gap (needs 50%%) with MNIST at %.2f%% "
                                     + "(needs 99.5%%)", result.gap_closed * 100, result.mnist_after * 100))
            }
        }
    }
}
