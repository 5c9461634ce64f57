// Checks the image transforms exactly where geometry allows (identity, whole-pixel shifts, quarter turns),
// and the augmentation and robustness variants built on them by their measurable effects.
import XCTest
@testable import DigitCore

// Foundation (through XCTest) also has an AffineTransform, so the tests name ours by module.
final class ImageTransformsTests: XCTestCase {
    private let side = MNIST.side

    private func warped(_ image: [Float], width: Int, height: Int, _ transform: DigitCore.AffineTransform) -> [Float] {
        var output = [Float](repeating: -1, count: image.count)
        image.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                ImageTransforms.warp(input, into: out, width: width, height: height, transform: transform)
            }
        }
        return output
    }

    // MARK: Warp

    func testIdentityWarpReturnsInputExactly() {
        var rng = SplitMix64(seed: 1)
        let image = (0..<MNIST.pixels).map { _ in rng.nextUnit() }
        XCTAssertEqual(warped(image, width: side, height: side, .identity), image)
        let noChange = DigitCore.AffineTransform.make(rotationDegrees: 0, scale: 1, shear: 0, shiftX: 0, shiftY: 0)
        XCTAssertEqual(warped(image, width: side, height: side, noChange), image)
    }

    func testWholePixelShiftMovesPixelExactly() {
        var image = [Float](repeating: 0, count: MNIST.pixels)
        image[12 * side + 10] = 0.7
        let shift = DigitCore.AffineTransform.make(rotationDegrees: 0, scale: 1, shear: 0, shiftX: 3, shiftY: -2)
        var expected = [Float](repeating: 0, count: MNIST.pixels)
        expected[10 * side + 13] = 0.7
        XCTAssertEqual(warped(image, width: side, height: side, shift), expected)
    }

    func testQuarterTurnAboutCentre() {
        // A square ring centred on the image is symmetric under a quarter turn.
        var ring = InkTestImages.filledBox(width: side, height: side, x0: 8, y0: 8, x1: 20, y1: 20)
        for y in 10..<18 { for x in 10..<18 { ring[y * side + x] = 0 } }
        let quarterTurn = DigitCore.AffineTransform.make(rotationDegrees: 90, scale: 1, shear: 0, shiftX: 0, shiftY: 0)
        for (turned, original) in zip(warped(ring, width: side, height: side, quarterTurn), ring) {
            XCTAssertEqual(turned, original, accuracy: 1e-4)
        }
        // Counter-clockwise on screen (y down): a pixel right of the centre moves above it.
        let oddSide = 29, centre = 14
        var dot = [Float](repeating: 0, count: oddSide * oddSide)
        dot[centre * oddSide + centre + 5] = 1
        let turned = warped(dot, width: oddSide, height: oddSide, quarterTurn)
        XCTAssertEqual(turned[(centre - 5) * oddSide + centre], 1, accuracy: 1e-4)
        XCTAssertEqual(turned.reduce(0, +), 1, accuracy: 1e-4)
    }

    // MARK: Thickness and noise

    func testThickenAddsInkAndThinningRemovesIt() {
        let seven = InkTestImages.sevenDigit(), ink = seven.reduce(0, +)
        var thick = seven, half = seven, thin = seven, same = seven
        ImageTransforms.thicken(&thick, width: side, height: side, amount: 1)
        ImageTransforms.thicken(&half, width: side, height: side, amount: 0.5)
        ImageTransforms.thicken(&thin, width: side, height: side, amount: -0.6)
        ImageTransforms.thicken(&same, width: side, height: side, amount: 0)
        XCTAssertGreaterThan(thick.reduce(0, +), ink * 1.5)
        XCTAssertLessThan(thin.reduce(0, +), ink * 0.8)
        XCTAssertGreaterThan(thin.reduce(0, +), 0)
        XCTAssertEqual(same, seven)
        for i in seven.indices {
            XCTAssertEqual(half[i], (seven[i] + thick[i]) / 2, accuracy: 1e-6, "half a step is the midpoint")
            XCTAssertGreaterThanOrEqual(thick[i], seven[i])
            XCTAssertLessThanOrEqual(thin[i], seven[i])
        }
    }

    func testSpeckleFractionIsRoughlyHonored() {
        let width = 100, height = 100, fraction: Float = 0.04
        var image = [Float](repeating: 0, count: width * height)
        var rng = SplitMix64(seed: 5)
        ImageTransforms.speckle(&image, width: width, height: height, fraction: fraction, rng: &rng)
        let hit = Float(image.filter { $0 > 0 }.count) / Float(image.count)
        XCTAssertEqual(hit, fraction, accuracy: fraction * 0.1)
        XCTAssertTrue(image.allSatisfy { $0 == 0 || ImageTransforms.speckInk.contains($0) })
    }

    // MARK: Augmentation

    private func augmented(seed: UInt64, _ augmentation: Augmentation = .standard, count: Int = 8) -> [Float] {
        let source = Array((0..<count).map { _ in InkTestImages.sevenDigit() }.joined())
        var destination = [Float](repeating: 0, count: source.count)
        var rng = SplitMix64(seed: seed)
        source.withUnsafeBufferPointer { src in
            destination.withUnsafeMutableBufferPointer { dst in
                augmentation.apply(src, to: dst, count: count, rng: &rng)
            }
        }
        return destination
    }

    func testAugmentationIsReproducibleBySeed() {
        let first = augmented(seed: 42)
        XCTAssertEqual(first, augmented(seed: 42))
        XCTAssertNotEqual(first, augmented(seed: 43))
        XCTAssertTrue(first.allSatisfy { (0...1).contains($0) })
        let images = stride(from: 0, to: first.count, by: MNIST.pixels).map { Array(first[$0..<($0 + MNIST.pixels)]) }
        XCTAssertEqual(Set(images.map { $0.hashValue }).count, images.count, "each image gets its own draw")
    }

    /// Images are distorted in parallel after their parameters are drawn in order, so the worker count does not
    /// change the batch.
    func testAugmentationDoesNotDependOnWorkerCount() {
        let previous = Parallel.workers
        defer { Parallel.configure(workers: previous) }
        Parallel.configure(workers: 1)
        let alone = augmented(seed: 7, count: 9)
        Parallel.configure(workers: 3)
        XCTAssertEqual(augmented(seed: 7, count: 9), alone)
    }

    func testZeroProbabilityCopiesImages() {
        var never = Augmentation.standard
        never.probability = 0
        let copied = augmented(seed: 9, never, count: 3)
        XCTAssertEqual(copied, Array((0..<3).map { _ in InkTestImages.sevenDigit() }.joined()))
    }

    // MARK: Robustness variants

    private func floats(_ bytes: [UInt8]) -> [Float] { bytes.map { Float($0) / 255 } }

    func testEveryVariantChangesTheDigit() {
        let seven = InkTestImages.sevenDigitBytes()
        for variant in RobustnessVariant.allCases {
            var rng = SplitMix64(seed: 11)
            let result = variant.apply(to: seven, rng: &rng)
            XCTAssertEqual(result.count, MNIST.pixels)
            XCTAssertFalse(variant.summary.isEmpty)
            if variant == .original {
                XCTAssertEqual(result, seven)
            } else {
                XCTAssertNotEqual(result, seven, "\(variant)")
            }
        }
        var rng = SplitMix64(seed: 12)
        let ink = seven.reduce(0) { $0 + Int($1) }
        XCTAssertGreaterThan(RobustnessVariant.thick.apply(to: seven, rng: &rng).reduce(0) { $0 + Int($1) }, ink)
        XCTAssertLessThan(RobustnessVariant.thin.apply(to: seven, rng: &rng).reduce(0) { $0 + Int($1) }, ink)
        let speckled = RobustnessVariant.speckled.apply(to: seven, rng: &rng)
        XCTAssertTrue(zip(speckled, seven).allSatisfy { $0 >= $1 }, "the digit itself stays untouched")
    }

    func testShiftedMovesCentreOfMassThreeToFourPixels() throws {
        let seven = InkTestImages.sevenDigitBytes()
        let before = try XCTUnwrap(InkTestImages.centreOfMass(floats(seven), width: side, height: side))
        var rng = SplitMix64(seed: 21)
        for _ in 0..<20 {
            let shifted = RobustnessVariant.shifted.apply(to: seven, rng: &rng)
            let after = try XCTUnwrap(InkTestImages.centreOfMass(floats(shifted), width: side, height: side))
            let dx = after.x - before.x, dy = after.y - before.y
            let distance = (dx * dx + dy * dy).squareRoot()
            XCTAssertTrue((2.99...4.01).contains(distance), "moved \(distance) px")
        }
    }

    func testShrunkReducesBoundingBoxToAboutSixtyPercent() throws {
        let seven = InkTestImages.sevenDigitBytes()
        let threshold: Float = 0.25
        let box = try XCTUnwrap(InkTestImages.boundingBox(floats(seven), width: side, height: side,
                                                          threshold: threshold))
        let longSide = Float(max(box.x1 - box.x0, box.y1 - box.y0))
        var rng = SplitMix64(seed: 31)
        for _ in 0..<10 {
            let shrunk = RobustnessVariant.shrunk.apply(to: seven, rng: &rng)
            let small = try XCTUnwrap(InkTestImages.boundingBox(floats(shrunk), width: side, height: side,
                                                                threshold: threshold))
            let ratio = Float(max(small.x1 - small.x0, small.y1 - small.y0)) / longSide
            XCTAssertTrue((0.5...0.72).contains(ratio), "ratio \(ratio)")
        }
    }
}
