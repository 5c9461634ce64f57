// Constants of the MNIST format that every part of the recognizer agrees on.

/// The shape of an MNIST sample: a `side` x `side` grayscale image of one of `classes` digits.
public enum MNIST {
    /// Images are 28x28 pixels.
    public static let side = 28
    /// Pixels per image, 28 * 28.
    public static let pixels = side * side
    /// The ten digits 0...9.
    public static let classes = 10
}

/// Anything that reads a digit: the trained network, or a stand-in in tests.
public protocol DigitClassifying: AnyObject {
    /// Class probabilities for one image.
    /// - Parameter image: `MNIST.pixels` floats, row-major, 0 = background and 1 = full ink (white on black).
    /// - Returns: `MNIST.classes` probabilities that sum to 1.
    func probabilities(for image: [Float]) -> [Float]
}
