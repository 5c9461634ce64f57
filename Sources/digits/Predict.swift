// `digits predict`: read digits from PNG or PGM files of any size, light-on-dark or dark-on-light.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recognize the digit in each image file (PNG or PGM).",
            discussion: """
            Each image is converted to ink, cropped to its bounding box, scaled to 20x20 and centred by mass \
            in 28x28, as MNIST's digits were.

            Examples:
              digits predict seven.png
              digits predict --json scans/*.pgm
            """)

        @OptionGroup var model: ModelOptions

        @Flag(help: "Print one JSON object per file with all ten probabilities.")
        var json = false

        @Argument(help: "PNG or PGM files.")
        var images: [String]

        func validate() throws {
            guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        }

        func run() throws {
            Parallel.configure(workers: 1)
            let (network, _, _) = try model.load()
            for path in images {
                let image = try GrayImage.load(contentsOf: URL(fileURLWithPath: path))
                let ink = DigitPreprocessor.inkCoverage(fromGray: image.pixels, width: image.width, height: image.height)
                guard let input = DigitPreprocessor.mnistImage(from: ink, width: image.width, height: image.height) else {
                    if json {
                        print(#"{"file":\#(jsonString(path)),"digit":null,"error":"no ink found"}"#)
                    } else {
                        print("\(path): no digit found (the image is blank)")
                    }
                    continue
                }
                let probabilities = network.probabilities(for: input)
                let digit = argmax(probabilities)
                if json {
                    let list = probabilities.map { String(format: "%.6f", $0) }.joined(separator: ",")
                    print(#"{"file":\#(jsonString(path)),"digit":\#(digit),"confidence":\#(String(format: "%.6f", probabilities[digit])),"probabilities":[\#(list)]}"#)
                } else {
                    print(String(format: "%@: %d (%.1f%%)", path, digit, probabilities[digit] * 100))
                }
            }
        }
    }
}

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
}
