// Segmentation of ink into digits: numbers drawn digit by digit, digits in several strokes, touching digits,
// one digit, nothing at all; from strokes and from images alike.

import XCTest
@testable import DigitCore

final class SegmentationTests: XCTestCase {
    let sure = DigitSegmenter(classifier: SureOfEverything())

    func testEmptyCanvasHasNoDigits() throws {
        XCTAssertEqual(sure.regions(strokes: [], width: 200, height: 100), [])
        XCTAssertEqual(sure.regions(coverage: [Float](repeating: 0, count: 200 * 100), width: 200, height: 100), [])
        let reading = try ShippedRecognizer.reader().read(strokes: [], width: 200, height: 100)
        XCTAssertTrue(reading.isEmpty)
        XCTAssertEqual(reading.text, "")
    }

    /// A lone digit is the whole canvas, exactly as it was read before numbers, specks and all.
    func testOneDigitIsTheWholeCanvasUnchanged() {
        let seven = DrawnDigits.strokes(7, x: 60, y: 40, height: 120, radius: 8)
        let speck = Stroke(points: [InkPoint(x: 270, y: 270)], radius: 2)
        let canvas = DrawnDigits.coverage(seven + [speck], width: 280, height: 280)
        let expected = [InkPatch(x0: 0, y0: 0, width: 280, height: 280, pixels: canvas)]
        XCTAssertEqual(sure.regions(strokes: seven + [speck], width: 280, height: 280), expected)
        XCTAssertEqual(sure.regions(coverage: canvas, width: 280, height: 280), expected)
    }

    /// A 5 whose bar is a stroke of its own, and a 4 whose stem is, stay one digit each; so does a 5 whose bar
    /// juts out to the right beyond its body.
    func testDigitsInSeveralStrokesStayWhole() {
        for digit in [4, 5] {
            let strokes = DrawnDigits.strokes(digit, x: 40, y: 30, height: 100, radius: 6)
            XCTAssertEqual(strokes.count, 2)
            XCTAssertEqual(sure.regions(strokes: strokes, width: 180, height: 160).count, 1, "\(digit)")
        }
        let body = DrawnDigits.strokes(5, x: 40, y: 30, height: 100, radius: 6)[1]
        let bar = Stroke(points: [InkPoint(x: 105, y: 28), InkPoint(x: 150, y: 24)], radius: 6)
        XCTAssertEqual(sure.regions(coverage: DrawnDigits.coverage([body, bar], width: 200, height: 160),
                                    width: 200, height: 160).count, 1)
    }

    func testDigitsComeOutLeftToRightWhateverTheDrawingOrder() throws {
        let number = DrawnDigits.number([7, 1, 4])
        let regions = sure.regions(strokes: number.strokes.reversed(), width: number.width, height: number.height)
        XCTAssertEqual(regions.count, 3)
        XCTAssertEqual(regions.map(\.x0), regions.map(\.x0).sorted())
        let reading = try ShippedRecognizer.reader().read(strokes: number.strokes.reversed(), width: number.width,
                                                          height: number.height)
        XCTAssertEqual(reading.text, "714")
    }

    /// Numbers drawn with seeded gaps and wandering baselines read digit for digit, from strokes, from the
    /// rendered canvas, and from an 8-bit image of either polarity.
    func testComposedNumbersRead() throws {
        let reader = try ShippedRecognizer.reader()
        for (seed, digits) in [[2, 0, 2, 6], [5, 1, 7], [4, 0, 6, 2, 1], [7, 5]].enumerated() {
            let number = DrawnDigits.number(digits, seed: UInt64(seed))
            let text = digits.map(String.init).joined()
            let canvas = DrawnDigits.coverage(number.strokes, width: number.width, height: number.height)
            XCTAssertEqual(reader.read(strokes: number.strokes, width: number.width, height: number.height).text, text)
            XCTAssertEqual(reader.read(coverage: canvas, width: number.width, height: number.height).text, text)
            let light = canvas.map { UInt8(255 - ($0 * 200).rounded()) }
            XCTAssertEqual(reader.read(GrayImage(width: number.width, height: number.height, pixels: light)).text, text)
        }
    }

    /// Digits drawn so close that their ink touches form one blob; among other digits, the cut the network
    /// is surest of parts them. (Pairs with a 1 are the hard ones: see the README's figures.) Ink that is a
    /// single blob and nothing else stays one digit, so single-digit images read as before.
    func testTouchingDigitsAreCut() throws {
        let reader = try ShippedRecognizer.reader()
        for (a, b) in [(7, 0), (2, 5), (5, 4), (0, 2), (6, 7)] {
            let pair = DrawnDigits.touchingPair(a, b)
            let four = DrawnDigits.strokes(4, x: Float(pair.width), y: 30, height: 60, radius: 60 / 14)
            let (width, height) = (pair.width + 70, pair.height)
            let canvas = DrawnDigits.coverage(pair.strokes + four, width: width, height: height)
            XCTAssertEqual(reader.read(coverage: canvas, width: width, height: height).text, "\(a)\(b)4")
            XCTAssertEqual(reader.read(strokes: pair.strokes + four, width: width, height: height).text, "\(a)\(b)4")
            let alone = DrawnDigits.coverage(pair.strokes, width: pair.width, height: pair.height)
            guard InkPieces.components(of: alone, width: pair.width, height: pair.height).count == 1 else { continue }
            XCTAssertEqual(reader.read(coverage: alone, width: pair.width, height: pair.height).digits.count,
                           DigitSegmenter.splitsLoneGroup ? 2 : 1, "\(a)\(b) as one blob")
        }
    }

    func testAFarSpeckIsNotADigit() throws {
        var number = DrawnDigits.number([1, 7])
        number.strokes.append(Stroke(points: [InkPoint(x: Float(number.width - 5), y: 5)], radius: 1))
        let canvas = DrawnDigits.coverage(number.strokes, width: number.width, height: number.height)
        XCTAssertEqual(sure.regions(coverage: canvas, width: number.width, height: number.height).count, 2)
    }
}
