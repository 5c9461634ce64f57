// What the recognizer says about a written number: its digits in order, each with its probabilities, its
// status and where it was found, and how the whole is written as text and as JSON.

/// The reading of a number, left to right.
public struct NumberReading: Sendable, Equatable {
    /// One digit of the number.
    public struct Digit: Sendable, Equatable {
        /// The network's probabilities for this digit.
        public let reading: DigitReading
        /// Whether the digit is trusted (`ReadingStatus(reading:)` decides).
        public let status: ReadingStatus
        /// Where its ink lies on the canvas or image.
        public let bounds: Rect
        /// The `MNIST.pixels` image the network read.
        public let image: [Float]

        public init(reading: DigitReading, bounds: Rect, image: [Float]) {
            self.reading = reading
            status = reading.status
            self.bounds = bounds
            self.image = image
        }

        /// `"digit":2,"confidence":0.99,"probabilities":[...],"status":"digit",...` (`DigitReading.jsonFields`).
        public func jsonFields(decimals: Int = 4) -> String { reading.jsonFields(decimals: decimals) }
    }

    /// The digits, left to right; empty when there is no ink.
    public let digits: [Digit]

    public init(digits: [Digit]) { self.digits = digits }

    /// The number as text, one character per digit, "?" for a digit that is not trusted ("2?26"); empty
    /// when there is no ink.
    public var text: String { digits.map { $0.status.symbol(for: $0.reading) }.joined() }

    public var isEmpty: Bool { digits.isEmpty }

    /// `"number":"2026","digits":[{...},...]` followed by the first digit's `"digit"`, `"confidence"` and
    /// `"probabilities"`, so readers of single-digit JSON keep working; `"digit":null` when there is no ink.
    public func jsonFields(decimals: Int = 4) -> String {
        let list = digits.map { "{" + $0.jsonFields(decimals: decimals) + "}" }.joined(separator: ",")
        let first = digits.first.map { $0.reading.jsonFields(decimals: decimals) } ?? #""digit":null"#
        return #""number":\#(JSONText.string(text)),"digits":[\#(list)],\#(first)"#
    }
}
