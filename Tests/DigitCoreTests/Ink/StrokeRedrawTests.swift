// Redrawing as pen strokes: thinning leaves one-pixel lines, the pen width after preprocessing is the one asked
// for, and non-digits and styled digits are drawn reproducibly.

import XCTest
@testable import DigitCore

final class StrokeRedrawTests: XCTestCase {
    /// A `side` x `side` image with a bar of `thickness` rows across the middle.
    func bar(side: Int, thickness: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: side * side)
        let top = (side - thickness) / 2
        for y in top..<(top + thickness) { for x in 4..<(side - 4) { pixels[y * side + x] = 1 } }
        return pixels
    }

    func testThinningABarLeavesALineOnePixelThick() {
        let side = 28
        let skeleton = StrokeRedraw.skeleton(bar(side: side, thickness: 5), width: side, height: side)
        XCTAssertFalse(skeleton.isEmpty)
        // Every column of the skeleton has exactly one pixel, in the bar's middle row.
        let columns = Dictionary(grouping: skeleton, by: { Int($0.x) })
        XCTAssertTrue(columns.values.allSatisfy { $0.count == 1 }, "one pixel per column")
        let middleRow = (side - 5) / 2 + 2
        XCTAssertTrue(skeleton.allSatisfy { Int($0.y) == middleRow }, "\(skeleton.map(\.y))")
        XCTAssertGreaterThan(columns.count, 12, "the line keeps most of the bar's length")
        XCTAssertTrue(StrokeRedraw.skeleton([Float](repeating: 0, count: 16), width: 4, height: 4).isEmpty)
    }

    func testSkeletonStrokesLinkNeighboursOnceAndKeepDots() {
        let points = [InkPoint(x: 1.5, y: 1.5), InkPoint(x: 2.5, y: 1.5), InkPoint(x: 3.5, y: 2.5),
                      InkPoint(x: 9.5, y: 9.5)]
        let strokes = StrokeRedraw.strokes(of: points)
        XCTAssertEqual(strokes.filter { $0.count == 2 }.count, 2, "two links")
        XCTAssertEqual(strokes.filter { $0.count == 1 }, [[points[3]]], "the lone pixel is a dot")
    }

    func testPenWidthAfterPreprocessingIsTheOneAskedFor() throws {
        // A straight horizontal line: after preprocessing its ink spans about penWidth rows at full height.
        let line = [[InkPoint(x: 0, y: 0), InkPoint(x: 10, y: 0)]]
        for width: Float in [1, 2, 4] {
            let image = try XCTUnwrap(StrokeRedraw.draw(line, penWidth: width))
            // Ink per column in the middle of the line, in pixels.
            let column = MNIST.side / 2
            let ink = (0..<MNIST.side).reduce(Float(0)) { $0 + image[$1 * MNIST.side + column] }
            XCTAssertEqual(ink, width, accuracy: 0.35, "pen width \(width)")
        }
    }

    func testRedrawKeepsADigitReadableShape() throws {
        let side = 28
        let redrawn = try XCTUnwrap(StrokeRedraw.redraw(bar(side: side, thickness: 4), width: side, height: side,
                                                        penWidth: 2))
        XCTAssertEqual(redrawn.count, MNIST.pixels)
        // Still a horizontal bar: the middle row has ink, the top rows none.
        XCTAssertGreaterThan(redrawn[(MNIST.side / 2) * MNIST.side + MNIST.side / 2], 0.5)
        XCTAssertEqual(redrawn[0..<(MNIST.side * 4)].reduce(0, +), 0)
    }

    func testNonDigitsAndStylesAreReproducibleFromTheSeed() {
        let source = NonDigits(kinds: NonDigitKind.heldOut + NonDigitKind.training)
        XCTAssertFalse(source.kinds.contains(.glyph), "glyph kinds need a font file")
        let first = source.images(count: 30, seed: 3, stream: SeedStream.heldOutNonDigits)
        let again = source.images(count: 30, seed: 3, stream: SeedStream.heldOutNonDigits)
        XCTAssertEqual(first.pixels, again.pixels)
        XCTAssertEqual(first.pixels.count, 30 * MNIST.pixels)
        XCTAssertGreaterThan(Set(first.kinds).count, 3, "kinds are mixed")
        XCTAssertNotEqual(source.images(count: 30, seed: 4, stream: SeedStream.heldOutNonDigits).pixels, first.pixels)
        for style in DigitStyle.allCases {
            var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1)
            let image = style.image(penWidth: 2, &a)
            XCTAssertEqual(image, style.image(penWidth: 2, &b))
            XCTAssertGreaterThan(image.reduce(0, +), 20, "\(style) has ink")
        }
    }
}
