// The status rule and the reading's JSON: digit, unsure and not a digit, and the fields older readers rely on.

import XCTest
@testable import DigitCore

final class ReadingStatusTests: XCTestCase {
    /// Ten digit probabilities with `top` on digit 3 and `second` on digit 5, then `notADigit`; the rest shared.
    func reading(top: Float, second: Float = 0, notADigit: Float) -> DigitReading {
        let rest = (1 - top - second - notADigit) / 8
        var p = [Float](repeating: rest, count: MNIST.classes)
        p[3] = top
        p[5] = second
        return DigitReading(probabilities: p + [notADigit])
    }

    func testConfidentDigitIsADigit() {
        XCTAssertEqual(reading(top: ReadingStatus.confidentAbove, notADigit: 0.01).status, .digit)
        XCTAssertEqual(reading(top: 0.99, notADigit: 0.001).status, .digit)
    }

    func testHesitationBetweenDigitsIsUnsure() {
        XCTAssertEqual(reading(top: 0.5, second: 0.45, notADigit: 0.01).status, .unsure)
        XCTAssertEqual(reading(top: ReadingStatus.confidentAbove - 0.01, second: 0.1, notADigit: 0.05).status, .unsure)
    }

    func testNotADigitWhenThatAnswerOutweighsTheDigitsOrIsLikely() {
        XCTAssertEqual(reading(top: 0.05, notADigit: 0.9).status, .notADigit)
        XCTAssertEqual(reading(top: 0.3, second: 0.2, notADigit: 0.31).status, .notADigit)
        XCTAssertEqual(reading(top: 0.45, second: 0.0, notADigit: ReadingStatus.notADigitAbove).status, .notADigit)
    }

    func testATenClassModelIsNeverNotADigit() {
        var p = [Float](repeating: 0.1, count: MNIST.classes)
        XCTAssertEqual(DigitReading(probabilities: p).status, .unsure)
        XCTAssertEqual(DigitReading(probabilities: p).notADigit, 0)
        p = [Float](repeating: 0.01, count: MNIST.classes)
        p[7] = 0.91
        XCTAssertEqual(DigitReading(probabilities: p).status, .digit)
    }

    func testElevenProbabilitiesSplitIntoDigitsAndNotADigit() {
        let reading = reading(top: 0.1, notADigit: 0.8)
        XCTAssertEqual(reading.probabilities.count, MNIST.classes)
        XCTAssertEqual(reading.notADigit, 0.8)
        XCTAssertEqual(reading.digit, 3)
    }

    func testJSONKeepsTheOldFieldsAndAddsStatus() throws {
        let json = "{" + reading(top: 0.05, notADigit: 0.9).jsonFields() + "}"
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["digit"] as? Int, 3)
        XCTAssertEqual((object["confidence"] as? Double) ?? 0, 0.05, accuracy: 1e-4)
        XCTAssertEqual((object["probabilities"] as? [Double])?.count, MNIST.classes)
        XCTAssertEqual(object["status"] as? String, "not_a_digit")
        XCTAssertEqual((object["not_a_digit"] as? Double) ?? 0, 0.9, accuracy: 1e-4)
    }

    func testStatusWords() {
        XCTAssertEqual(ReadingStatus.notADigit.rawValue, "not_a_digit")
        XCTAssertEqual(ReadingStatus.notADigit.words, "not a digit")
        XCTAssertEqual(ReadingStatus.unsure.words, "not sure")
    }
}
