// `digits samples`: what the personal dataset holds, and adding labelled digits to it from IDX files.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Samples: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show your personal dataset, or add labelled digits to it.",
            discussion: """
            Your samples live in the data folder: samples.journal (each digit with its strokes), the IDX pair \
            samples-images-idx3-ubyte and samples-labels-idx1-ubyte (for `digits eval --images ... --labels ...`), \
            and personal.safetensors once `digits learn` has run. A damaged file is reported and set aside, \
            never written over. --add-images/--add-labels append every digit of an IDX pair.

            Examples:
              digits samples
              digits samples --add-images scans-images-idx3-ubyte --add-labels scans-labels-idx1-ubyte --preprocess
            """)

        @OptionGroup var dataDirectory: DataDirectoryOptions

        @Option(help: "IDX image file whose digits to add (with --add-labels).")
        var addImages: String?

        @Option(help: "IDX label file (with --add-images).")
        var addLabels: String?

        @Flag(help: "Pass every added image through the pad's preprocessing first.")
        var preprocess = false

        func validate() throws {
            guard (addImages == nil) == (addLabels == nil) else {
                throw ValidationError("--add-images and --add-labels go together")
            }
            if preprocess && addImages == nil { throw ValidationError("--preprocess applies to --add-images") }
        }

        func run() throws {
            var added: LabeledImages?
            if let addImages, let addLabels {
                let set = try LabeledImages.load(images: URL(fileURLWithPath: addImages),
                                                 labels: URL(fileURLWithPath: addLabels))
                guard set.rows == MNIST.side, set.cols == MNIST.side else {
                    throw Failure("images are \(set.rows)x\(set.cols); samples are \(MNIST.side)x\(MNIST.side)")
                }
                added = preprocess ? set.preprocessed() : set
            }
            guard added != nil || PersonalDataset.exists(in: dataDirectory.url) else {
                return print("no samples yet in \(dataDirectory.url.path): label digits in the pad, or add some with "
                             + "--add-images")
            }
            let dataset = try PersonalDataset.open(dataDirectory.url)
            dataset.notices.forEach { warn("\($0)") }
            if let added {
                try dataset.append(contentsOf: PersonalSample.all(in: added)).forEach { warn("\($0)") }
                print("added \(added.count) digits")
            }
            print("\(dataset.count) samples in \(dataset.directory.path)")
            let counts = dataset.countsPerDigit.enumerated().map { "\($0.offset): \($0.element)" }
            print("  " + counts.joined(separator: "  "))
            do {
                guard let personal = try PersonalModel.locate(in: dataset.directory) else {
                    return print("no personal model yet: run `digits learn`")
                }
                let meta = personal.metadata, key = PersonalModel.Key.self
                let accuracy = meta[ModelFile.Key.testAccuracy].flatMap(Double.init)
                print("personal model \(personal.url.lastPathComponent): learned from \(meta[key.samples] ?? "?") "
                      + "samples on \(meta[key.learnedAt] ?? "?")"
                      + (accuracy.map { String(format: ", %.2f%% on MNIST", $0 * 100) } ?? ""))
            } catch {
                warn("\(error)")
            }
        }
    }
}
