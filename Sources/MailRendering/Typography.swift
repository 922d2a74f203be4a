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
        let scalars = Array(html.unicodeScalars)
        var result = String.UnicodeScalarView()
        result.reserveCapacity(scalars.count)
        var index = 0
        var codeDepth = 0
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\u{A0}" || scalar == "\u{202F}" }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                // Every `<` here is the writer's markup: copy the tag, counting code and pre.
                var end = index + 1
                while end < scalars.count, scalars[end] != ">" { end += 1 }
                let tag = String(String.UnicodeScalarView(scalars[index..<min(end + 1, scalars.count)]))
                if tag.hasPrefix("<code") || tag.hasPrefix("<pre") { codeDepth += 1 }
                if tag == "</code>" || tag == "</pre>" { codeDepth = max(0, codeDepth - 1) }
                result.append(contentsOf: scalars[index..<min(end + 1, scalars.count)])
                index = end + 1
                continue
            }
            guard codeDepth == 0 else {
                result.append(scalar)
                index += 1
                continue
            }
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case " ", "\u{A0}":
                // A space before `:;!?»` becomes the narrow no-break space.
                if let next, ":;!?»".unicodeScalars.contains(next) {
                    result.append(Self.narrowNoBreakSpace)
                } else {
                    result.append(scalar)
                }
            case "«":
                result.append(scalar)
                if let next, isSpace(next) {
                    result.append(Self.narrowNoBreakSpace)
                    index += 2
                    continue
                } else if let next, next != "<" {
                    result.append(Self.narrowNoBreakSpace)
                }
            case "»":
                if let last = result.last, !isSpace(last), last != ">", last != "\n" {
                    result.append(Self.narrowNoBreakSpace)
                }
                result.append(scalar)
            default:
                result.append(scalar)
            }
            index += 1
        }
        return String(result)
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

    /// The known value a Liquid output stands for: `{{ path }}` with no filter and no whitespace control.
    func value(ofOutput source: String) -> String? {
        guard !knownValues.isEmpty, source.hasPrefix("{{"), source.hasSuffix("}}"), !source.hasPrefix("{{-"),
              !source.hasSuffix("-}}")
        else { return nil }
        let path = source.dropFirst(2).dropLast(2).trimming([" "])
        guard let value = knownValues[String(path)], !value.contains("{{"), !value.contains("{%"),
              !value.contains("\n"), !value.contains("\r")
        else { return nil }
        return value
    }
}
