// `digits stroke-numbers`: how well numbers written as pen strokes read, the pad's way.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct StrokeNumbers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stroke-numbers",
            abstract: "Read numbers written as pen strokes, as the pad reads them, and count the exact readings.",
            discussion: """
            Each number holds 2 to 6 MNIST digits (or --lengths), each traced from its skeleton into pen \
            strokes and written side by side on a canvas as a person writes in the pad: digits 100-170 px \
            tall, a pen 6-14% of that wide, gaps of 0-20 px at MNIST's scale, baselines jittered, and about \
            one pair in ten written into each other by 5-30% of a digit's width. The reading goes through the \
            pad's own path (strokes grouped, touching digits cut, each digit preprocessed and read). The \
            digits come from the model's validation split unless --split test.

            Examples:
              digits stroke-numbers --data Data/mnist
              digits stroke-numbers --data Data/mnist --count 200 --lengths 6-6 --show
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory with the MNIST files.")
        var data = "Data/mnist"

        enum Split: String, ExpressibleByArgument, CaseIterable { case validation, test }

        @Option(help: "Digits to compose from: validation (the split the model held out) or test.")
        var split: Split = .validation

        @Option(help: "How many numbers to read.")
        var count = 500

        @Option(help: "Digits per number, LOW-HIGH.")
        var lengths = "2-6"

        @Option(help: "Seed of the composed numbers.")
        var seed: UInt64 = 1

        @Flag(help: "List the numbers read wrong.")
        var show = false

        @Option(help: "Write each number's canvas here as number-NNNNN.png (dark ink on white), with truth.json.")
        var keep: String?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @Option(help: "Exit non-zero when fewer than this fraction of the numbers read exactly (e.g. 0.85).")
        var minimum: Double?

        @OptionGroup var threads: ThreadOptions

        var lengthRange: ClosedRange<Int>? {
            let parts = lengths.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 20 else { return nil }
            return parts[0]...parts[1]
        }

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be positive") }
            if let minimum, !(0...1).contains(minimum) {
                throw ValidationError("--minimum is a fraction between 0 and 1")
            }
            guard lengthRange != nil else {
                throw ValidationError("--lengths must be LOW-HIGH, 1 <= LOW <= HIGH <= 20")
            }
        }

        func run() throws {
            threads.apply()
            let (network, metadata, _) = try model.load()
            let directory = URL(fileURLWithPath: data)
            let digits: LabeledImages, indices: [Int]
            switch split {
            case .test:
                digits = try LabeledImages.load(.test, from: directory)
                indices = Array(0..<digits.count)
            case .validation:
                digits = try LabeledImages.load(.train, from: directory)
                indices = try RecordedSplit.validationIndices(of: metadata, trainingCount: digits.count)
            }
            guard !indices.isEmpty else { throw Failure("\(data): the \(split.rawValue) set holds no images") }
            let folder = try keep.map(outputFolder)
            let reader = NumberReader(classifier: Recognizer(network))
            let range = lengthRange!
            var rng = SplitMix64(seed: seed)
            let numbers = (0..<count).map { n in
                ComposedStrokeNumber.make(from: digits, indices: indices,
                                          length: range.lowerBound + n % range.count, using: &rng)
            }
            if let folder { try Self.write(numbers, to: folder) }
            let readings = numbers.map { reader.read(strokes: $0.strokes, width: $0.width, height: $0.height).text }
            var byLength: [Int: (count: Int, exact: Int)] = [:]
            for (number, text) in zip(numbers, readings) {
                byLength[number.labels.count, default: (0, 0)].count += 1
                if text == number.text { byLength[number.labels.count, default: (0, 0)].exact += 1 }
            }
            let exact = byLength.values.reduce(0) { $0 + $1.exact }
            let misses = zip(numbers, readings).filter { $0.0.text != $0.1 }.map { (truth: $0.0.text, read: $0.1) }
            if json {
                let object: [String: Any] = [
                    "numbers": count, "exact": Double(exact) / Double(count), "split": split.rawValue,
                    "by_length": Dictionary(uniqueKeysWithValues: byLength.map { length, tally in
                        (String(length), Double(tally.exact) / Double(tally.count))
                    }),
                    "misses": misses.map { ["truth": $0.truth, "read": $0.read] },
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for length in byLength.keys.sorted() {
                    let tally = byLength[length]!
                    print(String(format: "  %d digits: %6.2f%% exactly (%d numbers)", length,
                                 100 * Double(tally.exact) / Double(tally.count), tally.count))
                }
                print(String(format: "%.2f%% of %d numbers written as strokes read exactly (%@ digits)",
                             100 * Double(exact) / Double(count), count, split.rawValue))
                if show { for miss in misses { print("  \(miss.truth) read \(miss.read)") } }
            }
            if let minimum, Double(exact) / Double(count) < minimum {
                throw Failure(String(format: "%.2f%% read exactly, below the minimum %.2f%%",
                                     100 * Double(exact) / Double(count), 100 * minimum))
            }
        }

        /// Each number's canvas as a PNG, and the numbers' texts by file name in truth.json.
        static func write(_ numbers: [ComposedStrokeNumber], to directory: URL) throws {
            var truth: [String: String] = [:]
            for (n, number) in numbers.enumerated() {
                var canvas = InkCanvas(width: number.width, height: number.height)
                for stroke in number.strokes { canvas.draw(stroke) }
                let name = String(format: "number-%05d.png", n)
                try GrayImage(width: number.width, height: number.height,
                              pixels: canvas.pixels.map { UInt8((255 * (1 - min(max($0, 0), 1))).rounded()) })
                    .writePNG(to: directory.appendingPathComponent(name))
                truth[name] = number.text
            }
            let data = try JSONSerialization.data(withJSONObject: truth, options: [.sortedKeys])
            try AtomicFile.write(data, to: directory.appendingPathComponent("truth.json"))
        }
    }
}
