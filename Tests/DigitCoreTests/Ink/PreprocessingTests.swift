// Checks the MNIST recipe: fit to 20x20 by area averaging, centre of mass at (14, 14), specks ignored,
// and image polarity detected from the border.
import XCTest
@testable import DigitCore

final class PreprocessingTests: XCTestCase {
    private let canvasSide = 280

    /// A "4" drawn as two separate pen strokes with a thick pen, like on the real canvas.
    private func drawnFour() -> [Float] {
        var canvas = InkCanvas(width: canvasSide, height: canvasSide)
        canvas.draw(Stroke(points: [InkPoint(x: 100, y: 60), InkPoint(x: 70, y: 160), InkPoint(x: 170, y: 160)],
                           radius: 9))
        canvas.draw(Stroke(points: [InkPoint(x: 150, y: 90), InkPoint(x: 150, y: 230)], radius: 9))
        return canvas.pixels
    }

    private func mnist(_ pixels: [Float]) throws -> [Float] {
        try XCTUnwrap(DigitPreprocessor.mnistImage(from: pixels, width: canvasSide, height: canvasSide))
    }

    func testBlankOrOnlyFaintCanvasGivesNil() {
        var pixels = [Float](repeating: 0, count: canvasSide * canvasSide)
        XCTAssertNil(DigitPreprocessor.mnistImage(from: pixels, width: canvasSide, height: canvasSide))
        pixels[500] = InkRegion.faintThreshold / 2
        XCTAssertNil(DigitPreprocessor.mnistImage(from: pixels, width: canvasSide, height: canvasSide))
        XCTAssertNil(DigitPreprocessor.mnistImage(from: [], width: 0, height: 0))
    }

    func testOffCentreRectangleIsFittedAndCentred() throws {
        let box = InkTestImages.filledBox(width: canvasSide, height: canvasSide, x0: 30, y0: 150, x1: 130, y1: 210)
        let image = try mnist(box)
        XCTAssertEqual(image.count, MNIST.pixels)
        let extent = InkTestImages.extent(image, width: MNIST.side, height: MNIST.side)
        XCTAssertEqual(extent.width, Float(DigitPreprocessor.fittedSide), accuracy: 0.01)
        XCTAssertEqual(extent.height, 12, accuracy: 0.01)
        let halfInk = try XCTUnwrap(InkTestImages.boundingBox(image, width: MNIST.side, height: MNIST.side,
                                                               threshold: 0.5))
        // Placed at a fractional offset, the 20 px side may straddle 21 pixels with partial ends.
        XCTAssertTrue((20...21).contains(halfInk.x1 - halfInk.x0), "long side \(halfInk.x1 - halfInk.x0)")
        let centre = try XCTUnwrap(InkTestImages.centreOfMass(image, width: MNIST.side, height: MNIST.side))
        XCTAssertEqual(centre.x, 14, accuracy: 0.5)
        XCTAssertEqual(centre.y, 14, accuracy: 0.5)
        XCTAssertTrue(image.allSatisfy { (0...1).contains($0) })
    }

    func testDrawnDigitIsCentredByMass() throws {
        let image = try mnist(drawnFour())
        let centre = try XCTUnwrap(InkTestImages.centreOfMass(image, width: MNIST.side, height: MNIST.side))
        XCTAssertEqual(centre.x, 14, accuracy: 0.5)
        XCTAssertEqual(centre.y, 14, accuracy: 0.5)
        // Both strokes count as the digit: the box spans them, so the long side is 20 px.
        let extentBox = try XCTUnwrap(InkTestImages.boundingBox(image, width: MNIST.side, height: MNIST.side,
                                                                threshold: InkRegion.faintThreshold))
        XCTAssertGreaterThanOrEqual(max(extentBox.x1 - extentBox.x0, extentBox.y1 - extentBox.y0), 20)
    }

    func testTallThinBoxKeepsAspectRatio() throws {
        let box = InkTestImages.filledBox(width: canvasSide, height: canvasSide, x0: 200, y0: 40, x1: 220, y1: 160)
        let image = try mnist(box)
        let extent = InkTestImages.extent(image, width: MNIST.side, height: MNIST.side)
        XCTAssertEqual(extent.height, 20, accuracy: 0.01)
        XCTAssertEqual(extent.width / extent.height, 20.0 / 120.0, accuracy: 0.005)
    }

    func testFarSpeckDoesNotChangeOutput() throws {
        let clean = try mnist(drawnFour())
        var speckled = drawnFour()
        speckled[5 * canvasSide + 270] = 1
        XCTAssertEqual(try mnist(speckled), clean)
        // A small pen tap far away is a speck too.
        var canvas = InkCanvas(width: canvasSide, height: canvasSide)
        canvas.render([Stroke(points: [InkPoint(x: 260, y: 260)], radius: 3)])
        let tapped = zip(drawnFour(), canvas.pixels).map { max($0, $1) }
        XCTAssertEqual(try mnist(tapped), clean)
        // A faint smudge far away does not move the box either.
        var smudged = drawnFour()
        for x in 0..<40 { smudged[270 * canvasSide + x] = InkRegion.faintThreshold / 2 }
        XCTAssertEqual(try mnist(smudged), clean)
    }

    /// The AVX-512 and portable kernels give the same image bit for bit, on canvases whose sides are and are not
    /// multiples of the speck grid's cell, with a speck to remove.
    func testKernelPathsGiveIdenticalImages() {
        for (width, height) in [(280, 280), (283, 271), (97, 130)] {
            var canvas = InkCanvas(width: width, height: height)
            let w = Float(width), h = Float(height)
            canvas.render([Stroke(points: [InkPoint(x: 0.3 * w, y: 0.2 * h), InkPoint(x: 0.7 * w, y: 0.25 * h),
                                           InkPoint(x: 0.4 * w, y: 0.85 * h)], radius: w / 30),
                           Stroke(points: [InkPoint(x: 0.95 * w, y: 0.95 * h)], radius: 1)])
            var images: [[Float]] = []
            onEveryKernelPath { _ in
                images.append(DigitPreprocessor.mnistImage(from: canvas.pixels, width: width, height: height) ?? [])
            }
            XCTAssertEqual(images[0].count, MNIST.pixels, "\(width)x\(height)")
            XCTAssertEqual(images[0], images[1], "\(width)x\(height)")
        }
    }

    func testAreaAveragingConservesInkUpToScale() throws {
        let ink: Float = 0.8
        let box = InkTestImages.filledBox(width: canvasSide, height: canvasSide,
                                          x0: 50, y0: 70, x1: 150, y1: 130, value: ink)
        let image = try mnist(box)
        let scale = Float(DigitPreprocessor.fittedSide) / 100
        let expected = scale * scale * box.reduce(0, +)
        XCTAssertEqual(image.reduce(0, +), expected, accuracy: expected * 1e-4)
        XCTAssertEqual(image.max()!, ink, accuracy: 1e-5)
    }

    func testDarkOnLightEqualsItsInverse() throws {
        let width = 90, height = 70, paper: UInt8 = 230, pencil: UInt8 = 30
        var gray = [UInt8](repeating: paper, count: width * height)
        for y in 15..<55 { for x in 30..<45 { gray[y * width + x] = pencil } }
        for x in 20..<60 { gray[15 * width + x] = pencil }
        let inverse = gray.map { UInt8.max - $0 }
        let darkInk = DigitPreprocessor.inkCoverage(fromGray: gray, width: width, height: height)
        let lightInk = DigitPreprocessor.inkCoverage(fromGray: inverse, width: width, height: height)
        XCTAssertEqual(darkInk, lightInk)
        XCTAssertEqual(darkInk[0], 0, "background becomes 0")
        XCTAssertEqual(darkInk[20 * width + 35], 1, "the strongest ink becomes 1")
        let first = DigitPreprocessor.mnistImage(from: darkInk, width: width, height: height)
        XCTAssertNotNil(first)
        XCTAssertEqual(first, DigitPreprocessor.mnistImage(from: lightInk, width: width, height: height))
    }
}
