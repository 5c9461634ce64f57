// What kind of answer a reading is: a digit named with confidence, a hesitation between digits, or no digit at
// all; and the one rule that decides it.

/// The status every answer carries (`"status"` in JSON).
public enum ReadingStatus: String, Sendable { case digit, unsure, notADigit = "not_a_digit" }

extension ReadingStatus {
    /// A digit is named when its (calibrated) probability reaches this.
    ///
    /// Chosen on the validation split of the shipped model (never the test set): the lowest threshold at which
    /// the digits named there are right at least 99.9% of the time while still naming at least 99.3% of them.
    public static let confidentAbove: Float = 0.80
    /// "Not a digit" when its probability reaches this, or when it outweighs the likeliest digit.
    ///
    /// Chosen on generated non-digits (the training generators and fonts, with seeds training never drew) and
    /// the validation digits: it turns away almost every non-digit while no validation digit reaches it.
    public static let notADigitAbove: Float = 0.5

    /// The rule: a digit when the likeliest digit is confident; otherwise not a digit when that answer is at least
    /// as likely as the best digit (or reaches `notADigitAbove`); otherwise unsure between digits. A model
    /// without a not-a-digit class (`notADigit` is 0) can only answer digit or unsure.
    public init(reading: DigitReading) {
        if reading.confidence >= Self.confidentAbove {
            self = .digit
        } else if reading.notADigit >= Self.notADigitAbove || reading.notADigit >= reading.confidence {
            self = .notADigit
        } else {
            self = .unsure
        }
    }

    /// The status in words, for plain output: "digit", "not sure", "not a digit".
    public var words: String {
        switch self {
        case .digit: return "digit"
        case .unsure: return "not sure"
        case .notADigit: return "not a digit"
        }
    }

    /// How the digit shows in a number: the digit itself, or "?" when it is not one the reader trusts.
    public func symbol(for reading: DigitReading) -> String {
        self == .digit ? String(reading.digit) : "?"
    }
}
