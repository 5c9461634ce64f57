// Keyboard shortcuts: X keysyms and modifiers to the pad's actions.

/// What a key asks the pad to do.
public enum PadAction: Equatable, Sendable {
    case clear, undo, thicker, thinner, quit
    /// A digit typed to label the drawing (a correction, or a confirmation).
    case label(Int)
    /// Learn the person's hand from the labelled samples.
    case learn
    /// Switch between the personal model and the shipped one.
    case switchModel
}

public enum PadKeys {
    static let controlMask: UInt32 = 1 << 2
    // X keysyms (X11/keysymdef.h).
    static let backSpace: UInt = 0xFF08, escape: UInt = 0xFF1B, delete: UInt = 0xFFFF
    static let keypadAdd: UInt = 0xFFAB, keypadSubtract: UInt = 0xFFAD
    static let digitZero: UInt = 0x30, keypadZero: UInt = 0xFFB0

    /// The action for a key press, if any. Letters work in either case.
    public static func action(keysym: UInt, modifiers: UInt32) -> PadAction? {
        let control = modifiers & controlMask != 0
        let letter = (0x41...0x5A).contains(keysym) ? keysym + 0x20 : keysym  // upper to lower case
        switch letter {
        case UInt(UInt8(ascii: "z")) where control: return .undo
        case UInt(UInt8(ascii: "q")): return .quit
        case UInt(UInt8(ascii: "u")) where !control: return .undo
        case UInt(UInt8(ascii: "c")) where !control: return .clear
        case delete, backSpace, escape: return .clear
        case UInt(UInt8(ascii: "+")), UInt(UInt8(ascii: "=")), keypadAdd: return .thicker
        case UInt(UInt8(ascii: "-")), UInt(UInt8(ascii: "_")), keypadSubtract: return .thinner
        case digitZero...digitZero + 9 where !control: return .label(Int(letter - digitZero))
        case keypadZero...keypadZero + 9: return .label(Int(letter - keypadZero))
        case UInt(UInt8(ascii: "l")) where !control: return .learn
        case UInt(UInt8(ascii: "m")) where !control: return .switchModel
        default: return nil
        }
    }

    /// The hint line shown under the canvas.
    public static let hints = "C CLEAR   U UNDO   + - BRUSH   0-9 LABEL   L LEARN   M MODEL   Q QUIT"
}
