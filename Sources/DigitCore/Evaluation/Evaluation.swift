// Accuracy, per-class accuracy and the confusion matrix of a network on a labeled set.

import Foundation

/// The outcome of classifying every image of a set.
public struct Evaluation: Sendable {
    public let count: Int
    /// `confusion[true][predicted]`.
    public let confusion: [[Int]]
    /// Predicted class and its probability for every image, in set order.
    public let predictions: [(digit: Int, confidence: Float)]

    public var correct: Int { (0..<MNIST.classes).reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
    /// Recall of each class: correct / images of that class.
    public var perClass: [Double] {
        confusion.enumerated().map { digit, row in
            let total = row.reduce(0, +)
            return total == 0 ? 0 : Double(row[digit]) / Double(total)
        }
    }

    /// Classifies `images` in batches. With `preprocess`, each image first goes through the pad's preprocessing
    /// (bounding box to 20x20, centred by mass), as a drawing would.
    public static func run(_ network: Network, on images: LabeledImages, preprocess: Bool = false,
                           batchSize: Int = 500) -> Evaluation {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: MNIST.classes), count: MNIST.classes)
        var predictions: [(digit: Int, confidence: Float)] = []
        predictions.reserveCapacity(images.count)
        var batch = [Float](repeating: 0, count: batchSize * MNIST.pixels)
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let n = min(batchSize, images.count - start)
            for i in 0..<n {
                let image = images.floatImage(start + i)
                let ready = preprocess
                    ? DigitPreprocessor.mnistImage(from: image, width: MNIST.side, height: MNIST.side) ?? image
                    : image
                batch.replaceSubrange(i * MNIST.pixels..<(i + 1) * MNIST.pixels, with: ready)
            }
            let probabilities = batch.withUnsafeBufferPointer { network.predict($0.baseAddress!, count: n) }
            for i in 0..<n {
                let row = probabilities[i * MNIST.classes..<(i + 1) * MNIST.classes]
                let digit = argmax(Array(row))
                predictions.append((digit, row[row.startIndex + digit]))
                confusion[Int(images.labels[start + i])][digit] += 1
            }
        }
        return Evaluation(count: images.count, confusion: confusion, predictions: predictions)
    }
}
