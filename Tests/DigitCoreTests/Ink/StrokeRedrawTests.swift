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

    /// A `side` x `side` image of `value` wherever `inside(x, y)` holds, zero elsewhere.
    func shape(side: Int, value: Float = 1, _ inside: (Float, Float) -> Bool) -> [Float] {
        (0..<(side * side)).map { inside(Float($0 % side), Float($0 / side)) ? value : 0 }
    }

    /// Thinning moves to the lowest higher threshold that opens the most loops, and never to one that breaks the
    /// ink into more pieces.
    func testThresholdOpensAGreyLoopWithoutBreakingTheInk() {
        let side = 40
        func ring(_ x: Float, _ y: Float) -> Float {
            let r = ((x - 12) * (x - 12) + (y - 12) * (y - 12)).squareRoot()
            return r < 4 ? 0.65 : r < 8 ? 1 : 0  // a ring whose hole is filled with grey
        }
        // Two bars joined by a bridge of 0.75, away from the ring.
        func bars(_ x: Float, _ y: Float) -> Float {
            guard y >= 30 && y < 34 && x >= 4 && x < 36 else { return 0 }
            return x >= 18 && x < 22 ? 0.75 : 1
        }
        let image = (0..<(side * side)).map { max(ring(Float($0 % side), Float($0 / side)),
                                                  bars(Float($0 % side), Float($0 / side))) }
        XCTAssertEqual(StrokeRedraw.topology(image, width: side, height: side, threshold: 0.5).loops, 0)
        let opened = StrokeRedraw.topology(image, width: side, height: side, threshold: 0.7)
        XCTAssertEqual(opened.loops, 1)
        XCTAssertEqual(opened.pieces, 2)
        XCTAssertEqual(StrokeRedraw.topology(image, width: side, height: side, threshold: 0.8).pieces, 3,
                       "at 0.8 the bridge breaks")
        XCTAssertEqual(StrokeRedraw.loopKeepingThreshold(image, width: side, height: side), 0.7)
        // A ring whose hole is already open keeps the usual threshold.
        let open = image.map { $0 == 0.65 ? 0 : $0 }
        XCTAssertEqual(StrokeRedraw.loopKeepingThreshold(open, width: side, height: side), StrokeRedraw.inkThreshold)
    }

    func testInkDistancesGrowTowardsTheMiddleOfAStroke() {
        let side = 20
        let distances = InkParts.distances(bar(side: side, thickness: 5).map { $0 >= 0.5 }, width: side,
                                           height: side, diagonal: 1.4)
        let top = (side - 5) / 2
        XCTAssertEqual((0..<5).map { distances[(top + $0) * side + side / 2] }, [1, 2, 3, 2, 1])
        XCTAssertEqual(distances[side / 2], 0, "background")
        XCTAssertEqual(distances[(top + 2) * side + 4], 1, "the bar's end")
    }

    /// A loop a bold pen filled solid comes back as a ring, so its skeleton has a loop; a stroke of even width
    /// keeps all its ink.
    func testPunchingAFilledLoopLeavesARing() {
        let side = 48
        // A disc of radius 10 on a stem 4 pixels wide: a 9 whose loop is solid.
        var nine = shape(side: side) { x, y in
            ((x - 20) * (x - 20) + (y - 14) * (y - 14)).squareRoot() < 10 || (x >= 26 && x < 30 && y >= 14 && y < 44)
        }
        let skeleton = StrokeRedraw.skeleton(nine, width: side, height: side)
        XCTAssertEqual(StrokeRedraw.topology(nine, width: side, height: side, threshold: 0.5).loops, 0)
        XCTAssertTrue(StrokeRedraw.punchBlobs(&nine, width: side, height: side, threshold: 0.5, skeleton: skeleton))
        XCTAssertEqual(nine[14 * side + 20], 0, "the disc's centre is erased")
        XCTAssertEqual(nine[40 * side + 27], 1, "the stem stays")
        XCTAssertEqual(StrokeRedraw.topology(nine, width: side, height: side, threshold: 0.5).loops, 1)
        let ringSkeleton = StrokeRedraw.skeleton(nine, width: side, height: side)
        var drawn = [Float](repeating: 0, count: side * side)
        for p in ringSkeleton { drawn[Int(p.y) * side + Int(p.x)] = 1 }
        XCTAssertEqual(StrokeRedraw.topology(drawn, width: side, height: side, threshold: 0.5).loops, 1,
                       "the skeleton goes round the loop")

        var even = bar(side: side, thickness: 6)
        let before = even
        XCTAssertFalse(StrokeRedraw.punchBlobs(&even, width: side, height: side, threshold: 0.5,
                                               skeleton: StrokeRedraw.skeleton(even, width: side, height: side)))
        XCTAssertEqual(even, before)
    }

    /// Skeleton pixels along straight runs from (x, y), `length` pixels in direction (dx, dy), without the start.
    func run(from x: Int, _ y: Int, _ dx: Int, _ dy: Int, _ length: Int) -> [InkPoint] {
        (1...length).map { InkPoint(x: Float(x + $0 * dx) + 0.5, y: Float(y + $0 * dy) + 0.5) }
    }

    func testRunsBetweenEndsAndForksAndAPenStrokeStraightThroughAFork() {
        // A T: a bar of 21 pixels, a stem of 10 hanging from its middle.
        let bar = [InkPoint(x: 0.5, y: 0.5)] + run(from: 0, 0, 1, 0, 20), stem = run(from: 10, 0, 0, 1, 10)
        let segments = StrokeRedraw.segments(of: bar + stem)
        XCTAssertEqual(segments.count, 3, "left arm, right arm, stem")
        XCTAssertEqual(segments.map(\.count).sorted(), [11, 11, 11])
        let strokes = StrokeRedraw.polylines(of: bar + stem)
        XCTAssertEqual(strokes.count, 2)
        // One stroke is the whole bar, drawn straight through the fork; the other the stem.
        XCTAssertTrue(strokes.contains { Set($0.map(\.x)).count == 21 && Set($0.map(\.y)) == [0.5] })
        XCTAssertTrue(strokes.contains { $0.count == 11 && Set($0.map(\.x)) == [10.5] })
        XCTAssertEqual(StrokeRedraw.polylines(of: [InkPoint(x: 3.5, y: 3.5)]), [[InkPoint(x: 3.5, y: 3.5)]])
    }

    /// A 6 (a stem into a loop) is one stroke, as is a ring; a staircase is one path, not a chain of forks.
    func testASixAndARingAreEachOneStroke() {
        // A square ring from (10, 10) to (20, 20), and a stem from its top left corner up and to the right.
        var ring = run(from: 10, 10, 1, 0, 10)
        ring += run(from: 20, 10, 0, 1, 10)
        ring += run(from: 20, 20, -1, 0, 10)
        ring += run(from: 10, 20, 0, -1, 10)
        let six = ring + run(from: 10, 10, 1, -1, 8)
        XCTAssertEqual(StrokeRedraw.polylines(of: ring).count, 1)
        let strokes = StrokeRedraw.polylines(of: six)
        XCTAssertEqual(strokes.count, 1)
        XCTAssertEqual(strokes[0].count, six.count + 1, "every pixel once, the fork twice (into and out of the loop)")
        XCTAssertEqual(strokes[0].first, InkPoint(x: 18.5, y: 2.5), "it starts at the stem's end")
        // A staircase whose steps touch sideways and diagonally.
        var stairs: [InkPoint] = []
        for step in 0..<8 {
            let at = Float(step) + 0.5
            stairs += [InkPoint(x: at, y: at), InkPoint(x: at + 1, y: at)]
        }
        XCTAssertEqual(StrokeRedraw.segments(of: stairs).count, 1)
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
