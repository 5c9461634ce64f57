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
            fit, the second for the numbers held out to compare the fitted weights with those in use. Prints \
            the fitted weights, in the order of TouchingDigits.Feature, for TouchingDigits.Weights.fitted. \
            Never reads the test set.

            Example:
              digits fit-segmentation --data Data/mnist
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory with the MNIST training files.")
        var data = "Data/mnist"

        @Option(help: "How many numbers to fit to.")
        var count = 3000

        @Option(help: "How many numbers of each kind (2-6 digits, and single digits) to compare on.")
        var heldOut = 1000

        @Option(help: "At most this many rounds of the search over the weights.")
        var rounds = 10

        @Option(help: "Seed of the composed numbers and the perceptron's order.")
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

            var rng = SplitMix64(seed: seed)
            let numbers = (0..<count).map { n in
                ComposedNumber.make(from: training, indices: fitting, length: 1 + n % 6, using: &rng)
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
            for (name, numbers) in [("numbers of 2-6 digits", longer), ("single digits", single)] {
                let inUse = SegmentationFit.exactReads(numbers, classifier: classifier, weights: .fitted)
                let new = SegmentationFit.exactReads(numbers, classifier: classifier, weights: fitted)
                print(String(format: "held-out %@ read exactly: %.2f%% in use, %.2f%% fitted (%d)",
                             name, 100 * inUse, 100 * new, numbers.count))
            }
        }
    }
}
