// Accuracy, per-class accuracy, the confusion matrix, calibration (ECE, log-loss) and answer statuses of a network
// on a labeled set: the one evaluator, used for validation during training and by `digits eval`.

import Foundation

/// The outcome of classifying every image of a set.
public struct Evaluation: Sendable {
    public let count: Int
    /// `confusion[true][predicted]`, predicted being the likeliest digit (`DigitReading.digit`).
    public let confusion: [[Int]]
    /// The reading of every image, in set order.
    public let readings: [DigitReading]
    /// The true digit of every image, in set order.
    public let labels: [UInt8]
    /// Mean negative log-likelihood of the true class, `-(1/N) sum log p[label]` (natural log), under the network's
    /// calibrated probabilities.
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
    /// Predicted digit and its probability for every image, in set order.
    public var predictions: [(digit: Int, confidence: Float)] { readings.map { ($0.digit, $0.confidence) } }
    /// Whether each reading's digit is the label.
    public var isRight: [Bool] { zip(readings, labels).map { $0.digit == Int($1) } }

    /// Expected calibration error of the digit answers over `Calibration.binCount` equal-width bins.
    public var expectedCalibrationError: Double {
        Calibration.expectedCalibrationError(confidences: readings.map(\.confidence), correct: isRight)
    }
    /// The reliability diagram's bins.
    public var calibrationBins: [Calibration.Bin] {
        Calibration.bins(confidences: readings.map(\.confidence), correct: isRight)
    }
    /// How many readings have each status.
    public var statusCounts: [ReadingStatus: Int] {
        readings.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }
    /// Among the readings whose status is `digit`, the fraction whose digit is right (nan when there are none).
    public var accuracyOfDigitAnswers: Double {
        let answered = zip(readings, labels).filter { $0.0.status == .digit }
        guard !answered.isEmpty else { return .nan }
        return Double(answered.filter { $0.0.digit == Int($0.1) }.count) / Double(answered.count)
    }

    /// How many readings a status rule with another digit threshold would answer as digits, and how many of
    /// those it would get right (the risk-coverage trade of selective prediction): the readings whose likeliest
    /// digit reaches `threshold`, as `ReadingStatus` answers a digit. For choosing `ReadingStatus.confidentAbove`
    /// on a validation split.
    public func digitAnswers(atThreshold threshold: Float) -> (answered: Int, right: Int) {
        var answered = 0, right = 0
        for (reading, label) in zip(readings, labels) where reading.confidence >= threshold {
            answered += 1
            right += reading.digit == Int(label) ? 1 : 0
        }
        return (answered, right)
    }

    /// Probabilities below this count as this in the log-loss, so one confident mistake cannot make it infinite.
    static let probabilityFloor: Float = 1e-12

    /// Classifies `images` (or only those at `indices`, in that order) in batches. With `preprocess`, each image
    /// first goes through the pad's preprocessing (bounding box to 20x20, centred by mass), as a drawing would.
    public static func run(_ network: Network, on images: LabeledImages, indices: [Int]? = nil,
                           preprocess: Bool = false, batchSize: Int = 500) -> Evaluation {
        let order = indices ?? Array(0..<images.count)
        let labels = order.map { images.labels[$0] }
        let readings = Self.readings(network, count: order.count, batchSize: batchSize) { index in
            let image = images.floatImage(order[index])
            return preprocess
                ? DigitPreprocessor.mnistImage(from: image, width: MNIST.side, height: MNIST.side) ?? image
                : image
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: MNIST.classes), count: MNIST.classes)
        var logLoss: Double = 0
        for (reading, label) in zip(readings, labels) {
            confusion[Int(label)][reading.digit] += 1
            logLoss -= Double(logf(max(reading.probabilities[Int(label)], probabilityFloor)))
        }
        return Evaluation(count: order.count, confusion: confusion, readings: readings, labels: labels,
                          meanLogLoss: order.isEmpty ? .nan : logLoss / Double(order.count))
    }

    /// The readings of `count` images, `image(i)` giving image i (`MNIST.pixels` floats), classified in batches.
    public static func readings(_ network: Network, count: Int, batchSize: Int = 500,
                                image: (Int) -> [Float]) -> [DigitReading] {
        let classes = network.architecture.classes
        var readings: [DigitReading] = []
        readings.reserveCapacity(count)
        var batch = [Float](repeating: 0, count: batchSize * MNIST.pixels)
        for start in stride(from: 0, to: count, by: batchSize) {
            let members = start..<min(start + batchSize, count)
            for (row, index) in members.enumerated() {
                batch.replaceSubrange(row * MNIST.pixels..<(row + 1) * MNIST.pixels, with: image(index))
            }
            let probabilities = batch.withUnsafeBufferPointer {
                network.predict($0.baseAddress!, count: members.count)
            }
            for row in 0..<members.count {
                readings.append(DigitReading(probabilities: Array(probabilities[row * classes..<(row + 1) * classes])))
            }
        }
        return readings
    }
}
