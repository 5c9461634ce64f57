// A trained network that any thread may ask, and the protocol the readers of digits share.

import Synchronization

/// Anything that reads a digit: the trained network behind a `Recognizer`, or a stand-in in tests.
public protocol DigitClassifying: Sendable {
    /// Class probabilities for one image.
    /// - Parameter image: `MNIST.pixels` floats, row-major, 0 = background and 1 = full ink (white on black).
    /// - Returns: `MNIST.classes` probabilities that sum to 1.
    func probabilities(for image: [Float]) -> [Float]
}

/// A network shared between threads: each question holds the network's lock for one forward pass, so the pad's
/// background queue and the command line can share it without races.
public final class Recognizer: DigitClassifying {
    private let network: Mutex<Network>

    /// Takes the network over; nothing else may keep using it.
    public init(_ network: sending Network) { self.network = Mutex(network) }

    public func probabilities(for image: [Float]) -> [Float] {
        network.withLock { $0.probabilities(for: image) }
    }

    /// The reading of one 28x28 image.
    public func reading(for image: [Float]) -> DigitReading {
        DigitReading(probabilities: probabilities(for: image))
    }

}
