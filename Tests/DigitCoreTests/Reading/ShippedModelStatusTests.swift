// A model that learned "not a digit" answers with the right status: generated non-digits (held-out generators)
// are turned away, and MNIST test digits (when DIGITS_MNIST_DIR names them) are read as digits, and rightly. The
// model is the shipped one, or DIGITS_STATUS_MODEL; a model without the not-a-digit class is skipped.

import Foundation
import XCTest
@testable import DigitCore

final class ShippedModelStatusTests: XCTestCase {
    /// DIGITS_STATUS_MODEL, or the model in Resources/ (found from this file's place in the repository); skips
    /// when it has no not-a-digit class.
    func shippedModel() throws -> Network {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let url = ProcessInfo.processInfo.environment["DIGITS_STATUS_MODEL"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent("Resources/digits.safetensors")
        let network = try ModelFile.load(from: url).network
        guard network.architecture.classes > MNIST.classes else {
            throw XCTSkip("\(url.lastPathComponent) has no 'not a digit' class; set DIGITS_STATUS_MODEL to one that has")
        }
        return network
    }

    func testHeldOutNonDigitsAreTurnedAway() throws {
        let network = try shippedModel()
        let source = NonDigits(kinds: NonDigitKind.heldOut)
        let drawn = source.images(count: 100, seed: 2, stream: SeedStream.heldOutNonDigits)
        let readings = Evaluation.readings(network, count: 100) { i in
            Array(drawn.pixels[(i * MNIST.pixels)..<((i + 1) * MNIST.pixels)])
        }
        let turnedAway = readings.filter { $0.status != .digit }.count
        XCTAssertGreaterThanOrEqual(turnedAway, 90, "\(turnedAway) of 100 non-digits turned away")
        XCTAssertGreaterThan(readings.filter { $0.status == .notADigit }.count, 80, "most are named as such")
    }

    func testMNISTTestDigitsAreDigitsAndRight() throws {
        guard let directory = ProcessInfo.processInfo.environment["DIGITS_MNIST_DIR"] else {
            throw XCTSkip("set DIGITS_MNIST_DIR to check the shipped model on MNIST's test digits")
        }
        let test = try LabeledImages.load(.test, from: URL(fileURLWithPath: directory))
        let evaluation = Evaluation.run(try shippedModel(), on: test, indices: Array(0..<1000))
        let answered = evaluation.statusCounts[.digit, default: 0]
        // A sanity check on the first 1,000 (the harder part of the set); scripts/check-confidence.sh holds the whole
        // test set to the targets.
        XCTAssertGreaterThanOrEqual(answered, 980, "\(answered) of 1,000 test digits answered as digits")
        XCTAssertGreaterThanOrEqual(evaluation.accuracyOfDigitAnswers, 0.99)
        XCTAssertLessThanOrEqual(evaluation.statusCounts[.notADigit, default: 0], 5)
    }
}
