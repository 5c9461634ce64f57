// The synthetic writer: a fixed, seeded split of its digits, and one style applied to all of them.

import XCTest
@testable import DigitCore

final class SyntheticWriterTests: XCTestCase {
    /// 300 images, each a 12x12 square of ink whose position depends on its index, labelled index % 10.
    func squares() -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: 300 * MNIST.pixels)
        for i in 0..<300 {
            let corner = 6 + i % 5
            for y in corner..<corner + 12 { for x in 8..<20 { pixels[i * MNIST.pixels + y * MNIST.side + x] = 255 } }
        }
        return LabeledImages(count: 300, rows: MNIST.side, cols: MNIST.side, pixels: pixels,
                             labels: (0..<300).map { UInt8($0 % MNIST.classes) })
    }

    func testSplitsItsDigitsIntoPerClassToLearnAndTheRestToMeasure() {
        var writer = SyntheticWriter()
        writer.digitCount = 200
        let (learn, others) = writer.digits(from: squares(), perClass: 3)
        XCTAssertEqual(learn.count, 30)
        XCTAssertEqual(others.count, 170)
        let perDigit = (0..<MNIST.classes).map { d in learn.labels.filter { $0 == d }.count }
        XCTAssertEqual(perDigit, [Int](repeating: 3, count: MNIST.classes))
        let again = writer.digits(from: squares(), perClass: 3)
        XCTAssertEqual(again.learn.pixels, learn.pixels, "the same seed picks and styles the same digits")
        writer.seed += 1
        XCTAssertNotEqual(writer.digits(from: squares(), perClass: 3).learn.pixels, learn.pixels,
                          "another seed picks other digits")
    }

    func testTheStyleSlantsAndThickens() {
        let square = squares().pixels.prefix(MNIST.pixels)
        let styled = SyntheticWriter().style(square)
        let ink = { (image: [UInt8]) in image.reduce(0) { $0 + Int($1) } }
        XCTAssertNotEqual(styled, Array(square))
        // Shrunk to 0.7 (about half the area) but a step bolder: the ink stays within reach of the original's.
        XCTAssertGreaterThan(ink(styled), ink(Array(square)) / 3)
        // The slant moves the top row's ink right of the bottom row's.
        func centre(_ row: Int) -> Double {
            let values = (0..<MNIST.side).map { Double(styled[row * MNIST.side + $0]) }
            return zip(values, 0...).reduce(0) { $0 + $1.0 * Double($1.1) } / max(values.reduce(0, +), 1)
        }
        let rows = (0..<MNIST.side).filter { row in (0..<MNIST.side).contains { styled[row * MNIST.side + $0] > 128 } }
        XCTAssertGreaterThan(centre(rows.first!), centre(rows.last!) + 2)
    }

    func testPreprocessingCentresEveryImageAndKeepsLabels() {
        let set = squares()
        let ready = set.preprocessed()
        XCTAssertEqual(ready.labels, set.labels)
        XCTAssertEqual(ready.pixels.prefix(MNIST.pixels), ready.pixels[MNIST.pixels..<2 * MNIST.pixels],
                       "squares at different places come out the same once centred")
    }
}
