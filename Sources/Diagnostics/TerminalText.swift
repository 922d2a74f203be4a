/// Text from a workspace, a bundle or an event made safe to print for people: every human output
/// (diagnostics, `explain`, `diff`, `simulate`, `preview --format text` to a terminal) goes through it,
/// so no value can send an escape sequence to a terminal or start a CI log command on a line of its own.
///
/// C0 controls and DEL become their Unicode control pictures (`␛`, `␊`, `␀`, `␡`); C1 controls, and the
/// bidirectional controls that would reorder the printed line (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069), become U+FFFD (one column each, so underlines stay aligned); a TAB is kept. Line
/// breaks are kept only where the caller shows a block of lines (a message body).
public enum TerminalText {
    /// `text` as one line: every control, LF and CR included, made visible.
    public static func line<S: StringProtocol>(_ text: S) -> String {
        shown(text, keepingLineBreaks: false)
    }

    /// `text` as lines: LF kept (a CR LF is shown as LF), every other control made visible.
    public static func block<S: StringProtocol>(_ text: S) -> String {
        shown(text, keepingLineBreaks: true)
    }

    /// The scalar as shown: the control picture of a C0 control or DEL, U+FFFD for a C1 or bidirectional
    /// control, else the scalar itself.
    public static func picture(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x00..<0x20: Unicode.Scalar(0x2400 + scalar.value) ?? scalar
        case 0x7F: "\u{2421}"
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: "\u{FFFD}"
        default: scalar
        }
    }

    private static func shown<S: StringProtocol>(_ text: S, keepingLineBreaks: Bool) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\t": out.append(scalar)
            case "\n" where keepingLineBreaks: out.append(scalar)
            case "\r" where keepingLineBreaks && index + 1 < scalars.count && scalars[index + 1] == "\n": continue
            default: out.append(picture(scalar))
            }
        }
        return String(out)
    }
}
