// What a reading says about its digit: read, unsure, or not a digit at all. The rule that decides it lives in
// `ReadingStatus.init(_:)` alone, so a calibrated one can replace it in one place.

/// How far a reading can be trusted; the raw values are the words `predict --json` writes.
public enum ReadingStatus: String, Sendable, Equatable, CaseIterable {
    /// The network is sure enough to show the digit.
    case digit
    /// The network leans to a digit but is not sure: the number shows "?" in its place.
    case unsure
    /// The ink does not look like any digit (not produced by the current rule).
    case notADigit = "not_a_digit"

    /// Readings at least this confident count as a digit.
    public static let confidentEnough: Float = 0.5

    /// The single place the status rule lives: confidence >= `confidentEnough` is a digit, anything less is
    /// unsure. Replace this (and only this) when calibrated probabilities arrive.
    public init(_ reading: DigitReading) {
        self = reading.confidence >= Self.confidentEnough ? .digit : .unsure
    }

    /// How the digit shows in a number: the digit itself, or "?" when it is not trusted.
    public func symbol(for reading: DigitReading) -> String {
        self == .digit ? String(reading.digit) : "?"
    }
}
