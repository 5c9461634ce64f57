// `digits fit-segmentation`: fit the weights that split touching digits to numbers composed from a model's
// validation digits, and compare them with the weights in use on numbers held out from the fit.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct FitSegmentation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit-segmentation",
            abstract: "Fit the weights that split touching digits to numbers composed from validation digits.",
            discussion: """
            Numbers of 1 to 6 digits are composed from the model's validation split (the digits it never \
            trained on) the way scripts/bench-numbers.py composes them: the first half of the split for the \
            fit, the second for the numbers held out to compare the fitted weights with those in use. With \
            --non-digits, one number in five carries a letter, symbol or scribble, which a right reading shows \
            as "?", so the fit weighs keeping marks whole against reading touching digits. Prints \
            the fitted weights, in the order of TouchingDigits.Feature, for TouchingDigits.Weights.fitted. \
            Never reads the test set.

            Example:
              digits fit-segmentation --data Data/mnist --non-digits Data/nondigits
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory with the MNIST training files.")
        var data = "Data/mnist"

        @Option(help: "Directory of the non-digit glyph files; one number in five then carries a mark.")
        var nonDigits: String?

        @Option(help: "How many numbers to fit to.")
        var count = 3000

        @Option(help: "How many numbers of each kind (2-6 digits, and single digits) to compare on.")
        var heldOut = 1000

        @Option(help: "At most this many rounds of the search over the weights.")
        var rounds = 10

        @Option(help: "Seed of the composed numbers and marks.")
        var seed: UInt64 = 7

        func validate() throws {
            guard count > 0, heldOut > 0 else { throw ValidationError("--count and --held-out must be positive") }
            guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1 to 100") }
        }

        func run() throws {
            let (network, metadata, _) = try model.load()
            let training = try LabeledImages.load(.train, from: URL(fileURLWithPath: data))
            let validation = try RecordedSplit.validationIndices(of: metadata, trainingCount: training.count)
            guard validation.count >= 2 else { throw Failure("\(data): the validation split holds too few images") }
            let classifier = Recognizer(network)
            let (fitting, comparing) = (Array(validation.prefix(validation.count / 2)),
                                        Array(validation.dropFirst(validation.count / 2)))

            let marks = try nonDigits.map { directory in
                try Self.marks(from: URL(fileURLWithPath: directory), seed: seed)
            }
            var rng = SplitMix64(seed: seed)
            let numbers = (0..<count).map { n in
                ComposedNumber.make(from: training, indices: fitting, length: 1 + n % 6,
                                    marks: n % 5 == 4 ? marks?.fitting : nil, using: &rng)
            }
            let started = Date()
            let (fitted, right, survey) = SegmentationFit.fit(numbers, classifier: classifier, rounds: rounds)
            print("""
                \(survey.examples) groups to learn from in \(count) numbers; the weights in use read \
                \(survey.chosen) of them right; \(survey.unreachable) had no right path among their cuts, \
                \(survey.untried) of several digits were too narrow to try (\(Int(Date().timeIntervalSince(started))) s)
                """)
            let list = { (weights: TouchingDigits.Weights) in
                "[" + weights.values.map { String(format: "%.3g", $0) }.joined(separator: ", ") + "]"
            }
            print("fitted weights, reading \(right) of the groups right: \(list(fitted))")
            print("weights in use: \(list(.fitted))")

            var heldOutRNG = SplitMix64(seed: seed).derived(1)
            let longer = (0..<heldOut).map { n in
                ComposedNumber.make(from: training, indices: comparing, length: 2 + n % 5, using: &heldOutRNG)
            }
            let single = (0..<heldOut).map { _ in
                ComposedNumber.make(from: training, indices: comparing, length: 1, using: &heldOutRNG)
            }
            var sets = [("numbers of 2-6 digits", longer), ("single digits", single)]
            if let marks {
                sets.append(("numbers of 2-6 with a mark", (0..<heldOut).map { n in
                    ComposedNumber.make(from: training, indices: comparing, length: 2 + n % 5, marks: marks.comparing,
                                        using: &heldOutRNG)
                }))
            }
            for (name, numbers) in sets {
                let inUse = SegmentationFit.exactReads(numbers, classifier: classifier, weights: .fitted)
                let new = SegmentationFit.exactReads(numbers, classifier: classifier, weights: fitted)
                print(String(format: "held-out %@ read exactly: %.2f%% in use, %.2f%% fitted (%d)",
                             name, 100 * inUse, 100 * new, numbers.count))
            }
        }

        /// Marks that are not digits, drawn from the training fonts and generators on the stream that choosing
        /// thresholds draws from (never the held-out non-digits): half for the fit, half for the comparison.
        static func marks(from directory: URL, seed: UInt64) throws -> (fitting: LabeledImages, comparing: LabeledImages) {
            let source = try NonDigits(glyphFile: directory.appendingPathComponent(NonDigits.trainingGlyphFile),
                                       kind: .glyph, procedural: NonDigitKind.training)
            let count = 1000, drawn = source.images(count: 2 * count, seed: seed, stream: SeedStream.nonDigitTuning)
            let half = { (part: Int) in
                LabeledImages(count: count, rows: MNIST.side, cols: MNIST.side,
                              pixels: drawn.pixels[(part * count * MNIST.pixels)..<((part + 1) * count * MNIST.pixels)]
                                  .map(MNIST.gray),
                              labels: [UInt8](repeating: UInt8(MNIST.classes), count: count))
            }
            return (half(0), half(1))
        }
    }
}
