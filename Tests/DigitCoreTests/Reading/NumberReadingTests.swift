// A number's reading: its text with "?" for unsure digits, its status rule, and its JSON.

import Foundation
import XCTest
@testable import DigitCore

final class NumberReadingTests: XCTestCase {
    /// A reading of `digit` with probability `confidence`, the rest shared equally.
    func reading(_ digit: Int, _ confidence: Float) -> DigitReading {
        let rest = (1 - confidence) / Float(MNIST.classes - 1)
        return DigitReading(probabilities: (0..<MNIST.classes).map { $0 == digit ? confidence : rest })
    }

    func number(_ digits: [(Int, Float)]) -> NumberReading {
        NumberReading(digits: digits.enumerated().map { index, digit in
            NumberReading.Digit(reading: reading(digit.0, digit.1),
                                bounds: Rect(x: 30 * index, y: 0, width: 20, height: 28),
                                image: [Float](repeating: 0, count: MNIST.pixels))
        })
    }

    func testStatusRuleAndQuestionMarks() {
        let threshold = ReadingStatus.confidentAbove
        XCTAssertEqual(ReadingStatus(reading: reading(3, threshold)), .digit)
        XCTAssertEqual(ReadingStatus(reading: reading(3, threshold.nextDown)), .unsure)
        let read = number([(2, 0.99), (0, threshold.nextDown), (2, 0.9), (6, 0.97)])
        XCTAssertEqual(read.text, "2?26")
        XCTAssertEqual(read.digits.map(\.status), [ReadingStatus.digit, .unsure, .digit, .digit])
        XCTAssertEqual(number([(7, 0.9)]).text, "7", "one character for a single digit")
        XCTAssertEqual(NumberReading(digits: []).text, "")
    }

    func testJSONCarriesTheNumberItsDigitsAndTheFirstDigitAtTopLevel() throws {
        func parse(_ reading: NumberReading) throws -> [String: Any] {
            let text = "{" + reading.jsonFields() + "}"
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let object = try parse(number([(2, 0.99), (0, 0.3), (2, 0.9), (6, 0.97)]))
        XCTAssertEqual(object["number"] as? String, "2?26")
        let digits = try XCTUnwrap(object["digits"] as? [[String: Any]])
        XCTAssertEqual(digits.compactMap { $0["digit"] as? Int }, [2, 0, 2, 6])
        XCTAssertEqual(digits.compactMap { $0["status"] as? String }, ["digit", "unsure", "digit", "digit"])
        XCTAssertEqual((digits[1]["probabilities"] as? [Double])?.count, MNIST.classes)
        // Readers of single-digit JSON find the first digit where they always did.
        XCTAssertEqual(object["digit"] as? Int, 2)
        XCTAssertEqual(object["confidence"] as? Double ?? 0, 0.99, accuracy: 1e-4)
        XCTAssertEqual((object["probabilities"] as? [Double])?.count, MNIST.classes)

        let blank = try parse(NumberReading(digits: []))
        XCTAssertEqual(blank["number"] as? String, "")
        XCTAssertTrue(blank["digit"] is NSNull)
    }

    /// Reading a lone digit through the number reader gives exactly what one digit's reading always gave.
    func testLoneDigitReadsAsBefore() throws {
        let reader = try ShippedRecognizer.reader()
        let seven = DrawnDigits.strokes(7, x: 80, y: 50, height: 150, radius: 10)
        let canvas = DrawnDigits.coverage(seven, width: 280, height: 280)
        let image = try XCTUnwrap(DigitPreprocessor.mnistImage(from: canvas, width: 280, height: 280))
        let before = DigitReading(probabilities: reader.classifier.probabilities(for: image))
        for read in [reader.read(strokes: seven, width: 280, height: 280),
                     reader.read(coverage: canvas, width: 280, height: 280)] {
            XCTAssertEqual(read.digits.map(\.reading), [before])
            XCTAssertEqual(read.digits.first?.image, image)
        }
        XCTAssertEqual(before.digit, 7)
    }
}

final class RecognizerTests: XCTestCase {
    /// Calibration sharpens or softens the probabilities shown; segmentation weighs cuts by the network's own,
    /// which are `softmax(logits)` whatever the temperature, and name the same digit.
    func testUncalibratedProbabilitiesIgnoreTheTemperature() {
        let network = Network(architecture: .convnet)
        network.initialize(seed: 4)
        var rng = SplitMix64(seed: 5)
        let image = (0..<MNIST.pixels).map { _ in rng.nextUnit() }
        let logits = image.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: 1) }
        network.temperature = 0.4
        let recognizer = Recognizer(network)
        let raw = recognizer.uncalibratedProbabilities(for: image), shown = recognizer.probabilities(for: image)
        let top = logits.max()!, sum = logits.map { exp($0 - top) }.reduce(0, +)
        for (p, z) in zip(raw, logits) { XCTAssertEqual(p, exp(z - top) / sum, accuracy: 1e-6) }
        XCTAssertEqual(argmax(raw), argmax(shown))
        XCTAssertGreaterThan(shown.max()!, raw.max()!, "a temperature below 1 sharpens what is shown")
    }

    /// A batch gives each image the probabilities it gets alone (segmentation reads all the candidate digits of a
    /// group in one batch), also a batch longer than one forward pass takes, which goes through in several.
    func testABatchReadsAsItsImagesOneAtATime() {
        let recognizer = Recognizer(Self.network(seed: 6))
        // Another recognizer of the same network, so each image really goes through a forward pass of its own.
        let single = Recognizer(Self.network(seed: 6))
        var rng = SplitMix64(seed: 7)
        let images = [InkTestImages.sevenDigit(), [Float](repeating: 0, count: MNIST.pixels)]
            + (0..<Recognizer.largestPass + 3).map { _ in (0..<MNIST.pixels).map { _ in rng.nextUnit() } }
        let batch = recognizer.uncalibratedProbabilities(forBatch: images)
        XCTAssertEqual(batch.count, images.count)
        for (image, together) in zip(images, batch) {
            let alone = single.uncalibratedProbabilities(for: image)
            XCTAssertEqual(together.count, alone.count)
            for (a, b) in zip(together, alone) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        XCTAssertTrue(recognizer.uncalibratedProbabilities(forBatch: []).isEmpty)
    }

    /// Images read before (the pad reads the whole canvas after every stroke) give what they gave the first time,
    /// mixed with new ones in any order, calibrated or not, and after the memory of them has filled and emptied.
    func testRememberedImagesReadAsTheyDidTheFirstTime() {
        let reference = Self.network(seed: 8)
        reference.temperature = 0.5
        let shown = Self.network(seed: 8)
        shown.temperature = 0.5
        let recognizer = Recognizer(shown)
        var rng = SplitMix64(seed: 9)
        func image() -> [Float] { (0..<MNIST.pixels).map { _ in rng.nextUnit() } }
        let old = (0..<4).map { _ in image() }, new = (0..<3).map { _ in image() }
        let first = recognizer.uncalibratedProbabilities(forBatch: old)
        let mixed = recognizer.uncalibratedProbabilities(forBatch: [new[0], old[2], new[1], old[0], new[2]])
        XCTAssertEqual(mixed[1], first[2])
        XCTAssertEqual(mixed[3], first[0])
        for (index, image) in (old + new).enumerated() {
            let expected = reference.probabilities(for: image)
            let calibrated = recognizer.probabilities(for: image)
            for (a, b) in zip(calibrated, expected) { XCTAssertEqual(a, b, accuracy: 1e-5, "image \(index)") }
        }
        // More images than it remembers: the old ones are forgotten and read again, to the same result.
        let many = (0..<1100).map { _ in image() }
        _ = recognizer.uncalibratedProbabilities(forBatch: many)
        let again = recognizer.uncalibratedProbabilities(forBatch: old)
        for (a, b) in zip(again.joined(), first.joined()) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    private static func network(seed: UInt64) -> sending Network {
        let network = Network(architecture: .convnet)
        network.initialize(seed: seed)
        return network
    }
}
