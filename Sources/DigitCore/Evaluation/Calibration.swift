// Whether confidences mean what they say: expected calibration error over equal-width bins, negative
// log-likelihood, and the temperature that makes a trained network's probabilities honest.

import Foundation

public enum Calibration {
    /// Bins of the reliability diagram and of the ECE (Guo et al. 2017 use 15).
    public static let binCount = 15
    /// The range the temperature is searched over.
    public static let temperatureRange: ClosedRange<Float> = 0.05...20
    /// Steps of the golden-section search; the bracket shrinks by 0.618 per step.
    static let searchSteps = 80

    /// One confidence bin: answers whose confidence lies in (lower, upper] (the first bin also takes 0).
    public struct Bin: Sendable, Equatable {
        public let lower: Double, upper: Double
        public let count: Int
        /// Mean confidence and fraction right of the answers in the bin (0 when empty).
        public let meanConfidence: Double, accuracy: Double
    }

    /// Answers sorted into `count` equal-width confidence bins.
    public static func bins(confidences: [Float], correct: [Bool], count: Int = binCount) -> [Bin] {
        precondition(confidences.count == correct.count, "one confidence per answer")
        var total = [Int](repeating: 0, count: count), right = total
        var confidenceSum = [Double](repeating: 0, count: count)
        for (confidence, isRight) in zip(confidences, correct) {
            let bin = min(max(Int((Double(confidence) * Double(count)).rounded(.up)) - 1, 0), count - 1)
            total[bin] += 1
            right[bin] += isRight ? 1 : 0
            confidenceSum[bin] += Double(confidence)
        }
        return (0..<count).map { b in
            Bin(lower: Double(b) / Double(count), upper: Double(b + 1) / Double(count), count: total[b],
                meanConfidence: total[b] == 0 ? 0 : confidenceSum[b] / Double(total[b]),
                accuracy: total[b] == 0 ? 0 : Double(right[b]) / Double(total[b]))
        }
    }

    /// Expected calibration error: `ECE = sum_b (n_b / N) |accuracy_b - confidence_b|` over equal-width bins.
    public static func expectedCalibrationError(confidences: [Float], correct: [Bool],
                                                bins count: Int = binCount) -> Double {
        let all = bins(confidences: confidences, correct: correct, count: count)
        let n = all.reduce(0) { $0 + $1.count }
        guard n > 0 else { return 0 }
        return all.reduce(0) { $0 + Double($1.count) / Double(n) * abs($1.accuracy - $1.meanConfidence) }
    }

    /// Mean negative log-likelihood of the labels under `softmax(logits / temperature)`, rows of `classes`
    /// logits: `NLL = (1/N) sum_n [log sum_k exp(z_nk / T) - z_n,y_n / T]` (natural log).
    public static func negativeLogLikelihood(logits: [Float], classes: Int, labels: [UInt8],
                                             temperature: Float) -> Double {
        precondition(logits.count == labels.count * classes, "one row of logits per label")
        guard !labels.isEmpty else { return .nan }
        let inverse = Double(1 / temperature)
        var total: Double = 0
        for (n, label) in labels.enumerated() {
            let row = logits[(n * classes)..<((n + 1) * classes)].map { Double($0) * inverse }
            let top = row.max()!
            let logSum = top + log(row.reduce(0) { $0 + exp($1 - top) })
            total += logSum - row[Int(label)]
        }
        return total / Double(labels.count)
    }

    /// The temperature that minimizes the labels' negative log-likelihood (temperature scaling). The NLL is
    /// convex in 1/T (a log-sum-exp of linear functions minus a linear one), so a golden-section search over
    /// 1/T within `temperatureRange` finds the minimum.
    public static func fitTemperature(logits: [Float], classes: Int, labels: [UInt8]) -> Float {
        guard !labels.isEmpty else { return 1 }
        func loss(_ inverse: Double) -> Double {
            negativeLogLikelihood(logits: logits, classes: classes, labels: labels, temperature: Float(1 / inverse))
        }
        let ratio = (5.0.squareRoot() - 1) / 2
        var lo = 1 / Double(temperatureRange.upperBound), hi = 1 / Double(temperatureRange.lowerBound)
        var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        var lossA = loss(a), lossB = loss(b)
        for _ in 0..<searchSteps {
            if lossA < lossB {
                hi = b; b = a; lossB = lossA
                a = hi - ratio * (hi - lo); lossA = loss(a)
            } else {
                lo = a; a = b; lossA = lossB
                b = lo + ratio * (hi - lo); lossB = loss(b)
            }
        }
        return Float(2 / (lo + hi))
    }
}
