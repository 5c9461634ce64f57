// What the recognizer says about one image, and how it is written as JSON: one place for `predict --json` and
// the pad's prediction log.

import Foundation

/// The network's answer for one 28x28 image: a probability per digit and, for a model that learned it, the
/// probability that the image is no digit at all.
public struct DigitReading: Equatable, Sendable {
    /// `MNIST.classes` probabilities, one per digit; with `notADigit` they sum to 1.
    public let probabilities: [Float]
    /// The probability that the image is not a digit (0 for a model without that class).
    public let notADigit: Float

    /// A reading from a network's output: the ten digit probabilities, optionally followed by the not-a-digit
    /// probability (the network's `MNIST.classes + 1`-th class).
    public init(probabilities: [Float]) {
        precondition(probabilities.count == MNIST.classes || probabilities.count == MNIST.classes + 1,
                     "a reading has \(MNIST.classes) digit probabilities and optionally a not-a-digit one")
        self.probabilities = Array(probabilities.prefix(MNIST.classes))
        notADigit = probabilities.count > MNIST.classes ? probabilities[MNIST.classes] : 0
    }

    /// The likeliest digit (the lowest on ties), whatever the status.
    public var digit: Int { argmax(probabilities) }
    /// The likeliest digit's probability.
    public var confidence: Float { probabilities[digit] }
    /// The two likeliest digits, best first.
    public var topTwo: (Int, Int) {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        return (order[0], order[1])
    }
    /// Whether the answer is a digit, a hesitation between digits, or no digit (`ReadingStatus(reading:)`).
    public var status: ReadingStatus { ReadingStatus(reading: self) }

    /// `"digit":7,"confidence":0.98,"probabilities":[...],"status":"digit","not_a_digit":0.0010`, the fields
    /// every JSON reading carries, with `decimals` digits after the point.
    public func jsonFields(decimals: Int = 4) -> String {
        let format = "%.\(decimals)f"
        let list = probabilities.map { String(format: format, $0) }.joined(separator: ",")
        return #""digit":\#(digit),"confidence":\#(String(format: format, confidence)),"probabilities":[\#(list)],"#
            + #""status":"\#(status.rawValue)","not_a_digit":\#(String(format: format, notADigit))"#
    }
}

/// JSON text pieces the readings' lines are made of.
public enum JSONText {
    /// A JSON string literal for `text`, with quotes, backslashes and control characters escaped.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
