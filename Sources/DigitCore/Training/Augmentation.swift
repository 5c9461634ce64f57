// Random distortions applied to every training batch, so the network learns the digits people actually
// draw (tilted, off-centre, bold or thin) rather than only MNIST's tidy ones.

/// The ranges random augmentation draws from; one seed reproduces a whole batch.
public struct Augmentation: Sendable, Equatable {
    /// Rotation is drawn uniformly from -max...max degrees.
    public var maxRotationDegrees: Float = 15
    /// Translation per axis is drawn uniformly from -max...max pixels.
    public var maxShift: Float = 3
    /// Scale factor about the image centre.
    public var scaleRange: ClosedRange<Float> = 0.85...1.15
    /// x shear factor is drawn uniformly from -max...max.
    public var maxShear: Float = 0.3
    /// Stroke thickness change in dilation steps (negative thins), see `ImageTransforms.thicken`.
    public var thicknessRange: ClosedRange<Float> = -0.5...0.8
    /// Fraction of images augmented; the others are copied unchanged.
    public var probability: Float = 1.0

    /// The defaults above, used for training.
    public static let standard = Augmentation()

    public init(maxRotationDegrees: Float = 15, maxShift: Float = 3, scaleRange: ClosedRange<Float> = 0.85...1.15,
                maxShear: Float = 0.3, thicknessRange: ClosedRange<Float> = -0.5...0.8, probability: Float = 1.0) {
        self.maxRotationDegrees = maxRotationDegrees
        self.maxShift = maxShift
        self.scaleRange = scaleRange
        self.maxShear = maxShear
        self.thicknessRange = thicknessRange
        self.probability = probability
    }

    /// The distortion of one image.
    struct Draw {
        var augmented: Bool
        var transform: AffineTransform
        var thickness: Float
    }

    /// Draws one image's parameters. Every image consumes the same seven numbers in the same order (coin,
    /// rotation, scale, shear, shift x, shift y, thickness), augmented or not, so image k's distortion
    /// depends only on the seed and k.
    func draw(_ rng: inout SplitMix64) -> Draw {
        let coin = rng.nextUnit()
        let rotation = rng.uniform(-maxRotationDegrees, maxRotationDegrees)
        let scale = rng.uniform(scaleRange.lowerBound, scaleRange.upperBound)
        let shear = rng.uniform(-maxShear, maxShear)
        let shiftX = rng.uniform(-maxShift, maxShift)
        let shiftY = rng.uniform(-maxShift, maxShift)
        let thickness = rng.uniform(thicknessRange.lowerBound, thicknessRange.upperBound)
        let transform = AffineTransform.make(rotationDegrees: rotation, scale: scale, shear: shear,
                                             shiftX: shiftX, shiftY: shiftY)
        return Draw(augmented: coin < probability, transform: transform, thickness: thickness)
    }

    /// Augments `count` 28x28 images: reads them from `source`, writes the distorted images to
    /// `destination` (a separate buffer of at least count * MNIST.pixels floats): warp (rotation, scale,
    /// shear, shift; bilinear, zero outside), then `thicken`. Parameters are drawn from `rng` in a fixed
    /// order, so a seed reproduces the batch; the images are then distorted in parallel, each on its own, so the
    /// worker count does not change them. Allocates one scratch buffer per worker per call, none per image.
    public func apply(_ source: UnsafeBufferPointer<Float>, to destination: UnsafeMutableBufferPointer<Float>,
                      count: Int, rng: inout SplitMix64) {
        let side = MNIST.side, pixels = MNIST.pixels
        precondition(source.count >= count * pixels && destination.count >= count * pixels, "buffers too small")
        let draws = (0..<count).map { _ in draw(&rng) }
        let scratch = Tensor(shape: [Parallel.workers, 2 * pixels])
        Parallel.forSlices(count) { images, worker in
            let spare = UnsafeMutableBufferPointer(start: scratch.data + worker * 2 * pixels, count: 2 * pixels)
            for image in images {
                let parameters = draws[image]
                let input = UnsafeBufferPointer(rebasing: source[(image * pixels)..<((image + 1) * pixels)])
                let output = UnsafeMutableBufferPointer(
                    rebasing: destination[(image * pixels)..<((image + 1) * pixels)])
                guard parameters.augmented else {
                    _ = output.update(fromContentsOf: input)
                    continue
                }
                ImageTransforms.warp(input, into: output, width: side, height: side,
                                     transform: parameters.transform)
                if parameters.thickness != 0 {
                    ImageTransforms.thicken(output, width: side, height: side, amount: parameters.thickness,
                                            scratch: spare)
                }
            }
        }
    }
}
