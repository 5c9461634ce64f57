// Checks the anti-aliased pen against its coverage formula, plus the properties the drawing window relies on.
import XCTest
@testable import DigitCore

final class StrokeRasterizerTests: XCTestCase {
    /// coverage = clamp(radius + 0.5 - d, 0, 1), computed here independently of the rasterizer.
    private func expectedCoverage(distance: Float, radius: Float) -> Float {
        min(max(radius + 0.5 - distance, 0), 1)
    }

    func testHorizontalSegmentMatchesDistanceFormula() {
        let radius: Float = 2, rowY: Float = 10.5, fromX: Float = 10, toX: Float = 30
        var canvas = InkCanvas(width: 40, height: 20)
        canvas.drawSegment(from: InkPoint(x: fromX, y: rowY), to: InkPoint(x: toX, y: rowY), radius: radius)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cx = Float(x) + 0.5, cy = Float(y) + 0.5
                let nearestX = min(max(cx, fromX), toX)
                let distance = ((cx - nearestX) * (cx - nearestX) + (cy - rowY) * (cy - rowY)).squareRoot()
                XCTAssertEqual(canvas.pixels[y * canvas.width + x],
                               expectedCoverage(distance: distance, radius: radius), accuracy: 1e-5,
                               "pixel (\(x), \(y))")
            }
        }
        // On the axis the pen covers fully; on its edge (d = radius) only half.
        XCTAssertEqual(canvas.pixels[10 * canvas.width + 20], 1)
        let edge = canvas.pixels[12 * canvas.width + 20]
        XCTAssertEqual(edge, expectedCoverage(distance: 2, radius: radius), accuracy: 1e-6)
        XCTAssertTrue(edge > 0 && edge < 1)
    }

    func testFastMoveDrawsContinuousLine() {
        let start = InkPoint(x: 5, y: 5), end = InkPoint(x: 95, y: 60)
        var canvas = InkCanvas(width: 100, height: 70)
        canvas.draw(Stroke(points: [start, end], radius: 1.5))
        let samples = 400
        for i in 0...samples {
            let t = Float(i) / Float(samples)
            let x = Int(start.x + t * (end.x - start.x)), y = Int(start.y + t * (end.y - start.y))
            XCTAssertEqual(canvas.pixels[y * canvas.width + x], 1, "gap at (\(x), \(y))")
        }
    }

    func testSinglePointDrawsRoundDot() {
        let radius: Float = 3, centre = InkPoint(x: 10.5, y: 10.5)
        var canvas = InkCanvas(width: 21, height: 21)
        canvas.draw(Stroke(points: [centre], radius: radius))
        XCTAssertFalse(canvas.isEmpty)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let dx = Float(x) + 0.5 - centre.x, dy = Float(y) + 0.5 - centre.y
                XCTAssertEqual(canvas.pixels[y * canvas.width + x],
                               expectedCoverage(distance: (dx * dx + dy * dy).squareRoot(), radius: radius),
                               accuracy: 1e-5)
            }
        }
    }

    func testUndoRerenderEqualsDrawingRemainingStrokes() {
        let strokes = [
            Stroke(points: [InkPoint(x: 3, y: 3), InkPoint(x: 30, y: 8), InkPoint(x: 12, y: 25)], radius: 2),
            Stroke(points: [InkPoint(x: 20, y: 2), InkPoint(x: 20, y: 28)], radius: 1),
            Stroke(points: [InkPoint(x: 5, y: 20)], radius: 4),
        ]
        var canvas = InkCanvas(width: 32, height: 32)
        for stroke in strokes { canvas.draw(stroke) }
        canvas.render(Array(strokes.dropLast()))
        var expected = InkCanvas(width: 32, height: 32)
        for stroke in strokes.dropLast() { expected.draw(stroke) }
        XCTAssertEqual(canvas, expected)
        canvas.render([])
        XCTAssertTrue(canvas.isEmpty)
    }

    func testCoverageStaysWithinUnitRange() {
        var rng = SplitMix64(seed: 7)
        var canvas = InkCanvas(width: 64, height: 48)
        for _ in 0..<20 {
            let points = (0..<5).map { _ in InkPoint(x: rng.uniform(-10, 74), y: rng.uniform(-10, 58)) }
            canvas.draw(Stroke(points: points, radius: rng.uniform(0.5, 6)))
        }
        XCTAssertTrue(canvas.pixels.allSatisfy { (0...1).contains($0) })
        XCTAssertEqual(canvas.pixels.max(), 1)
    }

    func testClearRemovesAllInk() {
        var canvas = InkCanvas(width: 10, height: 10)
        XCTAssertTrue(canvas.isEmpty)
        canvas.drawSegment(from: InkPoint(x: 2, y: 2), to: InkPoint(x: 8, y: 8), radius: 1)
        XCTAssertFalse(canvas.isEmpty)
        canvas.clear()
        XCTAssertTrue(canvas.isEmpty)
    }

    /// Drawing only each row's reachable span gives exactly the pixels the formula gives everywhere: segments at
    /// every angle, long and short, partly outside the canvas.
    func testSegmentsTouchExactlyThePixelsTheFormulaInks() {
        var rng = SplitMix64(seed: 12)
        for _ in 0..<60 {
            let a = InkPoint(x: rng.uniform(-20, 140), y: rng.uniform(-20, 100))
            let b = rng.nextUnit() < 0.2 ? InkPoint(x: a.x + rng.uniform(-1, 1), y: a.y)
                                         : InkPoint(x: rng.uniform(-20, 140), y: rng.uniform(-20, 100))
            let radius = rng.uniform(0.3, 12)
            var canvas = InkCanvas(width: 120, height: 80)
            canvas.drawSegment(from: a, to: b, radius: radius)
            // The formula as the rasterizer evaluates it, at every pixel of the canvas.
            let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy, inverse = l2 > 0 ? 1 / l2 : 0
            for y in 0..<80 {
                for x in 0..<120 {
                    let px = Float(x) + 0.5 - a.x, py = Float(y) + 0.5 - a.y
                    let t = min(max((px * dx + py * dy) * inverse, 0), 1)
                    let ex = px - t * dx, ey = py - t * dy
                    let expected = min(max(radius + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)
                    XCTAssertEqual(canvas.pixels[y * 120 + x], expected, "(\(x), \(y)) of \(a)-\(b)")
                }
            }
        }
    }
}
