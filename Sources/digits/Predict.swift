// `digits predict`: read the number (one digit or several) in PNG, PGM or JPEG files of any size, light-on-dark
// or dark-on-light, scans and photos alike.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the number (one digit or several) in each image file (PNG, PGM or JPEG).",
            discussion: """
            The ink is split into digits (pieces that overlap horizontally form one digit; touching digits \
            are cut where the network is surest), and each digit is cropped to its ink, scaled to 20x20 and \
            centred by mass in 28x28, as MNIST's digits were. Photos with uneven light are evened out first. \
            A digit the network is unsure of shows as "?".

            Examples:
              digits predict seven.png
              digits predict --json scans/*.pgm photo.jpg
            """)

        @OptionGroup var model: ModelOptions

        @Flag(help: """
            Print one JSON object per file: number, digits (each with its status and ten probabilities), and the \
            first digit's digit, confidence and probabilities.
            """)
        var json = false

        @Argument(help: "PNG, PGM or JPEG files.")
        var images: [String]

        func validate() throws {
            guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        }

        func run() throws {
            Parallel.configure(workers: 1)
            let reader = NumberReader(classifier: Recognizer(try model.load().network))
            for path in images {
                let reading = reader.read(try GrayImage.load(contentsOf: URL(fileURLWithPath: path)))
                print(json ? Self.json(reading, file: path) : Self.line(reading, file: path))
            }
        }

        /// `file.png: 2026 (2 99.1%, 0 98.0%, 2 97.5%, 6 99.9%)`; one digit as `file.png: 7 (98.3%)`.
        static func line(_ reading: NumberReading, file: String) -> String {
            guard !reading.isEmpty else { return "\(file): no digit found (the image is blank)" }
            let confidences = reading.digits.map { digit in
                let percent = String(format: "%.1f%%", digit.reading.confidence * 100)
                if reading.digits.count == 1 && digit.status == .digit { return percent }
                return digit.status == .digit ? "\(digit.reading.digit) \(percent)"
                    : "? perhaps \(digit.reading.digit) \(percent)"
            }
            return "\(file): \(reading.text) (\(confidences.joined(separator: ", ")))"
        }

        /// One JSON object: `file`, `number`, `digits`, and the first digit's `digit`, `confidence` and
        /// `probabilities` (`"digit":null` and `error` for a blank image).
        static func json(_ reading: NumberReading, file: String) -> String {
            let blank = reading.isEmpty ? #","error":"no ink found""# : ""
            return #"{"file":\#(JSONText.string(file)),\#(reading.jsonFields(decimals: 6))\#(blank)}"#
        }
    }
}
