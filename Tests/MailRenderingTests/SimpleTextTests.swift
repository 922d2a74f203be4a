import Testing
@testable import MailRendering

/// The byte paths of the Markdown conversion (`unwrapTagParagraphs`, `HTMLTokenizer.tokens`,
/// `PlainTextWriter.wrap`, URL declarations, `haveSameWords`) are taken only on "simple" text
/// (`UTF8Text.isSimple`), where every scalar is its own Character. These tests check that premise
/// on every pair of accepted scalars, then each byte path against its Character-based definition
/// on generated strings mixing simple and non-simple pieces.
struct SimpleTextTests {
    /// Every scalar `isSimple` accepts.
    static let acceptedScalars: [Unicode.Scalar] = {
        let ranges: [ClosedRange<UInt32>] = [0x00...0x2FF, 0x2010...0x2027, 0x202F...0x205E, 0x20A0...0x20BF]
        return ranges.flatMap { $0 }.filter { $0 != 0x0D }.compactMap(Unicode.Scalar.init)
    }()

    @Test func everyPairOfAcceptedScalarsIsTwoCharacters() {
        var joined = 0
        for first in Self.acceptedScalars {
            #expect(UTF8Text.isSimple(String(first)), "U+\(String(first.value, radix: 16))")
            for second in Self.acceptedScalars {
                var pair = String.UnicodeScalarView()
                pair.append(first)
                pair.append(second)
                if String(pair).count != 2 { joined += 1 }
            }
        }
        #expect(joined == 0)
    }

    @Test(arguments: [
        0x0D, 0x300, 0x36F, 0x600, 0x1100, 0x200C, 0x200D, 0x2028, 0x202E, 0x2060, 0xFE0F, 0x1F1E6, 0x1F44D,
    ])
    func refusesScalarsThatCanJoin(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(!UTF8Text.isSimple("a" + String(scalar) + "b"))
    }

    /// The deterministic generator of the token-scan differential test, so a failure always reproduces.
    typealias Generator = TokenScanDifferentialTests.Generator

    /// Pieces of HTML and text; half the strings draw only simple ones, so both paths run.
    static let simplePieces = [
        "<p>", "</p>", "<li>", "</li>", "<a href=\"x\">", "</a>", "<", ">", " ", "  ", "\n", "word", "é", "’",
        "…", "€", "&amp;", "> ", "x", "a longer word", "\u{A0}", "\u{202F}", "\u{202F}:",
    ]
    static let otherPieces = ["\u{301}", "\r\n", "\r", "👍🏽", "\u{200D}", "\u{1100}\u{1161}", "\u{600}"]

    @Test func htmlTokensAgreeWithTheCharacterTokenizer() {
        var generator = Generator(state: 7)
        for round in 0..<4_000 {
            let pieces = round % 2 == 0 ? Self.simplePieces : Self.simplePieces + Self.otherPieces
            let html = generator.string(pieces, upTo: 16)
            #expect(
                HTMLTokenizer.tokens(of: html) == HTMLTokenizer.tokensByCharacters(of: html), "\(html.debugDescription)"
            )
        }
    }

    @Test func tagParagraphsAgreeWithTheCharacterDefinition() {
        let document = ProtectedMarkdown(source: "{% if a %} {{ b }} {% endif %}")
        let tokens = document.placeholders.map(\.token)
        var generator = Generator(state: 11)
        for round in 0..<4_000 {
            let pieces = (round % 2 == 0 ? Self.simplePieces : Self.simplePieces + Self.otherPieces) + tokens + tokens
            let html = generator.string(pieces, upTo: 16)
            #expect(
                MarkdownConversion.unwrapTagParagraphs(in: html, document: document)
                    == MarkdownConversion.unwrapTagParagraphsByCharacters(in: html, document: document),
                "\(html.debugDescription)")
        }
    }

    /// `holdsOnlyTags` reads the gaps between tokens in place (removing the tokens from a slice of the
    /// whole HTML copied the HTML once a paragraph: quadratic in a body's paragraphs). It must say what
    /// the removal said, on contents mixing silent tags, output tags, spaces and scalars that join.
    @Test func tagOnlyParagraphsAgreeWithTheRemovalDefinition() {
        let document = ProtectedMarkdown(source: "{% if a %} {{ b }} {% endif %}")
        let tokens = document.placeholders.map(\.token)
        let byRemoval = { (content: Substring) -> Bool in
            let found = document.tokens(in: content)
            var remainder = content
            for token in found.reversed() { remainder.removeSubrange(token.range) }
            return !found.isEmpty && found.allSatisfy { document.placeholders[$0.index].construct.isSilentTag }
                && remainder.allSatisfy { $0 == " " }
        }
        var generator = Generator(state: 13)
        var held = 0
        for round in 0..<4_000 {
            let pieces =
                [" ", "  ", "x", "\u{A0}", "\t"] + (round % 2 == 0 ? [] : Self.otherPieces) + tokens + tokens + tokens
            let html = "<p>" + generator.string(pieces, upTo: 8) + "</p>"
            let content = html.dropFirst(3).dropLast(4)
            let holds = MarkdownConversion.holdsOnlyTags(content, document: document)
            if holds { held += 1 }
            #expect(holds == byRemoval(content), "\(html.debugDescription)")
        }
        #expect(held > 100)
    }

    @Test func wrappingAgreesWithTheCharacterDefinition() {
        var generator = Generator(state: 23)
        // A restore that makes some words non-simple, as a Liquid construct's source can be. Like the
        // real one, it returns a word without `&` or `L` unchanged.
        let restore: (Substring) -> String = { $0.contains("&") || $0.contains("L") ? "\u{301}" + $0 : String($0) }
        for round in 0..<4_000 {
            let pieces = round % 2 == 0 ? Self.simplePieces : Self.simplePieces + Self.otherPieces
            let text = generator.string(pieces + ["abcdefghij", "0123456789012345678901234", "L", "Lyon"], upTo: 40)
            let first = ["", "> ", "- ", "> 12. "][generator.next(4)]
            let rest = ["", "> ", "  ", ">     "][generator.next(4)]
            #expect(
                PlainTextWriter.wrap(text, first: first, rest: rest, restore: restore)
                    == PlainTextWriter.wrapByCharacters(text, first: first, rest: rest, restore: restore),
                "\(text.debugDescription)")
        }
    }

    @Test func sameWordsAgreesWithNormalisedComparison() {
        var generator = Generator(state: 31)
        let pieces = [
            "a", "b", " ", "\n", "\t", "\u{A0}", "\u{85}", "é", "’", "e\u{301}", "\u{2003}", "\r\n", "\u{202F}",
            "\u{2028}",
        ]
        for _ in 0..<4_000 {
            let a = generator.string(pieces, upTo: 8)
            let b = generator.next(3) == 0 ? String(a.map { $0 == " " ? "\n" : $0 }) : generator.string(pieces, upTo: 8)
            let normalised = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            #expect(
                haveSameWords(a, b) == (normalised(a) == normalised(b)), "\(a.debugDescription) \(b.debugDescription)")
        }
    }

    /// `haveSameWords`' early answer (``UTF8Text/wordsDifferEarly(_:_:)``) on texts alike in their start and
    /// differing after it, ASCII and not, with the marks, `\r` and whitespace that could fool a byte reading:
    /// held to the normalised comparison, the definition, and never `true` where the words are the same.
    @Test func earlyDifferenceAgreesWithNormalisedComparison() {
        var generator = Generator(state: 37)
        let pieces = [
            "a", "b", "ab", " ", "  ", "\n", "\t", "\u{B}", "\u{C}", "\r", "\r\n", "\u{301}", "e\u{301}", "\u{E9}",
            "\u{A0}", "\u{85}", "\u{600}", "\u{2028}", "{{ x }}", ".",
        ]
        let normalised = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for _ in 0..<8_000 {
            let start = generator.string(pieces, upTo: 4)
            let a = start + generator.string(pieces, upTo: 4)
            let b = start + generator.string(pieces, upTo: 4)
            let same = normalised(a) == normalised(b)
            #expect(haveSameWords(a, b) == same, "\(a.debugDescription) \(b.debugDescription)")
            var (x, y) = (a, b)
            let early = x.withUTF8 { left in y.withUTF8 { right in UTF8Text.wordsDifferEarly(left, right) } }
            #expect(!(early && same), "\(a.debugDescription) \(b.debugDescription)")
        }
        // Bodies and their translations: told apart at their first word.
        var (x, y) = ("Bonjour {{ contact.firstname }},", "Hi {{ contact.firstname }},")
        #expect(x.withUTF8 { left in y.withUTF8 { right in UTF8Text.wordsDifferEarly(left, right) } })
    }

    /// The link text the rewrite keeps from the writer's `<a>`, on bytes, against its Character definition;
    /// the URL is drawn apart from the HTML's so that near misses (a combining mark, `\r\n`, a precomposed
    /// letter against a decomposed one) are tried.
    @Test func linkTitleAgreesWithItsCharacterDefinition() {
        var generator = TokenScanDifferentialTests.Generator(state: 61)
        let urlPieces = [
            "https://a.example/", "x", "e", "\u{E9}", "e\u{301}", "\u{301}", "\r\n", "\"", ">", "«", "\u{2001}",
            "LQQZ0X",
        ]
        let pieces = ["<a href=\"", "\">", "</a>", "<", ">", "a", "\u{301}", "\r\n", "é", "«", "👍🏽", "\"", " "]
        for _ in 0..<6_000 {
            let (url, _, html) = generator.anchor(
                urlPieces: urlPieces, urlUpTo: 4, pieces: pieces, otherURLOneIn: 4, shapeOneIn: 4, markOneIn: 6)
            let substring = Substring(url)
            #expect(
                MarkdownConversion.linkTitle(ofHTML: html, url: substring)
                    == MarkdownConversion.linkTitleByCharacters(ofHTML: html, url: substring),
                "\(html.debugDescription) \(url.debugDescription)")
        }
    }
}

extension TokenScanDifferentialTests.Generator {
    /// A generated `<a>` as the writer writes one, or a near miss of it: a URL of up to `urlUpTo` `urlPieces`,
    /// the one written in the `href` another one time in `otherURLOneIn`, a title of up to 5 `pieces`; the HTML
    /// is, one time in `shapeOneIn` each, pieces alone or an unclosed `<a>`, else a whole `<a>` followed by a
    /// combining mark one time in `markOneIn`.
    mutating func anchor(
        urlPieces: [String], urlUpTo: Int, pieces: [String], otherURLOneIn: Int, shapeOneIn: Int, markOneIn: Int
    ) -> (url: String, title: String, html: String) {
        let url = string(urlPieces, upTo: urlUpTo)
        let written = next(otherURLOneIn) == 0 ? string(urlPieces, upTo: 4) : url
        let title = string(pieces, upTo: 5)
        let html: String
        switch next(shapeOneIn) {
        case 0: html = string(pieces, upTo: 8)
        case 1: html = "<a href=\"" + written + "\">" + title
        default: html = "<a href=\"" + written + "\">" + title + "</a>" + (next(markOneIn) == 0 ? "\u{301}" : "")
        }
        return (url, title, html)
    }

    /// Up to `count - 1` pieces drawn from `pieces`, joined.
    mutating func string(_ pieces: [String], upTo count: Int) -> String {
        var result = ""
        for _ in 0..<next(count) { result += pieces[next(pieces.count)] }
        return result
    }
}
