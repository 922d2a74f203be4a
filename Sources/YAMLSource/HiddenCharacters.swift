import Diagnostics

/// AM112: characters that change or hide what a reviewer sees in a diff, refused anywhere in a file.
///
/// automail runs on pull requests: a reviewer approves what the diff shows. These characters make the
/// displayed text differ from the compiled text (the "Trojan Source" attack, CVE-2021-42574): bidirectional
/// marks, embeddings, overrides and isolates (the Arabic letter mark U+061C included) reorder what is
/// shown; zero-width spaces, word joiners, invisible operators, the combining grapheme joiner (U+034F),
/// Hangul fillers, tag characters (U+E0000–U+E007F, which hide whole ASCII strings) and a byte order mark
/// past the start of the file show nothing at all; a variation selector with no character before it to
/// vary (no emoji before VS15/VS16, an ASCII or no character before another) is invisible too. None has a
/// use in a workspace's ids, addresses, subjects, Markdown or layout, so each is an error wherever it
/// stands, comments included, whether written as the character or as a YAML escape (`"\u202e"`) in a
/// double-quoted scalar (``hiddenScalar(in:)``, checked on decoded values). Not refused file-wide: ZWNJ
/// and ZWJ (U+200C, U+200D), which Persian, Indic scripts and emoji sequences need, and the soft hyphen
/// (U+00AD); header values check those (``problem(inHeaderValue:)``). A BOM at the very start is allowed.
public enum HiddenCharacters {
    /// How many AM112 diagnostics one file reports at most; the last one counts the rest.
    public static let maxReportsPerFile = 20

    /// Whether `scalar` is refused anywhere in a file (a BOM at the start excepted), whatever precedes it.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x034F,  // combining grapheme joiner
            0x061C,  // Arabic letter mark
            0x200B, 0x200E, 0x200F,  // zero-width space, left-to-right and right-to-left marks
            0x202A...0x202E,  // bidirectional embeddings and overrides
            0x2060...0x2064,  // word joiner, invisible function application, times, separator, plus
            0x2066...0x2069,  // bidirectional isolates
            0x206A...0x206F,  // deprecated format characters
            0xFEFF,  // zero-width no-break space (byte order mark)
            0x180E,  // Mongolian vowel separator
            0x115F, 0x1160, 0x3164, 0xFFA0,  // Hangul fillers, which render as nothing
            0xE0000...0xE007F:  // tag characters
            return true
        default:
            return false
        }
    }

    /// Whether `scalar`, after `previous` (`nil` at the start of the text), is refused: ``isHidden(_:)``,
    /// or a variation selector with nothing to vary (VS15/VS16 after no emoji, VS1–VS14 after an ASCII
    /// character or none, VS17–VS256 after no ideograph).
    public static func isHidden(_ scalar: Unicode.Scalar, after previous: Unicode.Scalar?) -> Bool {
        switch scalar.value {
        case 0xFE0E, 0xFE0F:
            guard let previous else { return true }
            return !previous.properties.isEmoji
        case 0xFE00...0xFE0D:
            guard let previous else { return true }
            return previous.isASCII || previous.properties.isWhitespace || isHidden(previous)
        case 0xE0100...0xE01EF:
            return !(previous?.properties.isIdeographic ?? false)
        default:
            return isHidden(scalar)
        }
    }

    /// The first refused scalar of a decoded value (``isHidden(_:after:)``) and its scalar offset.
    public static func hiddenScalar(in text: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        var previous: Unicode.Scalar?
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if scalar.value >= 0x34F, isHidden(scalar, after: previous) { return (offset, scalar) }
            previous = scalar
        }
        return nil
    }

    /// The first scalar of a header value (display name, subject) that hides text beyond the file-wide
    /// set (which the parser already reports), with its scalar offset: the soft hyphen, the Arabic
    /// letter mark, and a ZWJ or ZWNJ not joining two characters that need it (emoji for ZWJ, non-ASCII
    /// letters for ZWNJ).
    public static func problem(inHeaderValue text: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if scalar.value == 0x00AD || scalar.value == 0x061C { return (i, scalar) }
            guard scalar.value == 0x200C || scalar.value == 0x200D else { continue }
            let before = i > 0 ? scalars[i - 1] : nil
            let after = i + 1 < scalars.count ? scalars[i + 1] : nil
            let joins: (Unicode.Scalar?) -> Bool =
                scalar.value == 0x200D
                ? { ($0?.properties.isEmoji ?? false) && !($0?.isASCII ?? true) || $0?.value == 0xFE0F }
                : { ($0?.properties.isAlphabetic ?? false) && !($0?.isASCII ?? true) }
            if !joins(before) || !joins(after) { return (i, scalar) }
        }
        return nil
    }

    /// `U+202E RIGHT-TO-LEFT OVERRIDE`.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        return "U+\(padded)" + (scalar.properties.name.map { " \($0)" } ?? "")
    }

    /// AM112 for a double-quoted scalar whose decoded value holds `scalar`, written as an escape.
    static func escapeDiagnostic(_ scalar: Unicode.Scalar, at range: SourceRange) -> Diagnostic {
        .error(
            .yamlHiddenCharacter,
            "the value contains an invisible character, \(describe(scalar)), written as an escape",
            at: range,
            help: "delete the escape: it changes or hides what a reader sees, and no subject, name or body needs it")
    }

    /// The AM112 diagnostics of a file that passed the UTF-8 check.
    static func diagnostics(in text: SourceText, path: String) -> [Diagnostic] {
        // The scan of the UTF-8 check saw every multi-byte lead byte: without one of U+0340 or above,
        // there is nothing to find.
        if text.failure == nil, !text.mayHoldHidden { return [] }
        return searchedDiagnostics(in: text, path: path)
    }

    /// ``diagnostics(in:path:)`` found by reading every scalar (its definition, whatever the text holds).
    static func searchedDiagnostics(in text: SourceText, path: String) -> [Diagnostic] {
        var found: [(scalarIndex: Int, scalar: Unicode.Scalar)] = []
        var total = 0
        text.bytes.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            var scalarIndex = 0
            var i = 0
            var previous: Unicode.Scalar?
            while i < n {
                let b = buffer[i]
                if b < 0x80 {
                    previous = Unicode.Scalar(b)
                    i += 1
                } else {
                    // Every refused scalar is two to four bytes long: decode the multi-byte ones.
                    let length = b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4)
                    var value = UInt32(b) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
                    var k = 1
                    while k < length, i + k < n {
                        value = (value << 6) | UInt32(buffer[i + k] & 0x3F)
                        k += 1
                    }
                    let scalar = Unicode.Scalar(value)
                    if let scalar, value >= 0x34F, isHidden(scalar, after: previous) {
                        total += 1
                        if found.count < maxReportsPerFile { found.append((scalarIndex, scalar)) }
                    }
                    previous = scalar
                    i += length
                }
                // CR LF counts as two scalars, as in `SourceText`.
                scalarIndex += 1
            }
        }
        var hint = 0
        return found.enumerated().map { number, hit in
            let start = text.position(ofScalar: hit.scalarIndex, hint: &hint)
            let range = SourceRange(
                file: path, start: start, end: SourcePosition(line: start.line, column: start.column + 1))
            var notes: [DiagnosticNote] = []
            if number == found.count - 1, total > found.count {
                notes.append(DiagnosticNote("\(total - found.count) more such characters in this file are not shown"))
            }
            let what =
                hit.scalar.value == 0xFEFF ? "a byte order mark past the start of the file" : "an invisible character"
            return .error(
                .yamlHiddenCharacter, "the file contains \(what), \(describe(hit.scalar))", at: range,
                notes: notes,
                help: "delete it: it changes or hides what a reviewer sees, without changing what they read")
        }
    }
}
