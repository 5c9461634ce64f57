// Keyboard shortcuts: X keysyms and modifiers to the pad's actions.

/// What a key asks the pad to do.
public enum PadAction: Equatable, Sendable {
    case clear, undo, thicker, thinner, quit
}

public enum PadKeys {
    static let controlMask: UInt32 = 1 << 2
    // X keysyms (X11/keysymdef.h).
    static let backSpace: UInt = 0xFF08, escape: UInt = 0xFF1B, delete: UInt = 0xFFFF
    static let keypadAdd: UInt = 0xFFAB, keypadSubtract: UInt = 0xFFAD

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
        default: return nil
        }
    }

    /// The hint line shown under the canvas.
    public static let hints = "C CLEAR   U UNDO   + - BRUSH   Q QUIT"
}
