// `digits robustness`: accuracy on the test digits shifted, rotated, thickened, thinned, shrunk, speckled and
// redrawn with the pad's pen.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct RobustnessCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "robustness",
            abstract: "Score a model on the MNIST test digits redrawn as people draw them.",
            discussion: """
            Each variant transforms all 10,000 test images (or, with --split validation, the model's validation images) (seeded, so the table is reproducible) and scores \
            them through the pad's preprocessing. --export writes each variant as an IDX pair, for \
            `digits eval --images ... --labels ... --preprocess`.

            Variants:
            \(RobustnessVariant.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

            Examples:
              digits robustness --data Data/mnist
              digits robustness --data Data/mnist --no-preprocess --model convnet.safetensors
              digits robustness --data Data/mnist --export Data/variants
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory holding the MNIST test files.")
        var data = "Data/mnist"

        @Flag(inversion: .prefixedNo, help: "Pass images through the pad's preprocessing first.")
        var preprocess = true

        @Option(help: "Exit non-zero when any variant scores below this fraction (e.g. 0.985).")
        var minimum: Double?

        @Option(help: "Also write every variant as IDX files into this directory.")
        var export: String?

        @Option(help: "Seed for the variants.")
        var seed: UInt64 = 1

        @Flag(help: "Print one JSON object mapping each variant to its accuracy.")
        var json = false

        enum Split: String, ExpressibleByArgument, CaseIterable { case test, validation }

        @Option(help: "Which digits: the test set, or the validation split the model was trained beside (its recorded seed and fraction), for choosing between models without looking at the test set.")
        var split: Split = .test

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            if let minimum, !(0...1).contains(minimum) { throw ValidationError("--minimum is a fraction between 0 and 1") }
        }

        func run() throws {
            threads.apply()
            let (network, metadata, url) = try model.load()
            let test = try digits(metadata: metadata)
            guard test.count > 0 else { throw Failure("\(data): the \(split.rawValue) set holds no images") }
            if let export {
                let dir = try outputFolder(export)
                for variant in RobustnessVariant.allCases {
                    try Robustness.variantSet(test, variant, seed: seed).writeIDX(
                        images: dir.appendingPathComponent("\(variant.rawValue)-images-idx3-ubyte"),
                        labels: dir.appendingPathComponent("\(variant.rawValue)-labels-idx1-ubyte"))
                }
            }
            let rows = Robustness.table(network, images: test, preprocess: preprocess, seed: seed)
            if json {
                let object = Dictionary(uniqueKeysWithValues: rows.map { ($0.variant.rawValue, $0.accuracy) })
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("\(url.lastPathComponent), \(preprocess ? "with" : "without") preprocessing:")
                for row in rows {
                    let name = row.variant.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    print(String(format: "  %@%6.2f%%   %@", name, row.accuracy * 100, row.variant.summary))
                }
            }
            if let minimum, let worst = rows.min(by: { $0.accuracy < $1.accuracy }), worst.accuracy < minimum {
                throw Failure(String(format: "%@ scored %.2f%%, below the minimum %.2f%%",
                                             worst.variant.rawValue, worst.accuracy * 100, minimum * 100))
            }
        }

        /// The digits to transform: the test set, or the model's validation split of the training set.
        private func digits(metadata: [String: String]) throws -> LabeledImages {
            let directory = URL(fileURLWithPath: data)
            guard split == .validation else { return try LabeledImages.load(.test, from: directory) }
            let training = try LabeledImages.load(.train, from: directory)
            let indices = try RecordedSplit.validationIndices(of: metadata, trainingCount: training.count)
            let side = training.rows * training.cols
            return LabeledImages(count: indices.count, rows: training.rows, cols: training.cols,
                                 pixels: indices.flatMap { training.pixels[$0 * side..<($0 + 1) * side] },
                                 labels: indices.map { training.labels[$0] })
        }
    }
}
