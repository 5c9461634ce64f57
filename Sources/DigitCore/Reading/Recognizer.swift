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
    /// The same for several images at once (one forward pass where the classifier can batch): segmentation
    /// weighs all the candidate digits of a group in one call.
    func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]]
}

extension DigitClassifying {
    /// A classifier without a temperature gives the same probabilities either way.
    public func uncalibratedProbabilities(for image: [Float]) -> [Float] { probabilities(for: image) }

    /// One image at a time, for classifiers that cannot batch.
    public func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]] {
        images.map { uncalibratedProbabilities(for: $0) }
    }

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

    public func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let flat = images.flatMap { image in
            precondition(image.count == MNIST.pixels, "expected \(MNIST.pixels) pixels, got \(image.count)")
            return image
        }
        let logits = network.withLock { network in
            flat.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: images.count) }
        }
        let classes = logits.count / images.count
        var probabilities = [Float](repeating: 0, count: logits.count)
        SoftmaxCrossEntropy.softmax(logits, rows: images.count, classes: classes, into: &probabilities)
        return (0..<images.count).map { Array(probabilities[$0 * classes..<($0 + 1) * classes]) }
    }
}
