// Splitting groups of touching digits by dynamic programming over seams: the cuts it tries, the readings it
// chooses with the shipped model, the digits it must leave whole, and how many images it asks the classifier for.

import Foundation
import Synchronization
import XCTest
@testable import DigitCore

final class TouchingDigitsTests: XCTestCase {
    /// The strokes' ink as one patch covering the canvas.
    func patch(_ strokes: [Stroke], width: Int, height: Int) -> InkPatch {
        InkPatch(x0: 0, y0: 0, width: width, height: height,
                 pixels: DrawnDigits.coverage(strokes, width: width, height: height))
    }

    /// Cuts start at the group's left edge and end at its right edge, in the order of their mean columns; the
    /// seams among them lie each right of the one before in every row, so that each encloses the one before and
    /// any two bound a slice of ink.
    func testCutsRunLeftToRight() throws {
        let pair = DrawnDigits.touchingPair(2, 5)
        let whole = try XCTUnwrap(patch(pair.strokes, width: pair.width, height: pair.height)
            .cut(left: false) { _ in 0 })
        let cuts = TouchingDigits(classifier: SureOfEverything(), isAlone: false).cuts(whole)
        XCTAssertGreaterThan(cuts.count, 2)
        let (first, last) = (try XCTUnwrap(cuts.first), try XCTUnwrap(cuts.last))
        XCTAssertEqual(first.columns, [Int](repeating: whole.x0, count: whole.height))
        XCTAssertEqual(last.columns, [Int](repeating: whole.x1, count: whole.height))
        let pixels = whole.pixels.indices
        XCTAssertFalse(pixels.contains(where: first.isLeft))
        XCTAssertTrue(pixels.allSatisfy(last.isLeft))
        let seams = cuts.filter(\.isSeam)
        XCTAssertGreaterThan(seams.count, 2)
        for (before, after) in zip(seams, seams.dropFirst()) {
            XCTAssertTrue(zip(before.columns, after.columns).allSatisfy { $0 <= $1 })
            XCTAssertEqual(pixels.map(after.isLeft), pixels.map {
                whole.x0 + $0 % whole.width < after.columns[$0 / whole.width]
            })
            XCTAssertFalse(pixels.contains { before.isLeft($0) && !after.isLeft($0) })
        }
        XCTAssertTrue(zip(cuts, cuts.dropFirst()).allSatisfy { $0.meanColumn <= $1.meanColumn })
    }

    /// Two digits apart, given as one group, get a cut through the gap between them that crosses no ink.
    func testTheGapBetweenTwoDigitsIsACutCrossingNoInk() throws {
        let number = DrawnDigits.number([7, 0], gaps: 0.3...0.3)
        let whole = try XCTUnwrap(patch(number.strokes, width: number.width, height: number.height)
            .cut(left: false) { _ in 0 })
        let cuts = TouchingDigits(classifier: SureOfEverything(), isAlone: false).cuts(whole)
        let gap = Float(number.width) / 2
        XCTAssertTrue(cuts.dropFirst().dropLast().contains { $0.crossed == 0 && abs($0.meanColumn - gap) < 10 })
    }

    /// Three digits slid together until their ink is one blob, among other digits and alone, read digit for
    /// digit: the best sequence of cuts is found, not only the best single cut.
    func testThreeTouchingDigitsRead() throws {
        let reader = try ShippedRecognizer.reader()
        for digits in [[7, 0, 4], [2, 5, 6], [5, 4, 0]] {
            let chain = DrawnDigits.touching(digits)
            let canvas = DrawnDigits.coverage(chain.strokes, width: chain.width, height: chain.height)
            XCTAssertEqual(InkPieces.components(of: canvas, width: chain.width, height: chain.height).count, 1,
                           "\(digits) touch")
            let text = digits.map(String.init).joined()
            XCTAssertEqual(reader.read(coverage: canvas, width: chain.width, height: chain.height).text, text)
            XCTAssertEqual(reader.read(strokes: chain.strokes, width: chain.width, height: chain.height).text, text)
        }
    }

    /// Digits whose strokes cross, drawn in the pad, read digit for digit: the boundary between their strokes
    /// parts them where no seam and no wearing down of the ink could, and it severs no stroke.
    func testDigitsWhoseStrokesCrossReadDigitForDigit() throws {
        let reader = try ShippedRecognizer.reader()
        for digits in [[0, 2], [2, 4], [2, 7], [4, 2], [7, 4], [4, 0]] {
            let pair = DrawnDigits.number(digits, gaps: -0.2...(-0.2))
            let canvas = DrawnDigits.coverage(pair.strokes, width: pair.width, height: pair.height)
            XCTAssertEqual(InkPieces.components(of: canvas, width: pair.width, height: pair.height).count, 1,
                           "\(digits) cross")
            XCTAssertEqual(reader.read(strokes: pair.strokes, width: pair.width, height: pair.height).text,
                           digits.map(String.init).joined())
        }
    }

    /// Digits of several strokes (a 1 with a flag and a base, a 7 with a crossbar, an open 4) stay one digit,
    /// though the boundaries between their strokes sever nothing.
    func testDigitsOfSeveralStrokesStayWhole() throws {
        let reader = try ShippedRecognizer.reader()
        var rng = SplitMix64(seed: 5), tried = 0
        for style in [DigitStyle.flaggedOne, .crossedSeven, .openFour] {
            for _ in 0..<12 {
                let height = rng.uniform(60, 160), radius = rng.uniform(2, 9)
                let strokes = style.strokes(&rng).map { line in
                    Stroke(points: line.map { InkPoint(x: 40 + $0.x * height, y: 30 + $0.y * height) }, radius: radius)
                }
                guard strokes.count > 1 else { continue }  // a 1 with a flag and no base
                tried += 1
                let reading = reader.read(strokes: strokes, width: Int(height) + 100, height: Int(height) + 60)
                XCTAssertEqual(reading.digits.count, 1, "\(style) \(height) \(radius): \(reading.text)")
            }
        }
        XCTAssertGreaterThan(tried, 30)
    }

    /// A single digit, whatever its size and pen, is one digit read from the whole canvas, exactly as before
    /// lone groups could split; so are a 4 and a 5 drawn in two strokes.
    func testALoneDigitStaysWhole() throws {
        let reader = try ShippedRecognizer.reader()
        let segmenter = DigitSegmenter(classifier: try XCTUnwrap(ShippedRecognizer.recognizer))
        for digit in DrawnDigits.shapes.keys.sorted() {
            for (height, radius) in [(Float(60), Float(4)), (120, 8), (200, 18)] {
                let strokes = DrawnDigits.strokes(digit, x: 40, y: 30, height: height, radius: radius)
                let (width, canvasHeight) = (Int(0.6 * height) + 80, Int(height) + 60)
                let whole = patch(strokes, width: width, height: canvasHeight)
                XCTAssertEqual(segmenter.regions(strokes: strokes, width: width, height: canvasHeight), [whole],
                               "\(digit) at \(height)")
                XCTAssertEqual(segmenter.regions(coverage: whole.pixels, width: width, height: canvasHeight),
                               [whole], "\(digit) at \(height)")
                XCTAssertEqual(reader.read(strokes: strokes, width: width, height: canvasHeight).text, "\(digit)")
            }
        }
    }

    /// Reading a six-digit number with touching pairs asks the classifier for a bounded number of images, one
    /// batch per group that may hold several digits plus one image per digit read.
    func testClassifierCallsAreBatchedAndBounded() throws {
        let counter = CountingClassifier(try XCTUnwrap(ShippedRecognizer.recognizer))
        let reader = NumberReader(classifier: counter)
        let left = DrawnDigits.touching([2, 5]), right = DrawnDigits.touching([7, 0])
        let middle = DrawnDigits.number([4, 6], gaps: 0.4...0.4)
        var strokes = left.strokes, x = Float(left.width) - 20
        for part in [middle, right] {
            strokes += part.strokes.map { stroke in
                Stroke(points: stroke.points.map { InkPoint(x: $0.x + x, y: $0.y) }, radius: stroke.radius)
            }
            x += Float(part.width) - 20
        }
        let (width, height) = (Int(x) + 20, left.height)
        XCTAssertEqual(reader.read(strokes: strokes, width: width, height: height).text, "254670")
        let (images, batches) = counter.counts
        XCTAssertLessThanOrEqual(batches, 6 + 6, "a batch per group at most, then the six digits")
        XCTAssertLessThanOrEqual(images, 120)
    }

    /// A cross written after a number stays one mark and reads as not a digit, instead of being cut at its
    /// crossing into two halves that each look like a digit.
    func testACrossBesideDigitsStaysWholeAndIsNotADigit() throws {
        let number = DrawnDigits.number([4, 2], gaps: 0.4...0.4)
        let (x, y, side, radius): (Float, Float, Float, Float) = (Float(number.width), 30, 60, 60 / 14)
        let cross = [Stroke(points: [InkPoint(x: x, y: y), InkPoint(x: x + side, y: y + side)], radius: radius),
                     Stroke(points: [InkPoint(x: x + side, y: y), InkPoint(x: x, y: y + side)], radius: radius)]
        let reading = try ShippedRecognizer.reader().read(strokes: number.strokes + cross,
                                                          width: number.width + Int(side) + 30, height: number.height)
        XCTAssertEqual(reading.digits.count, 3, reading.text)
        XCTAssertEqual(reading.digits.prefix(2).map(\.status), [.digit, .digit], reading.text)
        XCTAssertEqual(reading.digits.last?.status, .notADigit, reading.text)
    }

    /// The pad reads the canvas again after every stroke: the groups the pen did not touch split as they did the
    /// last time without being weighed again, and only the new ink goes through the classifier.
    func testReadingAgainWeighsOnlyTheInkThatChanged() throws {
        let counter = CountingClassifier(try XCTUnwrap(ShippedRecognizer.recognizer))
        let reader = NumberReader(classifier: counter)
        let three = DrawnDigits.number([4, 6, 7]), four = DrawnDigits.number([4, 6, 7, 0])
        XCTAssertEqual(Array(four.strokes.prefix(three.strokes.count)), three.strokes, "the same first three digits")
        let (width, height) = (four.width, four.height)

        let first = reader.read(strokes: three.strokes, width: width, height: height)
        XCTAssertEqual(first.text, "467")
        let weighed = counter.counts
        XCTAssertGreaterThan(weighed.images, 3, "the groups were weighed for touching digits")

        let again = reader.read(strokes: three.strokes, width: width, height: height)
        XCTAssertEqual(again.text, first.text)
        let reread = counter.counts
        XCTAssertEqual(reread.images - weighed.images, 3, "only each digit's own reading")
        XCTAssertEqual(reread.batches - weighed.batches, 3)

        let more = reader.read(strokes: four.strokes, width: width, height: height)
        XCTAssertEqual(more.text, "4670")
        let grown = counter.counts
        XCTAssertLessThanOrEqual(grown.batches - reread.batches, 1 + 4, "the new digit's group, then four readings")

        // Another model (the pad's M key): the same ink is weighed again, by it.
        counter.switchTo(Recognizer(try ModelFile.load(from: ShippedRecognizer.url).network))
        let switched = reader.read(strokes: four.strokes, width: width, height: height)
        XCTAssertEqual(switched.text, "4670")
        XCTAssertGreaterThan(counter.counts.images - grown.images, 4, "every group weighed again, not only read")
    }
}

extension DrawnDigits {
    /// Digits side by side, each slid toward the one before (from a gap of a third of the height) until
    /// their inks join, so that the whole number is one blob.
    static func touching(_ digits: [Int]) -> (strokes: [Stroke], width: Int, height: Int) {
        var strokes = strokes(digits[0], x: 30, y: 30, height: 60, radius: 60 / 14), x: Float = 30 + 36
        for digit in digits.dropFirst() {
            var gap: Float = 20
            while true {
                let next = self.strokes(digit, x: x + gap, y: 30, height: 60, radius: 60 / 14)
                let width = Int(x + gap + 36 + 30)
                let canvas = coverage(strokes + next, width: width, height: 120)
                if InkPieces.components(of: canvas, width: width, height: 120).count == 1 || gap < -30 {
                    strokes += next
                    x += gap + 36
                    break
                }
                gap -= 1
            }
        }
        return (strokes, Int(x + 30), 120)
    }
}

/// A classifier that counts the images and the calls it is asked, passing them to another, which a test may swap
/// for a third as the pad swaps the shipped and the personal model.
final class CountingClassifier: DigitClassifying {
    private let inner: Mutex<any DigitClassifying>
    private let tally = Mutex((images: 0, batches: 0))

    init(_ inner: any DigitClassifying) { self.inner = Mutex(inner) }

    var counts: (images: Int, batches: Int) { tally.withLock { $0 } }

    func switchTo(_ classifier: any DigitClassifying) { inner.withLock { $0 = classifier } }

    var answeringModel: ObjectIdentifier? { inner.withLock { $0.answeringModel } }

    func probabilities(for image: [Float]) -> [Float] {
        tally.withLock { $0.images += 1; $0.batches += 1 }
        return inner.withLock { $0 }.probabilities(for: image)
    }

    func uncalibratedProbabilities(for image: [Float]) -> [Float] {
        tally.withLock { $0.images += 1; $0.batches += 1 }
        return inner.withLock { $0 }.uncalibratedProbabilities(for: image)
    }

    func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]] {
        tally.withLock { $0.images += images.count; $0.batches += 1 }
        return inner.withLock { $0 }.uncalibratedProbabilities(forBatch: images)
    }
}
