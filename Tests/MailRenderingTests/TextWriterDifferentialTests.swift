import Testing
@testable import MailRendering

/// The byte passes of the plain-text writer against the Substring passes they replaced (kept in
/// `PlainTextWriter` as the definition), on generated text mixing words, spaces, line feeds, entities,
/// placeholder-like words, combining marks and `\r\n`.
struct TextWriterDifferentialTests {
    typealias Generator = TokenScanDifferentialTests.Generator

    static let pieces = [
        " ", "  ", "\n", "word", "é", "\u{301}", "&amp;", "&#x301;", "&lt;", "L", "LQQZ0X", ">", "> ", "\r\n", "\t",
        "\u{202F}", "\u{A0}", "👍🏽", "{{ x }}", "«", "-",
    ]

    /// A `restore` keeping the writer's contract: a word without `&` or `L` comes back unchanged.
    static func restore(_ word: Substring) -> String {
        let decoded = HTMLTokenizer.decodeEntities(word)
        return word.utf8.contains(UInt8(ascii: "L")) ? "<" + decoded + ">" : decoded
    }

    @Test func unwrappedLinesAgreeWithTheSubstringPass() {
        var generator = Generator(state: 53)
        let prefixes = [("", ""), ("> ", "> "), ("- ", "  "), ("> 1. ", ">    ")]
        for round in 0..<4_000 {
            let text = generator.string(Self.pieces, upTo: 16)
            let (first, rest) = prefixes[round % prefixes.count]
            #expect(
                PlainTextWriter.unwrapped(text, first: first, rest: rest, restore: Self.restore)
                    == PlainTextWriter.unwrappedBySubstrings(text, first: first, rest: rest, restore: Self.restore),
                "\(text.debugDescription)")
        }
    }
}

/// `EmailTheme.styled(_:role:)` looks styles up by `EmailTheme.styledNames`: every name
/// `style(of:role:inQuote:inPre:)` styles must be there.
struct StyledNamesTests {
    @Test func everyStyledNameIsListed() {
        var names = ["table", "tr", "td", "th", "div", "span", "strong", "em", "del", "br", "body", "h7", "A", "P"]
        names += EmailTheme.styledNames
        for name in names {
            for role in [FragmentRole.body, .footer] {
                for (inQuote, inPre) in [(false, false), (true, false), (false, true), (true, true)] {
                    if EmailTheme().style(of: name, role: role, inQuote: inQuote, inPre: inPre) != nil {
                        #expect(EmailTheme.styledNames.contains(name), "\(name)")
                    }
                }
            }
        }
        #expect(
            EmailTheme.styledNames.allSatisfy {
                EmailTheme().style(of: $0, role: .body, inQuote: false, inPre: false) != nil
            })
    }
}
