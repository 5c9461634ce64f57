// A writer the shipped model reads poorly, built from MNIST test digits, to measure what learning a hand is worth:
// every digit of one seeded subset is drawn with the same strong forward slant and a bolder pen.

import Foundation

/// One hand's style, applied to 28x28 digits: shrink to make room, slant, turn, then thicken the strokes.
public struct SyntheticWriter: Sendable, Equatable {
    /// x shear, as in `AffineTransform.make` (negative leans the tops right: a forward slant).
    public var shear: Float = -0.7
    /// Degrees, counter-clockwise on screen.
    public var rotationDegrees: Float = 0
    /// Shrinks the digit so the slant stays inside the frame; preprocessing scales it back to 20x20.
    public var scale: Float = 0.7
    /// Dilation steps (`ImageTransforms.thicken`).
    public var thickness: Float = 1
    /// Which test digits are this writer's, and which of them are learned from.
    public var seed: UInt64 = 7
    /// How many of the test digits the writer draws.
    public var digitCount = 2000

    public init() {}

    /// `image` (28x28 bytes) in this writer's hand.
    public func style(_ image: ArraySlice<UInt8>) -> [UInt8] {
        precondition(image.count == MNIST.pixels, "expects one 28x28 image")
        let input = image.map(MNIST.intensity)
        var output = [Float](repeating: 0, count: MNIST.pixels)
        let transform = AffineTransform.make(rotationDegrees: rotationDegrees, scale: scale, shear: shear,
                                             shiftX: 0, shiftY: 0)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                ImageTransforms.warp(source, into: target, width: MNIST.side, height: MNIST.side, transform: transform)
            }
        }
        ImageTransforms.thicken(&output, width: MNIST.side, height: MNIST.side, amount: thickness)
        return output.map(MNIST.gray)
    }

    /// The writer's digits from `test`: the first `perClass` of each class (in a seeded order) to learn from, and
    /// all the others to measure on.
    public func digits(from test: LabeledImages, perClass: Int) -> (learn: LabeledImages, others: LabeledImages) {
        var rng = SplitMix64(seed: seed)
        let chosen = Array((0..<test.count).shuffled(using: &rng).prefix(digitCount))
        var taken = [Int](repeating: 0, count: MNIST.classes)
        var learn: [Int] = [], others: [Int] = []
        for index in chosen {
            let label = Int(test.labels[index])
            if taken[label] < perClass {
                taken[label] += 1
                learn.append(index)
            } else {
                others.append(index)
            }
        }
        func set(_ indices: [Int]) -> LabeledImages {
            LabeledImages(count: indices.count, rows: MNIST.side, cols: MNIST.side,
                          pixels: indices.flatMap { style(test.pixels[$0 * MNIST.pixels..<($0 + 1) * MNIST.pixels]) },
                          labels: indices.map { test.labels[$0] })
        }
        return (set(learn), set(others))
    }
}

extension LabeledImages {
    /// Every image passed through the pad's preprocessing (`DigitPreprocessor.mnistImage`), as a drawing would be;
    /// an image without ink stays as it is.
    public func preprocessed() -> LabeledImages {
        precondition(rows == MNIST.side && cols == MNIST.side, "preprocessing here keeps 28x28 images")
        var out = [UInt8]()
        out.reserveCapacity(pixels.count)
        for index in 0..<count {
            let image = floatImage(index)
            let ready = DigitPreprocessor.mnistImage(from: image, width: cols, height: rows) ?? image
            out += ready.map(MNIST.gray)
        }
        return LabeledImages(count: count, rows: rows, cols: cols, pixels: out, labels: labels)
    }
}
