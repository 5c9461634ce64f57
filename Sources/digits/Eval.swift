// `digits eval`: accuracy, calibration and answer statuses on labeled digits, or how often non-digits are turned
// away.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a model: accuracy, calibration (ECE, NLL), statuses, confusion; or non-digits turned away.",
            discussion: """
            --data reads the 10,000 MNIST test images from a directory (with --split validation, the training \
            images the seed held out instead); --images and --labels read any IDX pair. --preprocess first passes \
            every image through the pad's preprocessing, as a drawing would be. --non-digits scores generated \
            non-digits (scripts/make-nondigits.py writes the glyphs): the held-out fonts and generators, or with \
            --split tuning the training kinds from seeds training never drew.
            Examples:
              digits eval --data Data/mnist
              digits eval --model m.safetensors --data Data/mnist --json --report out
              digits eval --images t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz --preprocess
              digits eval --non-digits Data/nondigits
            """)

        enum Split: String, ExpressibleByArgument, CaseIterable { case test, validation, heldout, tuning }

        @OptionGroup var model: ModelOptions
        @Option(help: "Directory holding the MNIST files.")
        var data: String?
        @Option(help: "IDX image file (with --labels).")
        var images: String?
        @Option(help: "IDX label file (with --images).")
        var labels: String?
        @Option(help: "Directory holding the non-digit glyphs (scripts/make-nondigits.py).")
        var nonDigits: String?
        @Option(help: "With --data: test, or validation (the split 'digits train' held out with --seed). With --non-digits: heldout, or tuning.")
        var split: Split?
        @Option(help: "Seed of the validation split (as given to 'digits train') or of the drawn non-digits.")
        var seed: UInt64 = 1
        @Flag(help: "Apply the pad's preprocessing (bounding box to 20x20, centred by mass) to every image.")
        var preprocess = false
        @Option(help: "Write confusion.png, misread.png and reliability.png here (non-digits: accepted.png).")
        var report: String?
        @Flag(help: "Print one JSON object: accuracy, count, ece, nll, statuses, per_class, confusion, and the digits answered (and right) at each threshold from 0.50 to 0.99.")
        var json = false
        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            switch (data, images, labels, nonDigits) {
            case (.some, nil, nil, nil), (nil, .some, .some, nil), (nil, nil, nil, .some): break
            case (nil, nil, nil, nil):
                throw ValidationError("give --data DIR, --images FILE and --labels FILE, or --non-digits DIR")
            case (nil, .some, nil, nil), (nil, nil, .some, nil): throw ValidationError("--images and --labels go together")
            default: throw ValidationError("--data, --images/--labels and --non-digits are alternatives; give one")
            }
            switch (split, data, nonDigits) {
            case (nil, _, _), (.test?, .some, _), (.validation?, .some, _), (.heldout?, _, .some), (.tuning?, _, .some): break
            default: throw ValidationError("--split test|validation goes with --data, heldout|tuning with --non-digits")
            }
        }

        func run() throws {
            threads.apply()
            let (network, _, url) = try model.load()
            let folder = try report.map(outputFolder)
            if let nonDigits { return try scoreNonDigits(network, directory: nonDigits, report: folder) }
            let (set, indices) = try labeledSet()
            let result = Evaluation.run(network, on: set, indices: indices, preprocess: preprocess)
            if let folder { try Report.write(result, images: set, to: folder) }
            let counts = result.statusCounts
            func share(_ status: ReadingStatus) -> Double { Double(counts[status, default: 0]) / Double(max(result.count, 1)) }
            if json {
                let object: [String: Any] = [
                    "accuracy": result.accuracy, "count": result.count, "correct": result.correct,
                    "per_class": result.perClass, "confusion": result.confusion, "model": url.lastPathComponent,
                    "preprocess": preprocess, "ece": result.expectedCalibrationError, "nll": result.meanLogLoss,
                    "temperature": Double(network.temperature),
                    "status": ["digit": share(.digit), "unsure": share(.unsure), "not_a_digit": share(.notADigit)],
                    "digit_answers_accuracy": result.accuracyOfDigitAnswers.isNaN ? 0 : result.accuracyOfDigitAnswers,
                    "digit_threshold": Double(ReadingStatus.confidentAbove),
                    "answers_by_threshold": stride(from: 50, through: 99, by: 1).map { percent in
                        let (answered, right) = result.digitAnswers(atThreshold: Float(percent) / 100)
                        return ["threshold": Double(percent) / 100, "answered": answered, "right": right]
                    }]
                print(try jsonText(object))
                return
            }
            print(String(format: "accuracy %.2f%% (%d of %d) with %@%@", result.accuracy * 100, result.correct,
                         result.count, url.lastPathComponent, preprocess ? ", preprocessed" : ""))
            print(String(format: "calibration: ECE %.2f%% (%d bins), NLL %.4f, temperature %.3f",
                         result.expectedCalibrationError * 100, Calibration.binCount, result.meanLogLoss,
                         network.temperature))
            print(String(format: "answers: digit %.2f%% (right %.3f%% of those), not sure %.2f%%, not a digit %.2f%%",
                         share(.digit) * 100, result.accuracyOfDigitAnswers * 100, share(.unsure) * 100,
                         share(.notADigit) * 100))
            print("\nper class:")
            for (digit, recall) in result.perClass.enumerated() {
                print(String(format: "  %d  %6.2f%%", digit, recall * 100))
            }
            print("\nconfusion (rows: true digit, columns: predicted):")
            print("     " + (0..<MNIST.classes).map { String(format: "%5d", $0) }.joined())
            for (digit, row) in result.confusion.enumerated() {
                print(String(format: "  %d  ", digit) + row.map { String(format: "%5d", $0) }.joined())
            }
        }

        /// The labeled images to score, and which of them (nil: all).
        private func labeledSet() throws -> (LabeledImages, [Int]?) {
            let set: LabeledImages
            var indices: [Int]?
            if let data {
                let directory = URL(fileURLWithPath: data)
                if split == .validation {
                    set = try LabeledImages.load(.train, from: directory)
                    indices = Trainer.split(count: set.count, fraction: TrainingSettings.defaultValidationFraction,
                                            seed: seed).validation
                } else {
                    set = try LabeledImages.load(.test, from: directory)
                }
            } else {
                set = try LabeledImages.load(images: URL(fileURLWithPath: images!), labels: URL(fileURLWithPath: labels!))
            }
            guard set.rows == MNIST.side, set.cols == MNIST.side else {
                throw ValidationError("images are \(set.rows)x\(set.cols); the network reads \(MNIST.side)x\(MNIST.side)")
            }
            guard indices.map({ !$0.isEmpty }) ?? (set.count > 0) else {
                throw Failure("\(images ?? data ?? "the set") holds no images to evaluate")
            }
            return (set, indices)
        }

        private func scoreNonDigits(_ network: Network, directory: String, report: URL?) throws {
            let which: NonDigitScore.Set = split == .tuning ? .tuning : .heldout
            let score = try NonDigitScore.run(network, set: which, directory: URL(fileURLWithPath: directory),
                                              seed: seed)
            if let report { try score.acceptedGallery().writePNG(to: report.appendingPathComponent("accepted.png")) }
            let counts = score.statusCounts
            func share(_ status: ReadingStatus) -> Double { Double(counts[status, default: 0]) / Double(max(score.count, 1)) }
            if json {
                let object: [String: Any] = [
                    "set": which.rawValue, "count": score.count, "turned_away": score.turnedAway,
                    "status": ["digit": share(.digit), "unsure": share(.unsure), "not_a_digit": share(.notADigit)],
                    "per_kind": Dictionary(uniqueKeysWithValues: score.turnedAwayByKind.map { ($0.kind.rawValue, $0.fraction) })]
                print(try jsonText(object))
                return
            }
            print(String(format: "%d %@ non-digits: %.2f%% turned away (not a digit %.2f%%, not sure %.2f%%, digit %.2f%%)",
                         score.count, which.rawValue, score.turnedAway * 100, share(.notADigit) * 100,
                         share(.unsure) * 100, share(.digit) * 100))
            for row in score.turnedAwayByKind {
                let name = row.kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                print(String(format: "  %@ %6.2f%% of %d", name, row.fraction * 100, row.count))
            }
        }

        private func jsonText(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}
