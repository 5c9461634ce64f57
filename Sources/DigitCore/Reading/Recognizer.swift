// A trained network that any thread may ask, and the protocol the readers of digits share.

import Synchronization

/// Anything that reads a digit: the trained network behind a `Recognizer`, or a stand-in in tests.
public protocol DigitClassifying: Sendable {
    /// Class probabilities for one image.
    /// - Parameter image: `MNIST.pixels` floats, row-major, 0 = background and 1 = full ink (white on black).
    /// - Returns: `MNIST.classes` digit probabilities, followed by the not-a-digit probability when the model
    ///   has that class; calibrated, summing to 1 (`DigitReading(probabilities:)` reads them).
    func probabilities(for image: [Float]) -> [Float]
    /// The same before calibration (`softmax(logits)`, temperature 1): what segmentation weighs cuts by, since
    /// its costs are in the network's own log-probabilities.
    func uncalibratedProbabilities(for image: [Float]) -> [Float]
}

extension DigitClassifying {
    /// A classifier without a temperature gives the same probabilities either way.
    public func uncalibratedProbabilities(for image: [Float]) -> [Float] { probabilities(for: image) }

    /// The reading of one 28x28 image, with its status.
    public func reading(for image: [Float]) -> DigitReading {
        DigitReading(probabilities: probabilities(for: image))
    }
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

    public func uncalibratedProbabilities(for image: [Float]) -> [Float] {
        let logits = network.withLock { network in
            image.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: 1) }
        }
        var probabilities = [Float](repeating: 0, count: logits.count)
        SoftmaxCrossEntropy.softmax(logits, rows: 1, classes: logits.count, into: &probabilities)
        return probabilities
    }
}
