// What kind of answer a reading is: a digit named with confidence, a hesitation between digits, or no digit at
// all; and the one rule that decides it.

/// The status every answer carries (`"status"` in JSON).
public enum ReadingStatus: String, Sendable { case digit, unsure, notADigit = "not_a_digit" }

extension ReadingStatus {
    /// A digit is named when its (calibrated) probability reaches this.
    ///
    /// Chosen on the validation split (never the test set) of the shipped model, the rule the first model's was
    /// chosen by: the highest threshold that still names at least 99% of the validation digits (`digits eval
    /// --split validation --json` lists them all). For the shipped ensemble 0.82 names 99.02% of them, 14 wrong;
    /// 0.85 named 98.95%. (For the single network before it, 0.85 named 98.73%, 15 wrong, and at 99% it got 17
    /// wrong.)
    public static let confidentAbove: Float = 0.82
    /// "Not a digit" when its probability reaches this, or when it outweighs the likeliest digit.
    ///
    /// Chosen on the tuning non-digits (the training fonts and generators, drawn from seeds training never used)
    /// and the validation digits: from 0.5 up it names 96% of the tuning non-digits as such and 4 of the 6,000
    /// validation digits; lower values name a few more of each.
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
