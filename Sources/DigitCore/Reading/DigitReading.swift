// What the recognizer says about one image, and how it is written as JSON: one place for `predict --json` and
// the pad's prediction log.

import Foundation

/// The network's answer for one 28x28 image: a probability per class.
public struct DigitReading: Equatable, Sendable {
    /// `MNIST.classes` probabilities that sum to 1.
    public let probabilities: [Float]

    public init(probabilities: [Float]) {
        precondition(probabilities.count == MNIST.classes, "a reading has \(MNIST.classes) probabilities")
        self.probabilities = probabilities
    }

    /// The likeliest digit (the lowest on ties).
    public var digit: Int { argmax(probabilities) }
    /// The likeliest digit's probability.
    public var confidence: Float { probabilities[digit] }
    /// The two likeliest digits, best first.
    public var topTwo: (Int, Int) {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        return (order[0], order[1])
    }

    /// `"digit":7,"confidence":0.98,"probabilities":[...]`, the fields every JSON reading carries, with
    /// `decimals` digits after the point.
    public func jsonFields(decimals: Int = 4) -> String {
        let format = "%.\(decimals)f"
        let list = probabilities.map { String(format: format, $0) }.joined(separator: ",")
        return #""digit":\#(digit),"confidence":\#(String(format: format, confidence)),"probabilities":[\#(list)]"#
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
