// Constants of the MNIST format that every part of the recognizer agrees on.

/// The shape of an MNIST sample: a `side` x `side` grayscale image of one of `classes` digits.
public enum MNIST {
    /// Images are 28x28 pixels.
    public static let side = 28
    /// Pixels per image, 28 * 28.
    public static let pixels = side * side
    /// The ten digits 0...9.
    public static let classes = 10
    /// The brightest of the 256 gray levels a byte can hold.
    public static let maxGray: Float = 255

    /// A stored gray level as the network reads it, in [0, 1]: the one conversion from bytes to network input.
    @inline(__always)
    public static func intensity(_ gray: UInt8) -> Float { Float(gray) / maxGray }

    /// The stored gray level nearest to a network input in [0, 1] (clamped): the inverse of `intensity`.
    @inline(__always)
    public static func gray(_ intensity: Float) -> UInt8 { UInt8((min(max(intensity, 0), 1) * maxGray).rounded()) }
}
