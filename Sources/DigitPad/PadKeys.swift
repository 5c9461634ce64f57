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

    /// The key hints shown under the canvas, in the order they show, each with its rank: when the window is too
    /// narrow for all of them, the highest ranks go first, whole, so that clearing, undoing and quitting stay.
    static let hintItems: [(text: String, rank: Int)] = [
        ("C CLEAR", 0), ("U UNDO", 1), ("+ - BRUSH", 3), ("0-9 LABEL", 4), ("L LEARN", 5), ("M MODEL", 6),
        ("Q QUIT", 2),
    ]
    static let hintSeparator = "   "

    /// The whole hint line.
    public static var hints: String { hintLine(fitting: .max) { $0.count } }

    /// The hint line for `width` (as `measure` counts it): the hints whose ranks fit, in their order, never a hint
    /// cut short; empty when not even the first fits.
    public static func hintLine(fitting width: Int, measure: (String) -> Int) -> String {
        var kept = hintItems
        while !kept.isEmpty {
            let line = kept.map(\.text).joined(separator: hintSeparator)
            if measure(line) <= width { return line }
            kept.remove(at: kept.indices.max { kept[$0].rank < kept[$1].rank }!)
        }
        return ""
    }
}
