import TestSupport
import Liquid
import Testing
@testable import MailRendering

/// `ProtectedMarkdown.init`, which copies the source's UTF-8 bytes and counts scalars by lead bytes, against
/// the construction on Unicode scalars it replaced (kept below as the definition): the same text, the same
/// pieces, and the same Unicode-scalar offset at every UTF-8 offset of the text.
struct ProtectedMarkdownDifferentialTests {
    typealias Generator = SplitMix64

    static let pieces = [
        "a", "word ", "abcdefghij", " ", "\t", "\n", "\n\n", "\r\n", "é", "\u{301}", "\u{2019}", "👍🏽", "«\u{A0}",
        "{{ x }}", "{{ intro }}", "{% if a %}", "{% else %}", "{% endif %}", "{% capture intro %}", "{% endcapture %}",
        "{% raw %}", "{% endraw %}", "{% comment %}c{% endcomment %}", "<b>", "<https://a.example/é>", "<", "```",
        "```é", "  ```", "LQQZ", "LQQZ0X", "{{", "{%", "}}", "%}", "# ", "- ", "`c`", "[l](https://a.example)",
    ]

    @Test func constructionAgreesWithTheScalarDefinition() {
        var generator = Generator(state: 0x9D2)
        for _ in 0..<4_000 {
            let source = generator.string(Self.pieces, upTo: 40)
            Self.expectAgreement(source)
        }
    }

    /// Long runs of plain text between constructs and newlines, where the walk skips eight bytes at a time.
    @Test func constructionAgreesOnLongRuns() {
        var generator = Generator(state: 0x9D3)
        let pieces =
            Self.pieces + [
                String(repeating: "abcdefgh", count: 5), String(repeating: "é", count: 9), "Vorschläge für ", "ａｂｃ",
            ]
        for _ in 0..<2_000 {
            Self.expectAgreement(generator.string(pieces, upTo: 30))
        }
    }

    /// Hostile sources: unclosed delimiters, `{% raw %}` without its end, NUL, CR and CR LF, bidi controls,
    /// prefixes of the tokens, multi-byte scalars next to every construct, and long runs between them.
    @Test func constructionAgreesOnHostileSources() {
        var generator = Generator(state: 0x9D6)
        let pieces =
            Self.pieces + [
                "\u{0}", "\r", "\r\n", "\u{202E}", "\u{2066}", "\u{200F}", "{{ x", "{% if", "{% raw %}{{ y }}",
                "{%- endraw -%}", "{{{{", "}}}}", "{% comment %}", "LQQQZ", "LQQZ12X", "L", "Q", "Z", "X",
                "\u{FEFF}", "𝔘", "中文", "{{ é }}", "{% if é %}", String(repeating: "xé", count: 11), "\n\n\n",
                "<mailto:a@b.c>", "<!-- c -->", "{{ intro | upcase }}",
            ]
        for _ in 0..<3_000 {
            Self.expectAgreement(generator.string(pieces, upTo: 50))
        }
    }

    /// `UTF8Text.firstOffset(of:in:from:)`, which skips to each first byte eight bytes at a time, against a
    /// comparison at every offset (its definition), from every start.
    @Test func byteSearchAgreesWithComparisonAtEveryOffset() {
        var generator = Generator(state: 0x9D7)
        let pieces = ["L", "Q", "Z", "LQ", "QZ", "LQQZ", "LQQQZ", "a", "abcdefgh", "é", "\n", "{.button}", "{"]
        let patterns: [[UInt8]] = [
            Array("LQQZ".utf8), Array("LQQQZ".utf8), Array("Z".utf8), Array("LQQQQZ".utf8), Array("{.button}".utf8),
        ]
        for _ in 0..<3_000 {
            let bytes = Array(generator.string(pieces, upTo: 24).utf8)
            for pattern in patterns {
                bytes.withUnsafeBufferPointer { buffer in
                    for from in 0...buffer.count {
                        var expected: Int?
                        var i = from
                        while i + pattern.count <= buffer.count {
                            if Array(buffer[i..<i + pattern.count]) == pattern {
                                expected = i
                                break
                            }
                            i += 1
                        }
                        #expect(
                            UTF8Text.firstOffset(of: pattern, in: buffer, from: from) == expected, "\(bytes) \(pattern)"
                        )
                    }
                    #expect(
                        ProtectedMarkdown.containsBytes(pattern, in: buffer)
                            == (UTF8Text.firstOffset(of: pattern, in: buffer, from: 0) != nil))
                }
            }
        }
    }

    /// `ProtectedMarkdown.continuationOffsets(in:)`, a word at a time, against `UTF8Text.continuationOffsets(in:)`
    /// (its definition), at every length and alignment.
    @Test func continuationOffsetsAgreeWithTheByteScan() {
        var generator = Generator(state: 0x9D5)
        let pieces = ["a", "abcdefgh", "é", "\u{301}", "€", "👍🏽", "\u{2019}", " ", "\n", "LQQZ0X"]
        for _ in 0..<3_000 {
            let bytes = Array(generator.string(pieces, upTo: 24).utf8)
            #expect(
                ProtectedMarkdown.continuationOffsets(in: bytes) == UTF8Text.continuationOffsets(in: bytes),
                "\(bytes)")
        }
    }

    /// `ProtectedMarkdown.tagRole(_:)`, read on bytes, against `tagName(_:)` looked up in the sets of
    /// block tags (its definition).
    @Test func tagRolesAgreeWithTagNames() {
        var generator = Generator(state: 0x9D4)
        let pieces = [
            "{% if a %}", "{%- if a -%}", "{%\nif a %}", "{% elsif b %}", "{% else %}", "{%else%}", "{% when 1 %}",
            "{% endif %}", "{% unless c %}", "{% endunless %}", "{% case d %}", "{% endcase %}", "{% capture x %}",
            "{% endcapture %}", "{% ifé %}", "{% if2 %}", "{% iF %}", "{% endcapturex %}", "{% assign y = 1 %}",
            "{% comment %}c{% endcomment %}", "{% raw %}r{% endraw %}", "{% %}", "{%- -%}", "{% é %}", "{{ x }}", " ",
            "{% \r\nendif %}", "{% abcdefghijklmnop %}",
        ]
        func role(_ name: String) -> ProtectedMarkdown.TagRole {
            if ProtectedMarkdown.blockOpeners.contains(name) { return .opener }
            if ProtectedMarkdown.blockMiddles.contains(name) { return .middle }
            if ProtectedMarkdown.blockClosers.contains(name) { return .closer }
            if name == "capture" { return .capture }
            if name == "endcapture" { return .endcapture }
            return .other
        }
        for _ in 0..<1_000 {
            let document = ProtectedMarkdown(source: generator.string(pieces, upTo: 8))
            for placeholder in document.placeholders {
                #expect(
                    ProtectedMarkdown.tagRole(placeholder) == role(ProtectedMarkdown.tagName(placeholder)),
                    "\(placeholder.source.debugDescription)")
            }
        }
    }

    static func expectAgreement(_ source: String) {
        let document = ProtectedMarkdown(source: source)
        let definition = Self.byScalars(source: source)
        #expect(document.text == definition.text, "\(source.debugDescription)")
        #expect(document.pieces == definition.pieces, "\(source.debugDescription)")
        #expect(
            document.placeholders.map(\.source) == definition.placeholders.map(\.source), "\(source.debugDescription)")
        #expect(
            document.placeholders.map(\.token) == definition.placeholders.map(\.token), "\(source.debugDescription)")
        #expect(
            document.placeholders.map(\.construct) == definition.placeholders.map(\.construct),
            "\(source.debugDescription)")
        #expect(document.blockOutputs == definition.blockOutputs, "\(source.debugDescription)")
        #expect(
            document.alone
                == definition.placeholders.indices.map {
                    definition.placeholders[$0].construct.isSilentTag || definition.blockOutputs.contains($0)
                }, "\(source.debugDescription)")
        let utf8 = document.text.utf8
        guard utf8.count + 1 == definition.table.count else {
            Issue.record("table size \(source.debugDescription)")
            return
        }
        for offset in 0...utf8.count {
            let index = utf8.index(utf8.startIndex, offsetBy: offset)
            #expect(
                document.protectedOffset(of: index) == definition.table[offset], "\(source.debugDescription) \(offset)")
        }
    }

    /// The construction on Unicode scalars `ProtectedMarkdown.init` was (commit 3e2596b): the text, the
    /// pieces, and the Unicode-scalar offset of every UTF-8 offset of the text (plus its end).
    static func byScalars(source: String) -> (
        text: String, pieces: [ProtectedMarkdown.Piece], table: [Int], placeholders: [ProtectedMarkdown.Placeholder],
        blockOutputs: Set<Int>
    ) {
        let scanner = LiquidScanner(source)
        let scalars = scanner.scalars
        var prefix = "LQQZ"
        // The byte search is a quick "no": a Character match is always a byte match too.
        while UTF8Text.contains(source, prefix), source.contains(prefix) {
            prefix = "L" + String(repeating: "Q", count: prefix.count - 1) + "Z"
        }

        let constructs = scanner.constructs()
        var placeholders: [ProtectedMarkdown.Placeholder] = []
        // Units of the source, in order: runs of verbatim scalars (never holding a `\n`), single
        // `\n`s, and placeholders. Runs rather than one unit a scalar: the same pieces and text.
        enum Unit {
            case run(Range<Int>)
            case newline(Int)
            case token(Int, Range<Int>)
        }
        var units: [Unit] = []
        func appendVerbatim(_ range: Range<Int>) {
            var start = range.lowerBound
            for offset in range where scalars[offset] == "\n" {
                if start < offset { units.append(.run(start..<offset)) }
                units.append(.newline(offset))
                start = offset + 1
            }
            if start < range.upperBound { units.append(.run(start..<range.upperBound)) }
        }
        var next = 0
        for construct in constructs {
            if next < construct.range.lowerBound { appendVerbatim(next..<construct.range.lowerBound) }
            let text = ScalarText.string(scalars[construct.range])
            units.append(.token(placeholders.count, construct.range))
            placeholders.append(
                ProtectedMarkdown.Placeholder(
                    construct: construct, source: text, token: "\(prefix)\(placeholders.count)X"))
            next = construct.range.upperBound
        }
        if next < scalars.count { appendVerbatim(next..<scalars.count) }

        // Split into lines to give standalone tag lines a block of their own. The text is
        // written as UTF-8 bytes, with the scalar offset of each byte alongside.
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count + 16 * placeholders.count)
        var table: [Int] = []
        table.reserveCapacity(scalars.count + 16 * placeholders.count + 1)
        var pieces: [ProtectedMarkdown.Piece] = []
        var protectedCount = 0
        func emitVerbatim(_ range: Range<Int>) {
            if let last = pieces.last, last.verbatim,
                last.protectedStart + last.protectedLength == protectedCount,
                last.sourceStart + last.sourceLength == range.lowerBound
            {
                pieces[pieces.count - 1].protectedLength += range.count
                pieces[pieces.count - 1].sourceLength += range.count
            } else {
                pieces.append(
                    ProtectedMarkdown.Piece(
                        protectedStart: protectedCount, protectedLength: range.count,
                        sourceStart: range.lowerBound, sourceLength: range.count, verbatim: true))
            }
            // The run's bytes and offsets are written into room made for them at once (its UTF-8 length
            // counted first), not appended a byte at a time: the same bytes, each byte of a scalar at
            // that scalar's protected offset.
            var length = 0
            for offset in range { length += UTF8.width(scalars[offset]) }
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: length))
            table.append(contentsOf: repeatElement(0, count: length))
            let first = protectedCount
            output.withUnsafeMutableBufferPointer { output in
                table.withUnsafeMutableBufferPointer { table in
                    // `start + length` is both arrays' count: every index written is below it.
                    var at = start
                    var protected = first
                    for offset in range {
                        let scalar = scalars[offset]
                        if scalar.isASCII {
                            output[at] = UInt8(truncatingIfNeeded: scalar.value)
                            table[at] = protected
                            at += 1
                        } else {
                            UTF8.encode(scalar) { byte in
                                output[at] = byte
                                table[at] = protected
                                at += 1
                            }
                        }
                        protected += 1
                    }
                }
            }
            protectedCount += range.count
        }
        func emitToken(_ index: Int, range: Range<Int>) {
            // Tokens are ASCII: one scalar a byte.
            let token = placeholders[index].token.utf8
            pieces.append(
                ProtectedMarkdown.Piece(
                    protectedStart: protectedCount, protectedLength: token.count,
                    sourceStart: range.lowerBound, sourceLength: range.count, verbatim: false))
            for byte in token {
                output.append(byte)
                table.append(protectedCount)
                protectedCount += 1
            }
        }
        func emitInsertedNewline(at offset: Int) {
            pieces.append(
                ProtectedMarkdown.Piece(
                    protectedStart: protectedCount, protectedLength: 1,
                    sourceStart: offset, sourceLength: 0, verbatim: false))
            output.append(UInt8(ascii: "\n"))
            table.append(protectedCount)
            protectedCount += 1
        }

        let edges = ProtectedMarkdown.tagEdges(
            units: units.map { unit in
                switch unit {
                case .run(let range): .run(range)
                case .newline: .newline
                case .token(let index, _): .token(index)
                }
            }, scalars: scalars, placeholders: placeholders)
        let blockOutputs = ProtectedMarkdown.blockOutputs(placeholders, scalars: scalars, edges: edges)
        let hoisted = ProtectedMarkdown.hoistedTags(placeholders: placeholders, edges: edges)

        var lineStart = 0
        var inFence = false
        // A line's first four scalars (see below), in one buffer kept for every line.
        var head: [Unicode.Scalar] = []
        head.reserveCapacity(4)
        while lineStart < units.count {
            var lineEnd = lineStart
            while lineEnd < units.count {
                if case .newline = units[lineEnd] { break }
                lineEnd += 1
            }
            let line = units[lineStart..<lineEnd]
            var tagCount = 0
            var onlyTags = true
            // The line's text without its placeholders, spaces and tabs dropped in front: its
            // first four scalars decide whether it opens or closes a fence.
            head.removeAll(keepingCapacity: true)
            for unit in line {
                switch unit {
                case .run(let range):
                    for offset in range {
                        // Once the line holds text and its first four scalars are known, the rest of the
                        // run changes neither: `onlyTags` never turns true again, `head` is full.
                        if !onlyTags, head.count >= 4 { break }
                        let scalar = scalars[offset]
                        if !LiquidScanner.isWhitespace(scalar) { onlyTags = false }
                        if head.count < 4, !(head.isEmpty && (scalar == " " || scalar == "\t")) { head.append(scalar) }
                    }
                case .newline:
                    break
                case .token(let index, _):
                    if placeholders[index].construct.isSilentTag || blockOutputs.contains(index) {
                        tagCount += 1
                    } else {
                        onlyTags = false
                    }
                }
            }
            if ProtectedMarkdown.opensFence(
                head: head,
                line: line.lazy.flatMap { unit -> ArraySlice<Unicode.Scalar> in
                    if case .run(let range) = unit { return scalars[range] }
                    return []
                })
            {
                inFence.toggle()
            }
            let standalone = !inFence && onlyTags && tagCount > 0
            let firstOffset: Int
            switch units[lineStart] {
            case .run(let range): firstOffset = range.lowerBound
            case .newline(let offset): firstOffset = offset
            case .token(_, let range): firstOffset = range.lowerBound
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            // Block tags at the start or the end of a line of text, whose whole block stands at line
            // edges, get a block of their own, as standalone tag lines do: `{% when "a" %}Text` renders
            // as the tag, then a paragraph.
            var previousHoisted = false
            for (position, unit) in line.enumerated() {
                var isHoisted = false
                if !standalone, !inFence, case .token(let index, _) = unit, hoisted.contains(index) { isHoisted = true }
                if isHoisted != previousHoisted, position > 0 || isHoisted {
                    let offset: Int
                    switch unit {
                    case .run(let range): offset = range.lowerBound
                    case .newline(let at): offset = at
                    case .token(_, let range): offset = range.lowerBound
                    }
                    emitInsertedNewline(at: offset)
                    emitInsertedNewline(at: offset)
                }
                previousHoisted = isHoisted
                switch unit {
                case .run(let range): emitVerbatim(range)
                case .newline(let offset): emitVerbatim(offset..<offset + 1)
                case .token(let index, let range): emitToken(index, range: range)
                }
            }
            if previousHoisted, let lastUnit = line.last, case .token(_, let range) = lastUnit {
                emitInsertedNewline(at: range.upperBound)
                emitInsertedNewline(at: range.upperBound)
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            if lineEnd < units.count, case .newline(let offset) = units[lineEnd] {
                emitVerbatim(offset..<offset + 1)
            }
            lineStart = lineEnd + 1
        }

        table.append(protectedCount)
        return (String(decoding: output, as: UTF8.self), pieces, table, placeholders, blockOutputs)
    }
}

/// `LiquidScanner.constructs(bytes:continuations:)`, which skips to each `{` and `<` on the source's bytes,
/// against `constructs()` (its definition, on scalars), and `nextOpener(in:from:)` against a byte walk.
struct ScannerSkipDifferentialTests {
    static let pieces =
        ProtectedMarkdownDifferentialTests.pieces + [
            "{", "<", "{{ x", "{%", "<<", "{{{", "abcdefgh", "é{", "<é", "\u{0}", "\r", "\u{202E}", "中{{ y }}文",
            "<HTTPS://a.b>", "<\u{212A}>", "<mailto:x@y>", "{% raw %}{{ a }}{% endraw %}", "{% comment %}",
        ]

    @Test func byteSkipAgreesWithScalarScan() {
        var generator = SplitMix64(state: 0x9D8)
        for _ in 0..<4_000 {
            let source = generator.string(Self.pieces, upTo: 40)
            let scanner = LiquidScanner(source)
            let bytes = Array(source.utf8)
            let continuations = ProtectedMarkdown.continuationOffsets(in: bytes)
            let skipped = bytes.withUnsafeBufferPointer {
                scanner.constructs(bytes: $0, continuations: continuations)
            }
            #expect(skipped == scanner.constructs(), "\(source.debugDescription)")
        }
    }

    /// `LiquidScanner.constructs(inBytes:continuations:)`, which never decodes the source into scalars, against
    /// `constructs()` (its definition): the same constructs, kinds, autolink URLs and `raw` bodies.
    @Test func byteScanAgreesWithScalarScan() {
        var generator = SplitMix64(state: 0x9DA)
        let pieces =
            Self.pieces + [
                "{%raw%}", "{%- raw -%}", "{% raw\t%}", "{%endraw%}", "{% endraw", "{% endrawx %}", "{% endcomment %}",
                "{% comment%}", "{%# c %}", "{%\u{0B}comment %}", "<http://a\u{A0}b>", "<http://a\u{2028}b>",
                "<mailto:é>", "<h\u{212A}>", "<ＨTTP://x>", "<http://>", "<https://a\"b>", "<https://a{b}>", "}",
                "%", "{%", "-", "\u{85}", "<HtTpS://Ä.b>", "<ma", "<https:/",
            ]
        for _ in 0..<6_000 {
            let source = generator.string(pieces, upTo: 40)
            let bytes = Array(source.utf8)
            let continuations = ProtectedMarkdown.continuationOffsets(in: bytes)
            let scanned = bytes.withUnsafeBufferPointer {
                LiquidScanner.constructs(inBytes: $0, continuations: continuations)
            }
            #expect(scanned == LiquidScanner(source).constructs(), "\(source.debugDescription)")
        }
    }

    /// `LiquidScanner.scalar(in:at:)` against the string's own scalars, at each scalar boundary.
    @Test func byteDecodingAgreesWithUnicodeScalars() {
        var generator = SplitMix64(state: 0x9DB)
        for _ in 0..<2_000 {
            let source = generator.string(
                Self.pieces + ["\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}"], upTo: 20)
            let bytes = Array(source.utf8)
            var decoded: [Unicode.Scalar] = []
            bytes.withUnsafeBufferPointer { buffer in
                var i = 0
                while i < buffer.count {
                    let (scalar, width) = LiquidScanner.scalar(in: buffer, at: i)
                    decoded.append(scalar)
                    i += width
                }
            }
            #expect(decoded == Array(source.unicodeScalars), "\(source.debugDescription)")
        }
    }

    @Test func nextOpenerAgreesWithByteWalk() {
        var generator = SplitMix64(state: 0x9D9)
        for _ in 0..<3_000 {
            let bytes = Array(generator.string(Self.pieces, upTo: 20).utf8)
            bytes.withUnsafeBufferPointer { buffer in
                for from in 0...buffer.count {
                    var expected = from
                    while expected < buffer.count, buffer[expected] != 0x7B, buffer[expected] != 0x3C { expected += 1 }
                    #expect(LiquidScanner.nextOpener(in: buffer, from: from) == expected, "\(bytes) \(from)")
                }
            }
        }
    }
}
