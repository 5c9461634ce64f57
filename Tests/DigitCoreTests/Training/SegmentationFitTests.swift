// Fitting the weights that split touching digits: numbers composed with their truth, the best reading of a
// group that reads given digits, and the search that keeps only changes reading more groups right.

import XCTest
@testable import DigitCore

final class SegmentationFitTests: XCTestCase {
    typealias Lattice = TouchingDigits.Lattice
    typealias Feature = TouchingDigits.Feature

    /// Features with the given values set and the rest 0.
    func features(_ values: [Feature: Float]) -> [Float] {
        var features = [Float](repeating: 0, count: Feature.allCases.count)
        for (feature, value) in values { features[feature.rawValue] = value }
        return features
    }

    /// A group with three cuts: read whole (as `whole`), or as two halves reading `left` and `right`. The whole
    /// is surer; the halves are each a full digit tall.
    func twoOrOne(whole: Int, left: Int, right: Int, halvesShort: Float = 0) -> Lattice {
        let half = features([.confidence: -0.2, .digit: 1, .short: halvesShort])
        return Lattice(cutCount: 3, spans: [
            .init(i: 0, j: 2, features: features([.confidence: -0.1, .digit: 1]), label: whole),
            .init(i: 0, j: 1, features: half, label: left),
            .init(i: 1, j: 2, features: half, label: right),
        ], patches: [])
    }

    func testTheBestPathReadingGivenDigitsIsFoundOrNil() {
        let lattice = twoOrOne(whole: 4, left: 1, right: 7)
        let weights = TouchingDigits.Weights.fitted
        // Unconstrained, the whole wins: one digit costs less than two.
        XCTAssertEqual(lattice.bestPath(weights), [0])
        XCTAssertEqual(lattice.bestPath(weights, reading: [4]), [0])
        XCTAssertEqual(lattice.bestPath(weights, reading: [1, 7]), [1, 2])
        XCTAssertNil(lattice.bestPath(weights, reading: [7, 1]))
        XCTAssertNil(lattice.bestPath(weights, reading: [1]))
        XCTAssertNil(lattice.bestPath(weights, reading: [1, 7, 7]))
    }

    /// Groups that hold two digits but read whole under the weights in use: the search lowers what a digit
    /// costs until they split, and stops there, since the single digits must stay whole.
    func testTheSearchKeepsOnlyChangesThatReadMoreGroupsRight() throws {
        var examples = (0..<6).map { _ in
            SegmentationFit.Example(lattice: twoOrOne(whole: 4, left: 1, right: 7), labels: [1, 7])
        }
        // Single digits whose halves are short: a lower digit cost must not split these.
        examples += (0..<4).map { _ in
            SegmentationFit.Example(lattice: twoOrOne(whole: 8, left: 3, right: 3, halvesShort: 0.4), labels: [8])
        }
        let start = TouchingDigits.Weights.fitted
        XCTAssertEqual(SegmentationFit.rightCount(examples, start), 4)
        let (weights, right) = SegmentationFit.search(examples, from: start, rounds: 5)
        XCTAssertEqual(right, 10)
        XCTAssertEqual(SegmentationFit.rightCount(examples, weights), 10)
        XCTAssertEqual(weights[.confidence], 1)
        XCTAssertEqual(weights[.alone], start[.alone], "the lone-group cost is not searched")
        XCTAssertEqual(weights[.nonDigit], start[.nonDigit], "without marks, the cost of a mark is not searched")

        // Already the best: nothing changes.
        let again = SegmentationFit.search(examples, from: weights, rounds: 5)
        XCTAssertEqual(again.weights, weights)
    }

    func testComposedNumbersAreSeededAndKnowWhereTheirDigitsAre() throws {
        let images = barImages(count: 40, seed: 3)
        let indices = Array(0..<40)
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
        for length in 1...6 {
            let number = ComposedNumber.make(from: images, indices: indices, length: length, using: &a)
            let same = ComposedNumber.make(from: images, indices: indices, length: length, using: &b)
            XCTAssertEqual(number.image, same.image)
            XCTAssertEqual(number.text, same.text)
            XCTAssertEqual(number.digits.count, length)
            XCTAssertTrue(number.digits.allSatisfy { (0..<MNIST.classes).contains($0.label) })
            // Left to right, inside the image, each about as tall as the image allows.
            for (left, right) in zip(number.digits, number.digits.dropFirst()) {
                XCTAssertLessThan(left.columns.lowerBound, right.columns.lowerBound)
            }
            XCTAssertGreaterThan(number.digits[0].columns.lowerBound, 0)
            XCTAssertLessThanOrEqual(number.digits[length - 1].columns.upperBound, Float(number.image.width))
            let factor = Float(number.image.height) / Float(MNIST.side + 2 * ComposedNumber.jitter
                                                            + 2 * ComposedNumber.margin)
            XCTAssertTrue(ComposedNumber.scales.contains(factor) || abs(factor - 3) < 0.1 || abs(factor - 5) < 0.1)

            // Every inked column lies within a digit's columns (a pixel of blur aside).
            let background = number.image.pixels[0]
            for x in 0..<number.image.width {
                let inked = (0..<number.image.height).contains { y in
                    abs(Int(number.image.pixels[y * number.image.width + x]) - Int(background)) > 128
                }
                guard inked else { continue }
                let column = Float(x) + 0.5
                XCTAssertTrue(number.digits.contains { $0.columns.lowerBound - 1 <= column
                                  && column <= $0.columns.upperBound + 1 }, "column \(x) of \(number.text)")
            }
        }
    }

    /// The digits `DrawnDigits` draws, as 28x28 MNIST-style images.
    func drawnDigitImages() -> LabeledImages {
        let digits = DrawnDigits.shapes.keys.sorted()
        var pixels: [UInt8] = []
        for digit in digits {
            let strokes = DrawnDigits.strokes(digit, x: 20, y: 10, height: 100, radius: 7)
            let coverage = DrawnDigits.coverage(strokes, width: 120, height: 120)
            pixels += DigitPreprocessor.mnistImage(from: coverage, width: 120, height: 120)!.map(MNIST.gray)
        }
        return LabeledImages(count: digits.count, rows: MNIST.side, cols: MNIST.side, pixels: pixels,
                             labels: digits.map(UInt8.init))
    }

    /// Numbers written as traced strokes are seeded, fit their canvas, and read as the pad reads them.
    func testStrokeNumbersAreSeededFitTheirCanvasAndRead() throws {
        let images = drawnDigitImages(), indices = Array(0..<images.count)
        let reader = try ShippedRecognizer.reader()
        var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
        var exact = 0
        for n in 0..<20 {
            let number = ComposedStrokeNumber.make(from: images, indices: indices, length: 2 + n % 3, using: &a)
            let same = ComposedStrokeNumber.make(from: images, indices: indices, length: 2 + n % 3, using: &b)
            XCTAssertEqual(number.strokes, same.strokes)
            XCTAssertEqual(number.labels, same.labels)
            XCTAssertEqual(number.labels.count, 2 + n % 3)
            let points = number.strokes.flatMap(\.points)
            XCTAssertTrue(points.allSatisfy { $0.x > 0 && $0.y > 0 && $0.x < Float(number.width)
                                                && $0.y < Float(number.height) }, "\(number.text)")
            let radius = try XCTUnwrap(number.strokes.first?.radius)
            XCTAssertTrue(number.strokes.allSatisfy { $0.radius == radius }, "one pen per number")
            let text = reader.read(strokes: number.strokes, width: number.width, height: number.height).text
            if text == number.text { exact += 1 }
        }
        // Clean digits, a few pairs written into each other: nearly all read exactly.
        XCTAssertGreaterThanOrEqual(exact, 17)
    }

    /// With marks, one place of each number holds a mark instead of a digit, shown as "?" in the right reading.
    func testComposedNumbersCanCarryAMarkThatIsNotADigit() {
        let digits = barImages(count: 20, seed: 4)
        let marks = LabeledImages(count: 1, rows: MNIST.side, cols: MNIST.side,
                                  pixels: (0..<MNIST.pixels).map { $0 % MNIST.side == $0 / MNIST.side ? 255 : 0 },
                                  labels: [UInt8(MNIST.classes)])
        var rng = SplitMix64(seed: 8)
        for length in 1...6 {
            let number = ComposedNumber.make(from: digits, indices: Array(0..<20), length: length, marks: marks,
                                             using: &rng)
            XCTAssertEqual(number.digits.filter { $0.label == MNIST.classes }.count, 1)
            XCTAssertEqual(number.text.filter { $0 == "?" }.count, 1)
            XCTAssertEqual(number.text.count, length)
        }
    }

    /// Drawn digits as a composed number: the coverage as a gray image, and each digit's columns from its strokes.
    func composed(_ digits: [Int], _ drawn: (strokes: [Stroke], width: Int, height: Int)) -> ComposedNumber {
        let canvas = DrawnDigits.coverage(drawn.strokes, width: drawn.width, height: drawn.height)
        var strokes = drawn.strokes[...]
        let truth = digits.map { digit in
            let own = strokes.prefix(DrawnDigits.shapes[digit]!.count)
            strokes = strokes.dropFirst(own.count)
            let xs = own.flatMap { stroke in stroke.points.map(\.x) }, radius = own.first!.radius
            return ComposedNumber.Digit(label: digit, columns: (xs.min()! - radius)...(xs.max()! + radius))
        }
        return ComposedNumber(image: GrayImage(width: drawn.width, height: drawn.height,
                                               pixels: canvas.map { MNIST.gray($0) }), digits: truth)
    }

    /// Digits apart give one example each, with its digit; a touching pair gives one example holding both, in
    /// order. The shipped weights read them all right.
    func testExamplesOfNumbersCarryTheirGroupsDigits() throws {
        let recognizer = try XCTUnwrap(ShippedRecognizer.recognizer)
        let apart = composed([7, 0, 4], DrawnDigits.number([7, 0, 4], gaps: 0.4...0.4))
        let (separate, unreachable, untried) = SegmentationFit.examples(apart, classifier: recognizer)
        XCTAssertTrue(separate.allSatisfy { $0.labels.count == 1 })
        XCTAssertEqual(separate.map { $0.labels[0] }.sorted(), [0, 4, 7])
        XCTAssertEqual([unreachable, untried], [0, 0])

        // Slid together until the image's ink, as a photo's is found, is one blob.
        var gap: Float = 0.3, pair = composed([2, 5], DrawnDigits.number([2, 5], gaps: gap...gap))
        while InkPieces.components(of: PhotoInk.coverage(of: pair.image), width: pair.image.width,
                                   height: pair.image.height).count > 1 {
            gap -= 0.01
            pair = composed([2, 5], DrawnDigits.number([2, 5], gaps: gap...gap))
        }
        let (touching, survey) = SegmentationFit.examples([pair], classifier: recognizer)
        XCTAssertEqual(touching.map(\.labels), [[2, 5]])
        XCTAssertEqual(survey.examples, 1)
        XCTAssertEqual(survey.chosen, 1)
        XCTAssertEqual(SegmentationFit.exactReads([pair, apart], classifier: recognizer, weights: .fitted), 1)
    }
}
