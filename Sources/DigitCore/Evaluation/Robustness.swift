// The robustness table: the test digits redrawn as people draw them (shifted, rotated, thick, thin, small,
// speckled, redrawn with the pad's pen), each scored through the pad's preprocessing.

import Foundation

/// One row of the table.
public struct RobustnessRow: Sendable {
    public let variant: RobustnessVariant
    public let accuracy: Double
    public let count: Int
}

public enum Robustness {
    /// `images` with `variant` applied to every image, seeded so the table is reproducible.
    public static func variantSet(_ images: LabeledImages, _ variant: RobustnessVariant, seed: UInt64) -> LabeledImages {
        var rng = SplitMix64(seed: seed, stream: SeedStream.robustnessVariant(RobustnessVariant.allCases.firstIndex(of: variant)!))
        let size = images.rows * images.cols
        var pixels = [UInt8]()
        pixels.reserveCapacity(images.pixels.count)
        for i in 0..<images.count {
            pixels += variant.apply(to: Array(images.pixels[i * size..<(i + 1) * size]), rng: &rng)
        }
        return LabeledImages(count: images.count, rows: images.rows, cols: images.cols, pixels: pixels,
                             labels: images.labels)
    }

    /// Scores `network` on every variant of `images`, with or without the pad's preprocessing.
    public static func table(_ network: Network, images: LabeledImages, preprocess: Bool = true,
                             seed: UInt64 = 1) -> [RobustnessRow] {
        RobustnessVariant.allCases.map { variant in
            let set = variantSet(images, variant, seed: seed)
            let evaluation = Evaluation.run(network, on: set, preprocess: preprocess)
            return RobustnessRow(variant: variant, accuracy: evaluation.accuracy, count: evaluation.count)
        }
    }
}
