// One seeded generator drives initialization, shuffling, splitting, dropout and augmentation.

import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and identical on every platform, so a seed
/// reproduces a training run exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The counter; the k-th draw from here is a mix of `state + k * 0x9E3779B97F4A7C15`.
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform float in [0, 1) from the top 24 bits.
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// A uniform float in [lo, hi).
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * nextUnit()
    }

    /// A standard normal sample (Box-Muller).
    public mutating func normal() -> Float {
        let u1 = max(nextUnit(), 1e-7), u2 = nextUnit()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }

    /// An independent generator for a named purpose, so adding draws to one stream never shifts another.
    public func derived(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        _ = copy.next()
        return copy
    }
}

/// The purposes one run's seed is split into. Each purpose draws from its own stream, `derived(salt)`; the salts
/// all live here so that no two purposes can share one by accident.
public enum SeedStream {
    /// Weight initialization.
    public static let initialization: UInt64 = 0x1
    /// Which training images are held out for validation.
    public static let validationSplit: UInt64 = 0x5
    /// The order of an epoch's batches.
    public static func shuffle(epoch: Int) -> UInt64 { 0x100 + UInt64(epoch) }
    /// The distortions of one robustness variant (its index among the variants).
    public static func robustnessVariant(_ index: Int) -> UInt64 { 0x70 + UInt64(index) }
    /// One training step's augmentation.
    public static func augmentation(step: Int) -> UInt64 { 0x1_0000_0000 + UInt64(step) }
    /// One training step's dropout masks.
    public static func dropout(step: Int) -> UInt64 { 0x2_0000_0000 + UInt64(step) }
    /// Which places of one training step's batch get a non-digit, a drawn style or a stroke redraw, and how each
    /// is drawn.
    public static func composition(step: Int) -> UInt64 { 0x3_0000_0000 + UInt64(step) }
    /// Non-digits drawn to choose the status thresholds (the training generators, never drawn by training).
    public static let nonDigitTuning: UInt64 = 0x80
    /// The held-out non-digits that are only ever scored.
    public static let heldOutNonDigits: UInt64 = 0x81
    /// Which personal and replay images one fine-tuning step takes.
    public static func fineTuningBatch(step: Int) -> UInt64 { 0x5_0000_0000 + UInt64(step) }
    /// One fine-tuning step's augmentation.
    public static func fineTuningAugmentation(step: Int) -> UInt64 { 0x6_0000_0000 + UInt64(step) }
}

extension SplitMix64 {
    /// The generator for one purpose of a run seeded with `seed`.
    public init(seed: UInt64, stream salt: UInt64) { self = SplitMix64(seed: seed).derived(salt) }
}
