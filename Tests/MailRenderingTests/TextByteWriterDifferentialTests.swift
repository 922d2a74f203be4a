import TestSupport
import Testing

@testable import MailRendering

/// The pieces of the streamed text writer (`PlainTextWriter.ByteWriter`) against what they replaced: its
/// one-pass wrap against the Character wrap (`PlainTextWriter.wrapByCharacters`, `unwrappedBySubstrings`),
/// its token scan against `ProtectedMarkdown.tokens(in:)`, its filter of known keys against
/// `ConversionSettings.value(ofOutput:)`, and the whole writer against the token walk
/// (`PlainTextWriter.text(fromHTML:document:settings:)`, the definition) on random HTML, beside
/// `TextStreamDifferentialTests`' random Markdown.
struct TextByteWriterDifferentialTests {
    /// A document with five placeholders: an output, a known output, a tag, an autolink and a `<`.
    static let document = ProtectedMarkdown(
        source: "{{ a }} {{ legal.publisher }} {% if b %} <https://x.example> c < d {{ legal.address }}")

    /// Simple text: words, runs of spaces, line feeds, entities (one decoding to a combining mark, one to
    /// `\r`), tokens (in range, out of range, next to a non-ASCII byte), `>`, long words.
    static let inlinePieces = [
        " ", "  ", "\n", "word", "mot", "longerwordhere", "é", "’", "&amp;", "&#x301;", "&#13;", "&lt;", "&gt;",
        ">", "> ", "L", "Lyon", "LQQZ", "LQQZ0X", "LQQZ1X", "LQQZ2X", "LQQZ3X", "LQQZ4X", "LQQZ9X", "éLQQZ0X",
        "LQQZ2Xé", "\t", "\u{A0}", "\u{202F}", "«", "-", "x@y.example",
        "https://a.example/a/very/long/path/that/does/not/wrap/even/when/it/is/longer/than/the/line",
        "a sentence of several short words to fill the line ", "12345678", "&#x212A;",
    ]

    static let prefixes = [("", ""), ("> ", "> "), ("- ", "  "), ("> 1. ", ">    "), ("   10. ", "       ")]

    /// The lines `ByteWriter.appendLines` writes for `text`, joined by `\n`, and their number.
    static func byteLines(_ text: String, first: String, rest: String, width: Int?) -> (String, Int) {
        var writer = PlainTextWriter.ByteWriter(document: document, settings: .init())
        writer.firstPrefix = Array(first.utf8)
        writer.restPrefix = Array(rest.utf8)
        var out: [UInt8] = []
        var starts: [Int] = []
        var word: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer {
            writer.appendLines($0, width: width, into: &out, lineStarts: &starts, word: &word)
        }
        return (String(decoding: out, as: UTF8.self), starts.count)
    }

    /// Expects the byte writer's lines of `text` to be the definition's: wrapped by Characters at the width,
    /// except every `wrapsUnless`-th round, unwrapped; the prefixes taken in turn by round. False on a difference.
    static func expectByteLinesAgree(_ text: String, round: Int, wrapsUnless period: Int) -> Bool {
        let writer = PlainTextWriter.ByteWriter(document: Self.document, settings: .init())
        func restore(_ word: Substring) -> String {
            Array(word.utf8).withUnsafeBufferPointer { writer.restoredString($0) }
        }
        let (first, rest) = Self.prefixes[round % Self.prefixes.count]
        let wraps = round % period != 0
        let lines =
            wraps
            ? PlainTextWriter.wrapByCharacters(text, first: first, rest: rest, restore: restore)
            : PlainTextWriter.unwrappedBySubstrings(text, first: first, rest: rest, restore: restore)
        let (written, count) = Self.byteLines(
            text, first: first, rest: rest, width: wraps ? PlainTextWriter.width : nil)
        #expect(written == lines.joined(separator: "\n"), "\(text.debugDescription) \(first.debugDescription)")
        #expect(count == lines.count, "\(text.debugDescription)")
        return written == lines.joined(separator: "\n")
    }

    @Test func linesAgreeWithTheCharacterWrap() {
        var generator = SplitMix64(state: 0xB17E)
        for round in 0..<6_000 {
            var text = ""
            for _ in 0..<generator.next(40) { text += Self.inlinePieces[generator.next(Self.inlinePieces.count)] }
            guard Self.expectByteLinesAgree(text, round: round, wrapsUnless: 3) else { return }
        }
    }

    /// Long runs of plain words one space apart (what `ByteWriter.plainRunEnd` joins eight bytes at a time),
    /// broken by what ends such a run: two spaces, `\n`, `&`, the token prefix's first byte, a token, words of
    /// every length around the width, non-ASCII scalars on either side of an eight-byte boundary.
    static let runPieces = [
        " ", " ", " ", " ", "  ", "\n", "a", "de", "mot", "word", "équipe", "été", "porte-à-porte", "quartier",
        "transports", "12345678", "1234567", "123456789", "’", "«", "»", "\u{A0}", "&amp;", "L", "Lyon", "LQQZ1X",
        "LQQZ0X", "x&y", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy",
        "éééééééééééééééééééééééééééééééééééééééé", "\t", ">", "-",
    ]

    @Test func plainRunsAgreeWithTheCharacterWrap() {
        var generator = SplitMix64(state: 0x9A1B)
        for round in 0..<6_000 {
            var text = ""
            // Mostly single spaces between words: long runs for the joined path.
            for _ in 0..<generator.next(120) {
                let piece = Self.runPieces[generator.next(Self.runPieces.count)]
                text += piece
                if generator.next(3) != 0 { text += " " }
            }
            guard Self.expectByteLinesAgree(text, round: round, wrapsUnless: 4) else { return }
        }
    }

    /// `plainRunEnd` against its definition: the words joined one by one while they fit.
    @Test func plainRunEndAgreesWithWordByWordJoining() {
        var generator = SplitMix64(state: 0x51DE)
        let prefixFirst = Self.document.prefixBytes.first ?? 0
        for _ in 0..<20_000 {
            var text = "w"
            for _ in 0..<generator.next(40) { text += Self.runPieces[generator.next(Self.runPieces.count)] }
            let bytes = Array(text.utf8)
            guard let start = bytes.firstIndex(of: 0x20) else { continue }
            let room = generator.next(90) - 5
            // The definition: from `start` (a space after a word), word after word, each after exactly one
            // space, plain, and fitting.
            var end = start
            var characters = 0
            var p = start
            while p < bytes.count, bytes[p] == 0x20, p + 1 < bytes.count, bytes[p + 1] != 0x20,
                bytes[p + 1] != 0x0A
            {
                var q = p + 1
                while q < bytes.count, bytes[q] != 0x20, bytes[q] != 0x0A { q += 1 }
                let word = bytes[(p + 1)..<q]
                guard !word.contains(0x26), !word.contains(prefixFirst) else { break }
                let wordCharacters = word.filter { $0 & 0xC0 != 0x80 }.count
                guard characters + 1 + wordCharacters <= room else { break }
                characters += 1 + wordCharacters
                end = q
                p = q
            }
            let found = bytes.withUnsafeBufferPointer {
                PlainTextWriter.ByteWriter.plainRunEnd($0, from: start, room: room, prefixFirst: prefixFirst)
            }
            #expect(found.end == end, "\(text.debugDescription) \(room)")
            #expect(found.characters == characters, "\(text.debugDescription) \(room)")
            if found.end != end { return }
        }
    }

    /// `ByteWriter.equal` against its definition, String equality (canonical equivalence), on texts mixing
    /// ASCII, simple scalars, combining marks and the scalars equivalent to ASCII.
    @Test func linkTextEqualityAgreesWithStrings() {
        var generator = SplitMix64(state: 0xE9A1)
        let pieces = [
            "a", "K", "\u{212A}", ";", "\u{37E}", "`", "\u{1FEF}", "é", "e\u{301}", "e", "’", "x@y.example", "mailto:",
            "https://a.example", "Å", "\u{212B}", "A\u{30A}", " ",
        ]
        for _ in 0..<6_000 {
            var a = ""
            for _ in 0..<generator.next(4) { a += pieces[generator.next(pieces.count)] }
            var b = generator.next(3) == 0 ? "mailto:" : ""
            for _ in 0..<generator.next(4) { b += pieces[generator.next(pieces.count)] }
            for afterMailto in [false, true] {
                let expected = (afterMailto ? "mailto:" : "") + a == b
                let found = PlainTextWriter.ByteWriter.equal(Array(a.utf8), Array(b.utf8), afterMailto: afterMailto)
                #expect(found == expected, "\(a.debugDescription) \(b.debugDescription) \(afterMailto)")
            }
        }
    }

    @Test func tokenScanAgreesWithTheDocument() {
        var generator = SplitMix64(state: 0x70C3)
        let pieces = Self.inlinePieces + ["LQQZ12345678901234567890X", "LQQZX", "LQQZ0", "0X", "X", "LLQQZ1X"]
        for _ in 0..<6_000 {
            var text = ""
            for _ in 0..<generator.next(12) { text += pieces[generator.next(pieces.count)] }
            var found: [(Range<Int>, Int)] = []
            let scanned = Array(text.utf8).withUnsafeBufferPointer {
                ProtectedMarkdown.scanTokens(
                    $0, prefix: Self.document.prefixBytes, placeholderCount: Self.document.placeholders.count
                ) { found.append(($0, $1)) }
            }
            // Where the scan gives up, the document searches by Characters: no claim. Where it does not,
            // it finds what the definition (the Character search) finds.
            guard scanned else { continue }
            let utf8 = text.utf8
            let expected = Self.document.tokensByCharacters(in: Substring(text)).map { token in
                (
                    utf8.distance(
                        from: utf8.startIndex, to: token.range.lowerBound)..<utf8.distance(
                            from: utf8.startIndex, to: token.range.upperBound), token.index
                )
            }
            #expect(found.map(\.0) == expected.map(\.0), "\(text.debugDescription)")
            #expect(found.map(\.1) == expected.map(\.1), "\(text.debugDescription)")
        }
    }

    @Test func keyFilterNeverTurnsAwayAKnownOutput() {
        var generator = SplitMix64(state: 0x6E75)
        let keys = ["a", "Key", "legal.publisher", "x y", ";", "`", "ab", "b.c", "K;`"]
        let pathPieces = [
            "a", "K", "\u{212A}", "ey", ";", "\u{37E}", "`", "\u{1FEF}", "legal.publisher", "x y", "é", "b", ".c", " ",
            "-", "\r", "\r\n", "e\u{301}",
        ]
        for round in 0..<6_000 {
            var settings = ConversionSettings()
            for _ in 0..<(1 + generator.next(4)) { settings.knownValues[keys[generator.next(keys.count)]] = "v" }
            if round % 7 == 0 { settings.knownValues["é"] = "v" }
            guard let filter = PlainTextWriter.ByteWriter.KeyFilter(settings.knownValues.keys) else { continue }
            var path = ""
            for _ in 0..<generator.next(4) { path += pathPieces[generator.next(pathPieces.count)] }
            let open = ["{{", "{{ ", "{{  ", "{{-", "{"][generator.next(5)]
            let close = ["}}", " }}", "  }}", "-}}", "}"][generator.next(5)]
            let source = open + path + close
            if !filter.mayName(source) {
                #expect(settings.value(ofOutput: source) == nil, "\(source.debugDescription) \(settings.knownValues)")
            }
        }
    }

    /// Tags and text of the writer's HTML and of raw HTML in Markdown, tokens of `document` among them.
    static let htmlPieces = [
        "<p>", "</p>", "<P>", "<h1>", "</h1>", "<h2>", "</h2>", "<h3>", "</h3>", "<ul>", "</ul>", "<ol>",
        "<ol start=\"3\">", "<ol start=\"-2\">", "<ol start=\"x\">", "</ol>", "<li>", "</li>", "</LI>", "<blockquote>",
        "</blockquote>", "<pre>", "</pre>", "<br>", "<br/>", "<hr>", "<hr />",
        // Links whole, as the Markdown writer writes them (it never opens a block inside one).
        "<a href=\"https://a.example\">word</a>", "<a href=\"https://a.example\">https://a.example</a>",
        "<a href=\"https://a.example\"> https://a.example  </a>", "<a href=\"LQQZ1X\">LQQZ1X</a>",
        "<a href=\"LQQZ0X\">é « LQQZ2X</a>", "<a href=\"mailto:x@y.example\">x@y.example</a>",
        "<a href=\"mailto:LQQZ1X\">LQQZ1X</a>", "<a title=\"t\"> </a>", "<a href=\"u\"><img alt=\"i\"></a>",
        "<a href=\"&amp;\">&amp;</a>", "<a href=\"x\">a<br>b</a>", "<a href=\"é\">e&#x301;</a>",
        "<img alt=\"pic\">", "<img alt=\"LQQZ1X\"/>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>",
        "</th>", "<em>", "</em>", "<strong>", "<p class=\"c\u{A0}x\">", "<é>", "</é>", "word ", "Lyon ", " ", "  ",
        "\n", "\n\n", "&amp;", "&#x301;", "&#13;", "&lt;", "LQQZ0X", "LQQZ1X", "LQQZ2X", "LQQZ3X", "LQQZ4X",
        "éLQQZ1X", "LQQZ1Xé", "x@y.example", "https://a.example", "a long run of words that goes on and on and on ",
        "«", "é", "\u{A0}", "> ", ">", "e\u{301}", "<", "\t",
    ]

    static let settings: [ConversionSettings] = [
        ConversionSettings(),
        ConversionSettings(knownValues: ["legal.publisher": "Lyon & Co <SAS>", "legal.address": "12 rue"]),
        ConversionSettings(knownValues: ["legal.publisher": "Cafe\u{301}", "legal.address": " "]),
        ConversionSettings(knownValues: ["legal.publisher": "{{ x }}", "a": "A"]),
    ]

    @Test func randomHTMLAgreesWithTheTokenWalk() {
        var generator = SplitMix64(state: 0x4E7A)
        for round in 0..<6_000 {
            var html = ""
            for _ in 0..<generator.next(40) { html += Self.htmlPieces[generator.next(Self.htmlPieces.count)] }
            let settings = Self.settings[round % Self.settings.count]
            let definition = PlainTextWriter.text(fromHTML: html, document: Self.document, settings: settings)
            let streamed = PlainTextWriter.streamedText(fromHTML: html, document: Self.document, settings: settings)
            #expect(streamed == definition, "\(html.debugDescription) \(round % Self.settings.count)")
            if streamed != definition { return }
        }
    }
}
