// Accuracy, per-class accuracy, the confusion matrix and the mean log-loss of a network on a labeled set: the one
// evaluator, used for validation during training and by `digits eval`.

import Foundation

/// The outcome of classifying every image of a set.
public struct Evaluation: Sendable {
    public let count: Int
    /// `confusion[true][predicted]`.
    public let confusion: [[Int]]
    /// Predicted class and its probability for every image, in set order.
    public let predictions: [(digit: Int, confidence: Float)]
    /// Mean negative log-likelihood of the true class, `-(1/N) sum log p[label]` (natural log).
    public let meanLogLoss: Double

    public var correct: Int { (0..<MNIST.classes).reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    /// Recall of each class: correct / images of that class.
    public var perClass: [Double] {
        confusion.enumerated().map { digit, row in
            let total = row.reduce(0, +)
            return total == 0 ? 0 : Double(row[digit]) / Double(total)
        }
    }

    /// Probabilities below this count as this in the log-loss, so one confident mistake cannot make it infinite.
    static let probabilityFloor: Float = 1e-12

    /// Classifies `images` (or only those at `indices`, in that order) in batches. With `preprocess`, each image
    /// first goes through the pad's preprocessing (bounding box to 20x20, centred by mass), as a drawing would.
    public static func run(_ network: Network, on images: LabeledImages, indices: [Int]? = nil,
                           preprocess: Bool = false, batchSize: Int = 500) -> Evaluation {
        let order = indices ?? Array(0..<images.count)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: MNIST.classes), count: MNIST.classes)
        var predictions: [(digit: Int, confidence: Float)] = []
        predictions.reserveCapacity(order.count)
        var logLoss: Double = 0
        var batch = [Float](repeating: 0, count: batchSize * MNIST.pixels)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let members = order[start..<min(start + batchSize, order.count)]
            for (row, index) in members.enumerated() {
                let image = images.floatImage(index)
                let ready = preprocess
                    ? DigitPreprocessor.mnistImage(from: image, width: MNIST.side, height: MNIST.side) ?? image
                    : image
                batch.replaceSubrange(row * MNIST.pixels..<(row + 1) * MNIST.pixels, with: ready)
            }
            let probabilities = batch.withUnsafeBufferPointer {
                network.predict($0.baseAddress!, count: members.count)
            }
            for (row, index) in members.enumerated() {
                let p = probabilities[row * MNIST.classes..<(row + 1) * MNIST.classes]
                let digit = argmax(p), label = Int(images.labels[index])
                predictions.append((digit, p[p.startIndex + digit]))
                confusion[label][digit] += 1
                logLoss -= Double(logf(max(p[p.startIndex + label], probabilityFloor)))
            }
        }
        return Evaluation(count: order.count, confusion: confusion, predictions: predictions,
                          meanLogLoss: order.isEmpty ? .nan : logLoss / Double(order.count))
    }
}
