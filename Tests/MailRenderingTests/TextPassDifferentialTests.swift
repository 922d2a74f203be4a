import Testing
@testable import MailRendering

/// The byte and scalar passes that replaced Character and `String.UnicodeScalarView` ones, each against
/// the pass it replaced (kept below as the definition), on generated strings mixing ASCII, typographic
/// marks, combining marks, `\r\n` and the markup the writer makes.
struct TextPassDifferentialTests {
    typealias Generator = TokenScanDifferentialTests.Generator

    static let htmlPieces = [
        "<p>", "</p>", "<code>", "</code>", "<pre>", "</pre>", "<pre", "<code\u{301}>", "<pre\u{300}>",
        "</code\u{301}>",
        "<a href=\"https://a.example/«x»\">", "</a>", "<", ">", " ", "\u{A0}", "\u{202F}", "«", "»", ":", ";", "!", "?",
        "word", "é", "\u{301}", "\n", "\r\n", "LQQZ0X", "👍🏽", "« ", " »", "14:30", "https://",
    ]

    @Test func frenchTypographyAgreesWithTheScalarViewPass() {
        var generator = Generator(state: 23)
        for _ in 0..<4_000 {
            let html = generator.string(Self.htmlPieces, upTo: 20)
            #expect(
                Typography.french.apply(toProtectedHTML: html) == Self.frenchByScalarView(html),
                "\(html.debugDescription)")
        }
    }

    /// The byte pass of French typography on longer HTML, with the tags that open and close code.
    @Test func frenchTypographyOnBytesAgreesOnLongerHTML() {
        var generator = Generator(state: 0xF4E7)
        let pieces =
            Self.htmlPieces + ["<code class=\"x\">", "<pre><code>", "</code></pre>", "«\u{A0}", "\u{A0}»", "«<"]
        for _ in 0..<8_000 {
            let html = generator.string(pieces, upTo: 40)
            #expect(
                Typography.french.apply(toProtectedHTML: html) == Self.frenchByScalarView(html),
                "\(html.debugDescription)")
        }
    }

    /// The byte pass of French typography on HTML with long runs of text between the places it acts on,
    /// where it skips eight bytes at a time, and the bytes its word test flags without acting (`89=>`).
    @Test func frenchTypographyAgreesOnLongRuns() {
        var generator = Generator(state: 0xF4E8)
        let pieces =
            Self.htmlPieces + [
                "abcdefghijklmnop", "le temps est beau ", "89=>", "> ", " 8", "«", "»", " :", " ;", "\u{A0}!", "1 ?",
                "<code>x ; y</code>", "<pre>a ! b", "Vorschläge für ", "<p>Bonjour :</p>",
            ]
        for _ in 0..<8_000 {
            let html = generator.string(pieces, upTo: 40)
            #expect(
                Typography.french.apply(toProtectedHTML: html) == Self.frenchByScalarView(html),
                "\(html.debugDescription)")
        }
    }

    /// Trimming a link target's spaces and tabs on bytes against the Character trim.
    @Test func trimmingSpacesAndTabsAgreesWithTheCharacterTrim() {
        var generator = Generator(state: 0x7A8)
        let pieces = [
            " ", "\t", "a", "é", "\u{301}", "\r\n", "\u{A0}", "\u{202F}", "{{ x }}", "https://a.example", "\n",
        ]
        for _ in 0..<4_000 {
            let text = Substring(generator.string(pieces, upTo: 8))
            #expect(
                MarkdownConversion.trimmingSpacesAndTabs(text) == text.trimming([" ", "\t"]), "\(text.debugDescription)"
            )
        }
    }

    /// `UTF8Text.isSimple` reading eight ASCII bytes at a time against its byte-by-byte walk (below), on
    /// strings long enough for words to start at every offset.
    @Test func isSimpleAgreesWithTheByteWalk() {
        var generator = Generator(state: 0x51A)
        let pieces = [
            "a", "abcdefg", " ", "\r", "\n", "é", "\u{301}", "\u{2019}", "\u{202F}", "\u{2028}", "€", "👍", "\u{20C0}",
        ]
        for _ in 0..<8_000 {
            var text = generator.string(pieces, upTo: 24)
            let fast = UTF8Text.isSimple(text)
            let definition = text.withUTF8(Self.isSimpleByBytes)
            #expect(fast == definition, "\(text.debugDescription)")
        }
    }

    /// `UTF8Text.firstOffset(of:in:from:)`, which skips eight bytes at a time, against a plain search.
    @Test func firstOffsetAgreesWithAPlainSearch() {
        var generator = Generator(state: 0xF1F)
        let pieces = ["a", "L", "LQ", "LQQZ", "LQQZ0X", "abcdefgh", " ", "é", "\n", "{{", "{", "%"]
        let patterns: [[UInt8]] = [Array("LQQZ".utf8), Array("{{".utf8), Array("a".utf8), Array("\n".utf8), []]
        for _ in 0..<4_000 {
            let bytes = Array(generator.string(pieces, upTo: 30).utf8)
            for pattern in patterns {
                for from in [0, 1, 7, 9] {
                    let fast = bytes.withUnsafeBufferPointer { UTF8Text.firstOffset(of: pattern, in: $0, from: from) }
                    var plain: Int?
                    var i = from
                    while pattern.isEmpty ? plain == nil : i + pattern.count <= bytes.count {
                        if pattern.isEmpty || bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                            plain = i
                            break
                        }
                        i += 1
                    }
                    #expect(fast == plain, "\(bytes) \(pattern) \(from)")
                }
            }
        }
    }

    /// `UTF8Text.nextOffset(of:in:from:)`, `memchr` from 32 bytes on and eight bytes at a time below, against
    /// a byte-by-byte search (its definition), from every start, across the 32-byte threshold.
    @Test func nextOffsetAgreesWithAByteSearch() {
        var generator = Generator(state: 0xF2F)
        let pieces = ["a", "L", "abcdefgh", " ", "é", "\n", "{", "\u{0}", "\u{FF}", "LQQZ0X"]
        for _ in 0..<2_000 {
            let bytes = Array(generator.string(pieces, upTo: 40).utf8)
            for byte in [UInt8(ascii: "L"), UInt8(ascii: "\n"), UInt8(ascii: "{"), 0, 0xBF, UInt8(ascii: "z")] {
                bytes.withUnsafeBufferPointer { buffer in
                    for from in 0...buffer.count {
                        var plain = from
                        while plain < buffer.count, buffer[plain] != byte { plain += 1 }
                        #expect(
                            UTF8Text.nextOffset(of: byte, in: buffer, from: from) == plain, "\(bytes) \(byte) \(from)")
                    }
                }
            }
        }
    }

    /// The byte walk `UTF8Text.isSimple(_:)` was: the definition.
    static func isSimpleByBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            if byte < 0xCC {
                if byte == 0x0D { return false }
                i += 1
                continue
            }
            guard byte == 0xE2, i + 2 < count else { return false }
            let scalar = (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F) | 0x2000
            guard
                (0x2010...0x2027).contains(scalar) || (0x202F...0x205E).contains(scalar)
                    || (0x20A0...0x20BF).contains(scalar)
            else { return false }
            i += 3
        }
        return true
    }

    static let outputPieces = [
        "{{", "}}", "{{-", "-}}", " ", "legal.publisher", "a", "\u{301}", "\r", "\r\n", "é", "-", "{", "}",
    ]

    @Test func outputPathAgreesWithTheCharacterDefinition() {
        var generator = Generator(state: 29)
        for _ in 0..<4_000 {
            let source = generator.string(Self.outputPieces, upTo: 7)
            #expect(
                ConversionSettings.path(ofOutput: source) == Self.pathByCharacters(source), "\(source.debugDescription)"
            )
        }
    }

    static let needlePieces = [
        "{{", "{%", "\n", "\r", "\r\n", "{", "%", "é", "\u{301}", "LQQZ", "LQQZ\u{301}", "a", "{.button}",
    ]

    /// The search `String.contains(_:)` is in MailRendering, which does not import Foundation: the
    /// standard library's `firstRange(of:)`, by Characters. (Here, beside tests that import Foundation,
    /// `contains` would be NSString's search, by UTF-16 units.)
    @Test func containsCharactersIsTheCharacterSearch() {
        var generator = Generator(state: 31)
        for _ in 0..<4_000 {
            let text = generator.string(Self.needlePieces, upTo: 8)
            for needle in ["{{", "{%", "\n", "\r", "LQQZ", "{.button}"] {
                #expect(
                    UTF8Text.containsCharacters(text, needle) == (text.firstRange(of: needle) != nil),
                    "\(text.debugDescription) \(needle.debugDescription)")
            }
        }
    }

    @Test func knownValuesWithALineBreakStayLiquid() {
        var generator = Generator(state: 37)
        for _ in 0..<2_000 {
            let value = generator.string(Self.needlePieces, upTo: 6)
            let settings = ConversionSettings(knownValues: ["legal.publisher": value])
            let expected =
                value.firstRange(of: "{{") == nil && value.firstRange(of: "{%") == nil
                && !value.contains(Character("\n")) && !value.contains(Character("\r"))
            #expect((settings.value(ofOutput: "{{ legal.publisher }}") != nil) == expected, "\(value.debugDescription)")
        }
    }

    static let boundPieces = ["[", "[[[[[", "]", "]]", "\n", "\n\n", " ", "\t", "\r", "é", "👍🏽", "x", "[x](y)"]

    @Test func markdownBoundsAgreeWithTheScalarCount() {
        var generator = Generator(state: 41)
        for _ in 0..<4_000 {
            let markdown = generator.string(Self.boundPieces, upTo: 30)
            #expect(
                MarkdownBounds.problem(in: markdown) == Self.boundsByScalars(markdown), "\(markdown.debugDescription)")
        }
        let long = String(repeating: "é", count: MarkdownBounds.maxScalars)
        #expect(MarkdownBounds.problem(in: long) == nil)
        #expect(MarkdownBounds.problem(in: long + "€") == Self.boundsByScalars(long + "€"))
        #expect(
            MarkdownBounds.problem(in: String(repeating: "[x]", count: 501))
                == Self.boundsByScalars(String(repeating: "[x]", count: 501)))
    }

    /// `MarkdownBounds.problem(in:)` over Unicode scalars, as before its byte loop.
    static func boundsByScalars(_ markdown: String) -> String? {
        var count = 0
        var open = 0
        var inParagraph = 0
        var lineIsBlank = true
        for scalar in markdown.unicodeScalars {
            count += 1
            if count > MarkdownBounds.maxScalars { return "it is longer than \(MarkdownBounds.maxScalars) characters" }
            switch scalar {
            case "\n":
                if lineIsBlank {
                    open = 0
                    inParagraph = 0
                }
                lineIsBlank = true
            case "[":
                lineIsBlank = false
                open += 1
                inParagraph += 1
                if open > MarkdownBounds.maxOpenBrackets {
                    return "more than \(MarkdownBounds.maxOpenBrackets) `[` are open at once in one paragraph"
                }
                if inParagraph > MarkdownBounds.maxBracketsPerParagraph {
                    return "one paragraph has more than \(MarkdownBounds.maxBracketsPerParagraph) `[`"
                }
            case "]":
                lineIsBlank = false
                if open > 0 { open -= 1 }
            case " ", "\t", "\r":
                break
            default:
                lineIsBlank = false
            }
        }
        return nil
    }

    static let markdownPieces = [
        "[a]: https://a.example/x", "[B]:\thttps://b.example", "  [c]: {{ url }}", "[a]: https://dup.example", "\n",
        "\n\n",
        "```", "  ```", "\t", " ", "[x]", "[y]:", "text", "é", "\u{202F}", "\u{301}", "\r\n", "`code`", "[", "]:",
        "{{ x }}",
    ]

    @Test func urlDeclarationsAgreeWithEveryLineRead() {
        var generator = Generator(state: 43)
        for _ in 0..<3_000 {
            let document = ProtectedMarkdown(source: generator.string(Self.markdownPieces, upTo: 14))
            let fast = MarkdownConversion.urlDeclarations(in: document)
            let reference = MarkdownConversion.urlDeclarations(
                in: document, lines: document.text.split(separator: "\n", omittingEmptySubsequences: false))
            #expect(
                fast.ordered.map { String($0.url) } == reference.ordered.map { String($0.url) },
                "\(document.text.debugDescription)")
            #expect(fast.ordered.map(\.range) == reference.ordered.map(\.range))
            #expect(fast.byName.mapValues { String($0.url) } == reference.byName.mapValues { String($0.url) })
        }
    }

    static let segmentPieces = [
        " ", "  ", "\n", "\n\n", "word", "é", "\u{202F}", "\u{301}", "\r\n", "👍🏽", "&amp;", "LQQZ0X",
    ]

    @Test func segmentsAndWordsAgreeWithCharacterSplits() {
        var generator = Generator(state: 47)
        for _ in 0..<4_000 {
            let text = generator.string(Self.segmentPieces, upTo: 12)
            let segments = PlainTextWriter.segments(of: text)
            #expect(
                segments == text.split(separator: "\n", omittingEmptySubsequences: false), "\(text.debugDescription)")
            for segment in segments {
                #expect(
                    PlainTextWriter.words(of: segment) == segment.split(separator: " "), "\(segment.debugDescription)")
            }
        }
    }

    static let linkPieces = [
        "(", ")", "[", "]", "x", " ", "\t", "\r\n", "\r", "\"", "'", "`", "é", "\u{301}", "\u{202F}", "\u{A0}",
        "https://a.example/",
    ]

    @Test func linkScansAgreeWithCharacterScans() {
        var generator = Generator(state: 53)
        for _ in 0..<4_000 {
            let text = generator.string(Self.linkPieces, upTo: 10)
            #expect(
                MarkdownConversion.holdsSpaceOrQuote(text)
                    == text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "`" }),
                "\(text.debugDescription)")
            let raw = Substring("[" + text + ")")
            let start = raw.index(after: raw.startIndex)
            #expect(
                MarkdownConversion.openingParenthesis(in: raw, downTo: start) == Self.openingByCharacters(raw, start),
                "\(raw.debugDescription)")
        }
    }

    static func openingByCharacters(_ raw: Substring, _ start: Substring.Index) -> Substring.Index? {
        var balance = 0
        var index = raw.index(before: raw.endIndex)
        while index > start {
            index = raw.index(before: index)
            if raw[index] == ")" { balance += 1 }
            if raw[index] == "(" {
                if balance == 0 { return index }
                balance -= 1
            }
        }
        return nil
    }

    static let tagPieces = [
        "a", "A", "href", "HREF", "=", "\"", "x y", " ", "  ", "\t", "\r\n", "\n", "/", "start=\"3\"", "é", "\u{301}",
        "=\"v\"",
    ]

    @Test func startTagsAgreeWithTheCharacterParse() {
        var generator = Generator(state: 59)
        for round in 0..<4_000 {
            let pieces = round % 2 == 0 ? Array(Self.tagPieces.dropLast(3)) + ["=\"v\""] : Self.tagPieces
            let inside = Substring(generator.string(pieces, upTo: 10))
            #expect(
                HTMLTokenizer.startTag(inside) == HTMLTokenizer.startTagByCharacters(inside),
                "\(inside.debugDescription)")
        }
    }

    /// The path of `{{ path }}` as `ConversionSettings.value(ofOutput:)` read it before its byte path.
    static func pathByCharacters(_ source: String) -> String? {
        guard source.hasPrefix("{{"), source.hasSuffix("}}"), !source.hasPrefix("{{-"), !source.hasSuffix("-}}")
        else { return nil }
        return source.dropFirst(2).dropLast(2).trimming([" "])
    }

    /// French typography written through `String.UnicodeScalarView`, as before the byte writer.
    static func frenchByScalarView(_ html: String) -> String {
        let scalars = Array(html.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        var codeDepth = 0
        let narrow = Typography.narrowNoBreakSpace
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\u{A0}" || scalar == "\u{202F}" }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
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
                if let next, ":;!?»".unicodeScalars.contains(next) {
                    result.append(narrow)
                } else {
                    result.append(scalar)
                }
            case "«":
                result.append(scalar)
                if let next, isSpace(next) {
                    result.append(narrow)
                    index += 2
                    continue
                } else if let next, next != "<" {
                    result.append(narrow)
                }
            case "»":
                if let last = result.last, !isSpace(last), last != ">", last != "\n" { result.append(narrow) }
                result.append(scalar)
            default:
                result.append(scalar)
            }
            index += 1
        }
        return String(result)
    }
}
