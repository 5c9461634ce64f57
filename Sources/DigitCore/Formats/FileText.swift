// Text read from a file (tensor names, metadata values) as it may appear in a one-line error message.

/// `text` in single quotes, with line breaks, other control and format characters escaped (`\n`, `\u{202E}`) and cut
/// to `limit` characters, so that whatever a file holds, the message stays one readable line.
func quoted(_ text: String, limit: Int = 64) -> String {
    var out = "'"
    for scalar in text.unicodeScalars.prefix(limit) {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "'", "\\": out += "\\" + String(scalar)
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + (text.unicodeScalars.count > limit ? "...'" : "'")
}
