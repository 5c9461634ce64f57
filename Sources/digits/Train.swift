// `digits train`: train an architecture on MNIST, keeping checkpoints, then score it on the test set.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a network on MNIST and save it as a safetensors model.",
            discussion: """
            Holds out a seeded validation split, reports loss and accuracy per epoch, then scores the final \
            model on the 10,000 test images (when they are in --data) and records everything in the model's \
            metadata. Ctrl-C stops after writing a checkpoint (OUTPUT.checkpoint); --resume continues from it.

            Architectures:
            \(Architecture.all.map { "  \($0.name): \($0.about)" }.joined(separator: "\n"))

            Examples:
              digits train --data Data/mnist --arch convnet --epochs 15 --batch-size 128 --seed 1 --output m.safetensors
              digits train --data Data/mnist --arch bnnet --non-digits Data/nondigits --output Resources/digits.safetensors
              digits train --data Data/mnist --arch bnnet --output b.safetensors --resume
              digits train --data Data/mnist --arch bnnet --non-digits Data/nondigits --start-from b.safetensors --epochs 12 --lr 1e-3 --output c.safetensors
            """)

        @Option(help: "Directory with the MNIST IDX files (see scripts/fetch-mnist.sh).")
        var data = "Data/mnist"

        @Option(help: "Architecture.")
        var arch = ArchitectureName(.convnet)

        @Option(help: "Passes over the training images (default: the architecture's).")
        var epochs: Int?

        @Option(help: "Images per batch (default: the architecture's).")
        var batchSize: Int?

        @Option(help: "Peak learning rate for Adam (default: the architecture's).")
        var lr: Float?

        @Option(help: "Learning-rate schedule (default: the architecture's).")
        var schedule: LearningRateSchedule?

        @Option(help: "Decoupled weight decay (default: the architecture's).")
        var weightDecay: Float?

        @Option(help: "Label smoothing in [0, 1) (default: the architecture's).")
        var labelSmoothing: Float?

        @Option(help: "Fraction of training digits redrawn as pen strokes (default: the architecture's).")
        var strokeRedraw: Float?

        @Option(help: "Fraction of training places given a digit in a style MNIST lacks (default: the architecture's).")
        var styles: Float?

        @Option(help: "Augment training images with random affine and thickness changes: on or off (default: the architecture's).")
        var augment: Switch?

        @Option(help: "Fraction of the training images held out for validation.")
        var validationSplit: Float = 0.1

        @Option(help: "Train on only the first N training images (quick runs).")
        var limit: Int?

        @Option(help: "Seed for initialization, the split, shuffling, dropout and augmentation.")
        var seed: UInt64 = 1

        @Option(name: .customLong("split-seed"),
                help: "Seed for the validation split alone (default: --seed), so runs with other seeds hold out the same images.")
        var splitSeed: UInt64?

        @Option(help: "Also learn 'not a digit' from the glyphs in this directory (scripts/make-nondigits.py) and drawn shapes.")
        var nonDigits: String?
        @Option(help: "Where to save the trained model.")
        var output = "model.safetensors"

        @Flag(help: "Continue from OUTPUT.checkpoint.")
        var resume = false

        @Option(name: .customLong("start-from"),
                help: "Start from this trained model's weights instead of random ones (same architecture and split; a model without the not-a-digit class may gain it).")
        var startFrom: String?

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
            if let batchSize, batchSize < 1 || batchSize > 8192 { throw ValidationError("--batch-size must be between 1 and 8192") }
            if let lr, !(lr > 0 && lr < 10) { throw ValidationError("--lr must be a positive number below 10") }
            if let weightDecay, !(weightDecay >= 0 && weightDecay < 1) { throw ValidationError("--weight-decay must be in [0, 1)") }
            if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) { throw ValidationError("--label-smoothing must be in [0, 1)") }
            if let strokeRedraw, !(0...1).contains(strokeRedraw) { throw ValidationError("--stroke-redraw must be in [0, 1]") }
            if let styles, !(0...1).contains(styles) { throw ValidationError("--styles must be in [0, 1]") }
            guard validationSplit >= 0 && validationSplit < 1 else { throw ValidationError("--validation-split must be in [0, 1)") }
            if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
            if resume && startFrom != nil { throw ValidationError("--resume continues a run; --start-from begins one. Give one") }
        }

        var settings: TrainingSettings {
            var s = TrainingSettings(architecture: nonDigits == nil ? arch.architecture
                                                                    : arch.architecture.withNotADigitClass(), seed: seed)
            if let epochs { s.recipe.epochs = epochs }
            if let batchSize { s.recipe.batchSize = batchSize }
            if let lr { s.recipe.learningRate = lr }
            if let schedule { s.recipe.schedule = schedule }
            if let weightDecay { s.recipe.weightDecay = weightDecay }
            if let labelSmoothing { s.recipe.labelSmoothing = labelSmoothing }
            if let strokeRedraw { s.recipe.strokeRedraw = strokeRedraw }
            if let styles { s.recipe.styles = styles }
            if let augment { s.recipe.augment = augment == .on }
            s.validationFraction = validationSplit
            s.limit = limit
            s.splitSeed = splitSeed
            return s
        }

        func run() throws {
            threads.apply()
            let directory = URL(fileURLWithPath: data)
            let output = URL(fileURLWithPath: output)
            try AtomicFile.checkWritable(output)
            let start = try startFrom.map { path in
                let (network, metadata) = try ModelFile.load(from: URL(fileURLWithPath: path))
                guard network.architecture.name == settings.architecture.name else {
                    throw ValidationError("\(path) is a \(network.architecture.name), not a \(settings.architecture.name)")
                }
                return (network: network, metadata: metadata)
            }
            let training = try LabeledImages.load(.train, from: directory)
            let test = try? LabeledImages.load(.test, from: directory)
            let nonDigitSource = try nonDigits.map { directory in
                try NonDigits(glyphFile: URL(fileURLWithPath: directory).appendingPathComponent(NonDigits.trainingGlyphFile),
                              kind: .glyph, procedural: NonDigitKind.training)
            }
            let run = try TrainingRun(settings: settings, training: training, test: test, output: output,
                                      resume: resume, command: CommandLine.arguments.dropFirst().joined(separator: " "),
                                      nonDigits: nonDigitSource, start: start)
            try TrainingSession(run: run).start()
        }
    }
}
