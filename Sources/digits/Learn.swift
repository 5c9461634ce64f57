// `digits learn`: fine-tune the model on a person's labelled digits, with MNIST replay so it does not forget.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn your hand: fine-tune the model on your labelled digits.",
            discussion: """
            Without --images/--labels, learns from your samples in the data folder and saves the personal model \
            there (personal.safetensors), which `digits draw` then reads with. With them, learns from any labelled \
            IDX pair and writes --output. Every run starts from --model (default: the shipped model) and mixes \
            MNIST training digits into each batch, so the network keeps reading everyone else's digits too. \
            Ctrl-C stops without saving.

            Examples:
              digits learn
              digits learn --data-dir ~/digits-samples --mnist Data/mnist
              digits learn --images my-images-idx3 --labels my-labels-idx1 --preprocess --output mine.safetensors
            """)

        @OptionGroup var model: ModelOptions
        @OptionGroup var dataDirectory: DataDirectoryOptions
        @OptionGroup var replay: ReplayOptions

        @Option(help: "IDX image file to learn from instead of your samples (with --labels and --output).")
        var images: String?

        @Option(help: "IDX label file (with --images).")
        var labels: String?

        @Flag(help: "Pass every --images image through the pad's preprocessing first, as in `digits eval`.")
        var preprocess = false

        @Option(help: "Where to save the learned model (with --images).")
        var output: String?

        @Option(help: "Optimizer steps (default: 1.2 per sample, within \(FineTuningSettings.stepRange)).")
        var steps: Int?

        @Option(help: "Seed for the batches, distortions and dropout.")
        var seed: UInt64 = 1

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            switch (images, labels, output) {
            case (nil, nil, nil):
                if preprocess { throw ValidationError("--preprocess applies to --images") }
            case (.some, .some, .some):
                if dataDirectory.dataDirectory != nil {
                    throw ValidationError("--data-dir and --images are alternatives; give one")
                }
            case (.some, .some, nil):
                throw ValidationError("--images needs --output: the personal model learns from your own samples")
            case (nil, nil, .some):
                throw ValidationError("--output goes with --images; the personal model is saved in the data folder")
            default:
                throw ValidationError("--images and --labels go together")
            }
            if let steps, steps < 1 || steps > 100_000 { throw ValidationError("--steps must be between 1 and 100000") }
        }

        func run() throws {
            threads.apply()
            let base = try model.url(), source = try samples()
            let (train, test) = try loadReplay()
            let command = CommandLine.arguments.dropFirst().joined(separator: " ")
            let settings = tuning(sampleCount: source.count)
            let outcome = try LearningProgress().whileRunning { progress, stop -> PersonalLearning.Outcome? in
                switch source {
                case let .pair(samples, output):
                    return try PersonalLearning.learn(samples: samples, base: base, replay: train, test: test,
                                                      settings: settings, output: output, command: command,
                                                      progress: progress, shouldStop: stop)
                case let .dataset(dataset):
                    return try PersonalLearning.learn(from: dataset, base: base, replay: train, test: test,
                                                      settings: settings, command: command, progress: progress,
                                                      shouldStop: stop)
                }
            }
            guard let outcome else {
                print("stopped: nothing saved, the previous model is unchanged")
                throw ExitCode(130)
            }
            outcome.notices.forEach { warn("\($0)") }
            print(String(format: "learned from %d samples in %.1f s (%d steps): %d of them read right before, %d after",
                         outcome.samples, outcome.seconds, outcome.steps, outcome.samplesReadBefore,
                         outcome.samplesReadAfter))
            if let accuracy = outcome.testAccuracy {
                print(String(format: "MNIST test accuracy %.2f%%", accuracy * 100))
            }
            print("saved \(outcome.savedTo.path)")
        }

        /// What to learn from: an IDX pair and where the model goes, or the personal dataset.
        enum Source {
            case pair(LabeledImages, output: URL)
            case dataset(PersonalDataset)

            var count: Int {
                switch self {
                case let .pair(samples, _): return samples.count
                case let .dataset(dataset): return dataset.count
                }
            }
        }

        /// Reads and checks the samples, and that the output can be written, before any long work.
        func samples() throws -> Source {
            guard let images, let labels, let output else {
                let noSamples = Failure("no samples yet in \(dataDirectory.url.path): label digits in the pad, or add "
                                        + "some with `digits samples --add-images`")
                guard PersonalDataset.exists(in: dataDirectory.url) else { throw noSamples }
                let dataset = try PersonalDataset.open(dataDirectory.url)
                dataset.notices.forEach { warn("\($0)") }
                guard dataset.count > 0 else { throw noSamples }
                return .dataset(dataset)
            }
            let set = try LabeledImages.load(images: URL(fileURLWithPath: images), labels: URL(fileURLWithPath: labels))
            guard set.rows == MNIST.side, set.cols == MNIST.side else {
                throw Failure("images are \(set.rows)x\(set.cols); the network reads \(MNIST.side)x\(MNIST.side)")
            }
            guard set.count > 0 else { throw Failure("\(images) holds no images") }
            try AtomicFile.checkWritable(URL(fileURLWithPath: output))
            return .pair(preprocess ? set.preprocessed() : set, output: URL(fileURLWithPath: output))
        }

        func tuning(sampleCount: Int) -> FineTuningSettings {
            var settings = FineTuningSettings.standard(sampleCount: sampleCount, seed: seed)
            if let steps { settings.steps = steps }
            return settings
        }

        /// MNIST's training digits for replay, and its test digits when they are there too.
        func loadReplay() throws -> (train: LabeledImages, test: LabeledImages?) {
            let directory = try replay.directory()
            return (try LabeledImages.load(.train, from: directory), try? LabeledImages.load(.test, from: directory))
        }
    }
}
