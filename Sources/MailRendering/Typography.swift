import Liquid

/// Typographic conventions of a locale, applied to the author's text of a body or footer.
///
/// French: a narrow no-break space (U+202F) before `:`, `;`, `!` and `?` (replacing the space or
/// no-break space the author typed: none is inserted where there was none, so `https://` and `14:30`
/// stay as they are) and inside `«` and `»` (inserted when missing). So a `;` or `»` never starts a
/// line on a phone, and a `«` never ends one. Other locales are left as written.
public enum Typography: Sendable, Hashable {
    /// Text as written.
    case none
    /// French spacing.
    case french

    /// The typography of a locale code (`fr`, `fr-CA`… are French).
    public init(locale: String) {
        let language = locale.split(separator: "-").first.map { $0.lowercased() } ?? ""
        self = language == "fr" ? .french : .none
    }

    static let narrowNoBreakSpace: Unicode.Scalar = "\u{202F}"

    /// `html` (the Markdown writer's HTML, Liquid as placeholder tokens) with this typography applied to
    /// its text: never inside tags (so never in a URL), never in `<code>` or `<pre>`, never in a
    /// placeholder (Liquid, autolinks), which are letters and digits only.
    func apply(toProtectedHTML html: String) -> String {
        guard self == .french else { return html }
        let scalars = ScalarText.scalars(of: html)
        // Written as UTF-8 bytes; `last` is the last scalar written.
        var result: [UInt8] = []
        result.reserveCapacity(html.utf8.count + html.utf8.count / 8)
        var last: Unicode.Scalar?
        func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                result.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                UTF8.encode(scalar) { result.append($0) }
            }
            last = scalar
        }
        var index = 0
        var codeDepth = 0
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\u{A0}" || scalar == "\u{202F}" }
        // `String(tag).hasPrefix(prefix)`, by scalars: the two differ only when a non-ASCII scalar
        // right after the prefix joins its last letter into one Character.
        func tagStarts(_ range: Range<Int>, with prefix: String) -> Bool {
            let count = prefix.unicodeScalars.count
            guard scalars[range].starts(with: prefix.unicodeScalars) else { return false }
            guard range.count > count, !scalars[range.lowerBound + count].isASCII else { return true }
            return ScalarText.string(scalars[range]).hasPrefix(prefix)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                // Every `<` here is the writer's markup: copy the tag, counting code and pre.
                var end = index + 1
                while end < scalars.count, scalars[end] != ">" { end += 1 }
                let tag = index..<min(end + 1, scalars.count)
                if tagStarts(tag, with: "<code") || tagStarts(tag, with: "<pre") { codeDepth += 1 }
                if scalars[tag].elementsEqual("</code>".unicodeScalars)
                    || scalars[tag].elementsEqual("</pre>".unicodeScalars)
                {
                    codeDepth = max(0, codeDepth - 1)
                }
                for scalar in scalars[tag] { append(scalar) }
                index = end + 1
                continue
            }
            guard codeDepth == 0 else {
                append(scalar)
                index += 1
                continue
            }
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case " ", "\u{A0}":
                // A space before `:;!?»` becomes the narrow no-break space.
                if let next, ":;!?»".unicodeScalars.contains(next) {
                    append(Self.narrowNoBreakSpace)
                } else {
                    append(scalar)
                }
            case "«":
                append(scalar)
                if let next, isSpace(next) {
                    append(Self.narrowNoBreakSpace)
                    index += 2
                    continue
                } else if let next, next != "<" {
                    append(Self.narrowNoBreakSpace)
                }
            case "»":
                if let last, !isSpace(last), last != ">", last != "\n" {
                    append(Self.narrowNoBreakSpace)
                }
                append(scalar)
            default:
                append(scalar)
            }
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// What a Markdown conversion depends on besides the text: the locale's typography, and the values
/// automail knows at build time (`legal.*`, `workspace.*`), which the text part holds as words so that
/// it is wrapped on what the contact reads.
public struct ConversionSettings: Sendable, Hashable {
    /// The locale's typography.
    public var typography: Typography
    /// Values by Liquid path (`legal.publisher`): a bare `{{ legal.publisher }}` output in the text part
    /// is replaced by its value. A value holding `{{`, `{%` or a line break is left as Liquid.
    public var knownValues: [String: String]

    /// Creates settings.
    public init(typography: Typography = .none, knownValues: [String: String] = [:]) {
        self.typography = typography
        self.knownValues = knownValues
    }

    /// Hashes the typography and the number of known values, not the values: settings are keys beside
    /// each text converted (a few per build, one per locale), and hashing every value cost more than the
    /// conversion lookups they served. Equal settings still hash equally; `==` compares every value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(typography)
        hasher.combine(knownValues.count)
    }

    /// The known value a Liquid output stands for: `{{ path }}` with no filter and no whitespace control.
    func value(ofOutput source: String) -> String? {
        guard !knownValues.isEmpty, let path = Self.path(ofOutput: source) else { return nil }
        guard let value = knownValues[path], !UTF8Text.containsCharacters(value, "{{"),
            !UTF8Text.containsCharacters(value, "{%")
        else { return nil }
        // A line break is a Character `\n` or `\r` (not the one Character `\r\n`); none without their bytes.
        let newline = Character("\n"), carriageReturn = Character("\r")
        if value.utf8.contains(0x0A) || value.utf8.contains(0x0D),
            value.contains(newline) || value.contains(carriageReturn)
        {
            return nil
        }
        return value
    }

    /// The path of `{{ path }}`: the text between `{{` and `}}`, spaces trimmed; `nil` for anything
    /// else, and for whitespace control (`{{-`, `-}}`). By Characters; by bytes when every byte is its
    /// own Character (ASCII without `\r`), where the two agree.
    static func path(ofOutput source: String) -> String? {
        guard source.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else {
            guard source.hasPrefix("{{"), source.hasSuffix("}}"), !source.hasPrefix("{{-"), !source.hasSuffix("-}}")
            else { return nil }
            return source.dropFirst(2).dropLast(2).trimming([" "])
        }
        let bytes = Array(source.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), dash = UInt8(ascii: "-"), space = UInt8(ascii: " ")
        // `{{` and `}}` cannot overlap: a text that starts with one and ends with the other has four bytes or more.
        guard bytes.count >= 4, bytes[0] == open, bytes[1] == open, bytes[bytes.count - 2] == close,
            bytes[bytes.count - 1] == close, bytes[2] != dash, bytes[bytes.count - 3] != dash
        else { return nil }
        var start = 2
        var end = bytes.count - 2
        while start < end, bytes[start] == space { start += 1 }
        while end > start, bytes[end - 1] == space { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
