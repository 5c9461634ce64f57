// The drawings people produce, built from the MNIST test digits: each variant distorts a test image the way
// a real hand-drawn digit differs from MNIST (down to being redrawn with the pad's pen), so accuracy can be
// reported per kind of distortion.

/// One kind of distortion applied to MNIST test images to measure robustness.
public enum RobustnessVariant: String, CaseIterable, Sendable {
    case original, shifted, rotated, thick, thin, shrunk, speckled, strokes

    /// Whole-pixel shifts whose length lies in this range (3 or 4 px: a person drawing off-centre).
    static let shiftLength: ClosedRange<Float> = 3...4
    /// Rotation magnitude in degrees, either direction.
    static let rotationDegrees: ClosedRange<Float> = 15...25
    /// Dilation steps for `thick`.
    static let thickSteps: ClosedRange<Float> = 1...2
    /// Erosion for `thin` (a fraction of one step, so the strokes survive).
    static let thinAmount: Float = -0.6
    /// Scale about the centre for `shrunk`.
    static let shrinkScale: ClosedRange<Float> = 0.55...0.65
    /// Fraction of pixels hit by salt noise for `speckled`.
    static let speckleFraction: ClosedRange<Float> = 0.03...0.05
    /// The 8-bit ink level of full coverage.
    static let fullInk: Float = 255

    /// Every whole-pixel shift (dx, dy) with 3 <= sqrt(dx^2 + dy^2) <= 4, so at least one axis moves 3 or 4 px.
    static let shifts: [(dx: Int, dy: Int)] = {
        let reach = Int(shiftLength.upperBound)
        var vectors: [(dx: Int, dy: Int)] = []
        for dy in -reach...reach {
            for dx in -reach...reach where shiftLength.contains(Float(dx * dx + dy * dy).squareRoot()) {
                vectors.append((dx, dy))
            }
        }
        return vectors
    }()

    /// One line for reports.
    public var summary: String {
        switch self {
        case .original: return "the MNIST test digit as is"
        case .shifted: return "shifted 3-4 px in a random direction"
        case .rotated: return "rotated 15-25 degrees either way"
        case .thick: return "strokes thickened by 1-2 dilation steps"
        case .thin: return "strokes thinned by about one erosion step"
        case .shrunk: return "shrunk to 55-65% about the centre"
        case .speckled: return "3-5% of pixels set to random ink"
        case .strokes: return "redrawn as pen strokes 1-4 px wide"
        }
    }

    /// Applies this variant to one 28x28 uint8 image (0=background, 255=ink), deterministic given rng.
    public func apply(to image: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        let side = MNIST.side
        precondition(image.count == MNIST.pixels, "expects one 28x28 image")
        var pixels = image.map { Float($0) / Self.fullInk }
        switch self {
        case .original:
            return image
        case .shifted:
            let shift = Self.shifts[Int(rng.next() % UInt64(Self.shifts.count))]
            pixels = Self.warped(pixels, .make(rotationDegrees: 0, scale: 1, shear: 0,
                                               shiftX: Float(shift.dx), shiftY: Float(shift.dy)))
        case .rotated:
            let degrees = rng.uniform(Self.rotationDegrees.lowerBound, Self.rotationDegrees.upperBound)
            let direction: Float = rng.next() & 1 == 0 ? 1 : -1
            pixels = Self.warped(pixels, .make(rotationDegrees: direction * degrees, scale: 1, shear: 0,
                                               shiftX: 0, shiftY: 0))
        case .thick:
            let steps = rng.uniform(Self.thickSteps.lowerBound, Self.thickSteps.upperBound)
            ImageTransforms.thicken(&pixels, width: side, height: side, amount: steps)
        case .thin:
            ImageTransforms.thicken(&pixels, width: side, height: side, amount: Self.thinAmount)
            if let peak = pixels.max(), peak > 0 { pixels = pixels.map { $0 / peak } }
        case .shrunk:
            let scale = rng.uniform(Self.shrinkScale.lowerBound, Self.shrinkScale.upperBound)
            pixels = Self.warped(pixels, .make(rotationDegrees: 0, scale: scale, shear: 0, shiftX: 0, shiftY: 0))
        case .speckled:
            let fraction = rng.uniform(Self.speckleFraction.lowerBound, Self.speckleFraction.upperBound)
            ImageTransforms.speckle(&pixels, width: side, height: side, fraction: fraction, rng: &rng)
        case .strokes:
            let width = rng.uniform(StrokeRedraw.widthRange.lowerBound, StrokeRedraw.widthRange.upperBound)
            pixels = StrokeRedraw.redraw(pixels, width: side, height: side, penWidth: width) ?? pixels
        }
        return pixels.map { UInt8(min(max($0 * Self.fullInk, 0), Self.fullInk).rounded()) }
    }

    /// `pixels` resampled under `transform`.
    private static func warped(_ pixels: [Float], _ transform: AffineTransform) -> [Float] {
        var output = [Float](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                ImageTransforms.warp(input, into: out, width: MNIST.side, height: MNIST.side, transform: transform)
            }
        }
        return output
    }
}
