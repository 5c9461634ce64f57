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
    /// Which model answers now. Whatever was read with the classifier may be reused for the same ink only while
    /// this stays the same (a classifier that switches models changes it); nil for one whose answers never change.
    var answeringModel: ObjectIdentifier? { get }
}

extension DigitClassifying {
    /// A classifier without a temperature gives the same probabilities either way.
    public func uncalibratedProbabilities(for image: [Float]) -> [Float] { probabilities(for: image) }

    public var answeringModel: ObjectIdentifier? { nil }

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
///
/// It remembers the logits of the images it has read lately. The pad reads the whole canvas again after every
/// stroke, and segmentation weighs some thirty candidate digits for a six-digit number; the ink of the digits not
/// being drawn has not changed, so their candidates are the same images, and only the digit under the pen goes
/// through the network again.
public final class Recognizer: DigitClassifying {
    private let network: Mutex<Network>
    private let temperature: Float
    private let memo = Mutex(LogitsMemo())
    /// The most images one forward pass takes. A network keeps its buffers at the largest batch it has read, and
    /// one group scribbled across a wide canvas can make hundreds of candidates: without a cap, the pad would hold
    /// buffers for all of them as long as it runs. A six-digit number's thirty-odd candidates take two passes, and
    /// its readouts take as long as in one (`scripts/ui-test.sh`).
    static let largestPass = 16

    /// Takes the network over; nothing else may keep using it.
    public init(_ network: sending Network) {
        temperature = network.temperature
        self.network = Mutex(network)
    }

    /// One network for its whole life.
    public var answeringModel: ObjectIdentifier? { ObjectIdentifier(self) }

    public func probabilities(for image: [Float]) -> [Float] {
        softmax(logits(for: [image])[0], scale: 1 / temperature)
    }

    public func uncalibratedProbabilities(for image: [Float]) -> [Float] {
        softmax(logits(for: [image])[0], scale: 1)
    }

    public func uncalibratedProbabilities(forBatch images: [[Float]]) -> [[Float]] {
        logits(for: images).map { softmax($0, scale: 1) }
    }

    /// The logits of each image: remembered ones as they are, the others from one forward pass over them all.
    private func logits(for images: [[Float]]) -> [[Float]] {
        for image in images {
            precondition(image.count == MNIST.pixels, "expected \(MNIST.pixels) pixels, got \(image.count)")
        }
        var result = memo.withLock { memo in images.map { memo.entries[$0] } }
        let missing = result.indices.filter { result[$0] == nil }
        guard !missing.isEmpty else { return result.map { $0! } }
        let flat = missing.flatMap { images[$0] }
        let logits = network.withLock { network in
            flat.withUnsafeBufferPointer { flat in
                stride(from: 0, to: missing.count, by: Self.largestPass).flatMap { first in
                    network.logits(flat.baseAddress! + first * MNIST.pixels,
                                   count: min(Self.largestPass, missing.count - first))
                }
            }
        }
        let classes = logits.count / missing.count
        memo.withLock { memo in
            for (row, index) in missing.enumerated() {
                let scores = Array(logits[row * classes..<(row + 1) * classes])
                result[index] = scores
                memo.remember(scores, for: images[index])
            }
        }
        return result.map { $0! }
    }

    /// `softmax(logits * scale)`, as `Network.predict` computes it for a temperature of `1 / scale`.
    private func softmax(_ logits: [Float], scale: Float) -> [Float] {
        let scaled = scale == 1 ? logits : logits.map { $0 * scale }
        var probabilities = [Float](repeating: 0, count: scaled.count)
        SoftmaxCrossEntropy.softmax(scaled, rows: 1, classes: scaled.count, into: &probabilities)
        return probabilities
    }
}

/// The logits of recently read images, forgotten all at once when full (a canvas's worth of candidates is far
/// fewer than `capacity`, and a new drawing shares none of them with the old).
private struct LogitsMemo {
    static let capacity = 1024
    var entries: [[Float]: [Float]] = [:]

    mutating func remember(_ logits: [Float], for image: [Float]) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[image] = logits
    }
}
