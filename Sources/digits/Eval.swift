// `digits eval`: accuracy, per-class accuracy and the confusion matrix on a labeled IDX set.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a model on labeled images: accuracy, per-class accuracy, confusion matrix.",
            discussion: """
            --data reads the 10,000 MNIST test images from a directory; --images and --labels read any IDX \
            pair. --preprocess first passes every image through the pad's preprocessing, as a drawing would be.

            Examples:
              digits eval --data Data/mnist
              digits eval --model m.safetensors --data Data/mnist --json
              digits eval --images t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz --preprocess
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory holding the MNIST test files.")
        var data: String?

        @Option(help: "IDX image file (with --labels).")
        var images: String?

        @Option(help: "IDX label file (with --images).")
        var labels: String?

        @Flag(help: "Apply the pad's preprocessing (bounding box to 20x20, centred by mass) to every image.")
        var preprocess = false

        @Option(help: "Write confusion.png and misread.png (the misread digits, predicted in red, true in green) here.")
        var report: String?

        @Flag(help: "Print one JSON object: accuracy, count, per_class, confusion.")
        var json = false

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            switch (data, images, labels) {
            case (.some, nil, nil), (nil, .some, .some): break
            case (nil, nil, nil): throw ValidationError("give --data DIR, or --images FILE and --labels FILE")
            case (.some, _, _): throw ValidationError("--data and --images/--labels are alternatives; give one")
            default: throw ValidationError("--images and --labels go together")
            }
        }

        func run() throws {
            threads.apply()
            let set = try data.map { try LabeledImages.load(.test, from: URL(fileURLWithPath: $0)) }
                ?? LabeledImages.load(images: URL(fileURLWithPath: images!), labels: URL(fileURLWithPath: labels!))
            guard set.rows == MNIST.side, set.cols == MNIST.side else {
                throw ValidationError("images are \(set.rows)x\(set.cols); the network reads \(MNIST.side)x\(MNIST.side)")
            }
            let (network, _, url) = try model.load()
            let result = Evaluation.run(network, on: set, preprocess: preprocess)
            if let report {
                try Report.write(result, images: set, to: URL(fileURLWithPath: report))
            }
            if json {
                let object: [String: Any] = ["accuracy": result.accuracy, "count": result.count,
                                             "correct": result.correct, "per_class": result.perClass,
                                             "confusion": result.confusion, "model": url.lastPathComponent,
                                             "preprocess": preprocess]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(String(format: "accuracy %.2f%% (%d of %d) with %@%@", result.accuracy * 100, result.correct,
                         result.count, url.lastPathComponent, preprocess ? ", preprocessed" : ""))
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
    }
}
