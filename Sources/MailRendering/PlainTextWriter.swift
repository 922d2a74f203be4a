import Liquid

/// Turns the Markdown writer's HTML (placeholders still in) into the plain-text part, so that the text and the
/// HTML parts always agree on the document's structure.
///
/// The walk is a flat loop over tags with explicit stacks: no recursion.
enum PlainTextWriter {
    /// The column limit of the text part.
    static let width = 78

    /// The text part of `html` (the writer's HTML, placeholders still in), as
    /// ``text(fromHTML:document:settings:)`` gives it.
    ///
    /// On simple HTML (``UTF8Text/isSimple(_:)``), the HTML is walked once on its bytes by a `ByteWriter`:
    /// each tag is told by its bytes (no token array, no tag-name `String`, no attribute dictionary but for a
    /// tag with attributes), a text run is appended to the pending bytes as the HTML's own, its known outputs
    /// substituted only when it holds a token, and each block is wrapped in one pass over its bytes. On such
    /// text the tokens, tag names and whitespace tests are those of the Character walk, so
    /// ``text(fromHTML:document:settings:)``, the definition and the path for other text (and for a body
    /// where a known value put in is not simple), gives the same text (`TextStreamDifferentialTests`).
    static func streamedText(
        fromHTML html: String, document: ProtectedMarkdown, settings: ConversionSettings = .init()
    ) -> String {
        // A known value that is not simple is found when it is put in (`ByteWriter.needsCharacters`).
        guard UTF8Text.isSimple(html) else {
            return text(fromHTML: html, document: document, settings: settings)
        }
        var writer = ByteWriter(document: document, settings: settings)
        let utf8 = html.utf8
        // The text is about as long as the HTML (its tags gone, its links' targets written out): one buffer
        // from the start rather than one at each doubling.
        writer.output.reserveCapacity(utf8.count)
        // A block's line starts (kept for their capacity from block to block): room for a long one at once.
        writer.lineStarts.reserveCapacity(16)
        // The pending inline text of a paragraph (kept for its capacity from block to block).
        writer.inline.reserveCapacity(512)
        var copy = html
        copy.withUTF8 { bytes in
            /// `html[lower..<upper]`: both offsets are next to an ASCII `<` or `>` or at an end, so on
            /// scalar boundaries.
            func slice(_ lower: Int, _ upper: Int) -> Substring {
                let start = utf8.index(utf8.startIndex, offsetBy: lower)
                return html[start..<utf8.index(start, offsetBy: upper - lower)]
            }
            // The walk of `HTMLTokenizer.tokens(of:)` on simple text.
            HTMLTokenizer.walkSimple(
                bytes,
                tag: { lower, upper in writer.handleTag(bytes, lower, upper) { slice(lower, upper) } },
                text: { lower, upper in writer.handleText(UnsafeBufferPointer(rebasing: bytes[lower..<upper])) })
        }
        if writer.needsCharacters { return text(fromHTML: html, document: document, settings: settings) }
        return writer.finish()
    }

    /// The tags the text writer acts on, told from the writer's tag names.
    enum Tag {
        case paragraph
        case heading(Int)
        case list(ordered: Bool)
        case item
        case blockquote
        case pre
        case br
        case hr
        case anchor
        case image
        case tableRow
        case cell
        case other

        /// The tag named `name` (lowercased, as the tokenizer gives it).
        init(name: String) {
            var name = name
            self = name.withUTF8 { Tag(lowercasedASCII: $0) }
        }

        /// The tag named by `name`'s bytes, ASCII letters read lowercased: what `lowercased()` then a
        /// comparison with the writer's names gives, when `name` is ASCII.
        init(lowercasedASCII name: UnsafeBufferPointer<UInt8>) {
            func lower(_ i: Int) -> UInt8 {
                let byte = name[i]
                return (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            }
            func isName(_ literal: StaticString) -> Bool {
                guard literal.utf8CodeUnitCount == name.count else { return false }
                return literal.withUTF8Buffer { literal in
                    for i in 0..<literal.count where literal[i] != lower(i) { return false }
                    return true
                }
            }
            switch name.count {
            case 1:
                switch lower(0) {
                case UInt8(ascii: "p"): self = .paragraph
                case UInt8(ascii: "a"): self = .anchor
                default: self = .other
                }
            case 2:
                if lower(0) == UInt8(ascii: "h"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(name[1]) {
                    self = .heading(Int(name[1] - UInt8(ascii: "0")))
                } else if isName("ul") {
                    self = .list(ordered: false)
                } else if isName("ol") {
                    self = .list(ordered: true)
                } else if isName("li") {
                    self = .item
                } else if isName("br") {
                    self = .br
                } else if isName("hr") {
                    self = .hr
                } else if isName("tr") {
                    self = .tableRow
                } else if isName("td") || isName("th") {
                    self = .cell
                } else {
                    self = .other
                }
            case 3:
                self = isName("pre") ? .pre : isName("img") ? .image : .other
            case 10:
                self = isName("blockquote") ? .blockquote : .other
            default:
                self = .other
            }
        }
    }

    static func text(fromHTML html: String, document: ProtectedMarkdown, settings: ConversionSettings = .init())
        -> String
    {
        var writer = State(document: document)
        writer.settings = settings
        for token in HTMLTokenizer.tokens(of: html) {
            writer.handle(token)
        }
        return writer.finish()
    }

    enum BlockKind { case paragraph, listLine, tableRow, tag }

    /// The separator before a block of `kind` when the last one was `last`: none at the start or after an
    /// unwrapped tag, one `\n` between the lines of a list (`inList`) or the rows of a table, else two.
    /// The one rule of both writers (``State`` and ``ByteWriter``).
    static func appendSeparator(before kind: BlockKind, after last: BlockKind?, inList: Bool, to output: inout [UInt8])
    {
        guard !output.isEmpty, last != .tag else { return }
        let tight = (kind == .listLine && last == .listLine && inList) || (kind == .tableRow && last == .tableRow)
        output.append(UInt8(ascii: "\n"))
        if !tight { output.append(UInt8(ascii: "\n")) }
    }

    /// `lines` joined by `\n`, appended one by one (no joined copy).
    static func appendLines(_ lines: [String], to output: inout [UInt8]) {
        for (index, line) in lines.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "\n")) }
            output.append(contentsOf: line.utf8)
        }
    }

    /// The attributes of a start tag that the text writer reads.
    struct TagAttributes {
        var href: String?
        var alt: String?
        var start: String?

        init() {}

        /// Those of the tokenizer's attributes.
        init(_ attributes: [String: String]) {
            href = attributes["href"]
            alt = attributes["alt"]
            start = attributes["start"]
        }
    }

    private struct ListLevel {
        var ordered: Bool
        var next: Int
        /// The marker of the current item, and the indentation of its continuation lines.
        var marker: String = ""
        var indent: String = ""
    }

    private struct State {
        let document: ProtectedMarkdown
        /// The text part so far, as the UTF-8 bytes of whole Strings appended one after the other (so valid
        /// UTF-8): made a `String` once, by ``finish()``.
        var output: [UInt8] = []
        var lastKind: BlockKind?
        var inline = ""
        var openBlocks = 0
        var lists: [ListLevel] = []
        var quoteDepth = 0
        var preDepth = 0
        var headingLevel = 0
        var links: [(href: String, start: String.Index)] = []
        var cells: [String] = []
        var settings = ConversionSettings()

        init(document: ProtectedMarkdown) {
            self.document = document
        }

        /// Whether `text` holds a Liquid output or tag placeholder.
        ///
        /// Without the prefix's bytes there is no token; with them, `tokens(in:)` gives the answer the
        /// Character search would (it finds tokens only where they are whole Characters).
        func holdsLiquid(_ text: String) -> Bool {
            guard UTF8Text.contains(text, bytes: document.prefixBytes) else { return false }
            return document.tokens(in: Substring(text)).contains { token in
                switch document.placeholders[token.index].construct.kind {
                case .output, .tag: true
                case .autolink, .lessThan: false
                }
            }
        }

        /// `html` text with the placeholders of known outputs (`{{ legal.publisher }}`) replaced by their
        /// values, escaped as the writer's text is (so `restore` decodes them back).
        func substitutingKnown(_ html: String) -> String {
            substitutingKnown(Substring(html)) ?? html
        }

        /// `substitutingKnown(_:)` of a slice, without copying it first: `nil` when `substring` holds
        /// no token (so is its own substitution).
        func substitutingKnown(_ substring: Substring) -> String? {
            guard !settings.knownValues.isEmpty else { return nil }
            let tokens = document.tokens(in: substring)
            guard !tokens.isEmpty else { return nil }
            var result = ""
            var last = substring.startIndex
            for token in tokens {
                let placeholder = document.placeholders[token.index]
                guard placeholder.construct.kind == .output, let value = settings.value(ofOutput: placeholder.source),
                    !UTF8Text.containsCharacters(value, document.prefix)
                else { continue }
                // The Substring overload of `append(contentsOf:)`, not the generic one of `+=`.
                result.append(contentsOf: substring[last..<token.range.lowerBound])
                result += HTMLEscaper.escape(.text, value)
                last = token.range.upperBound
            }
            result.append(contentsOf: substring[last...])
            return result
        }

        /// Text-part value of each placeholder, with the entities of the text between decoded
        /// (placeholders first, so decoding can never make a token).
        func restore(_ string: some StringProtocol) -> String {
            let substring = Substring(string)
            let tokens = document.tokens(in: substring)
            if tokens.isEmpty { return HTMLTokenizer.decodeEntities(substring) }
            var result = ""
            var last = substring.startIndex
            for token in tokens {
                result += HTMLTokenizer.decodeEntities(substring[last..<token.range.lowerBound])
                let placeholder = document.placeholders[token.index]
                switch placeholder.construct.kind {
                case .output, .tag: result += placeholder.source
                case .lessThan: result += "<"
                case .autolink(let url): result += "<\(url)>"
                }
                last = token.range.upperBound
            }
            result += HTMLTokenizer.decodeEntities(substring[last...])
            return result
        }

        var quotePrefix: String { String(repeating: "> ", count: quoteDepth) }

        /// ``handle(_:)`` of a start tag.
        mutating func handleStart(_ tag: Tag, attributes: TagAttributes) {
            switch tag {
            case .paragraph, .heading:
                flushInline()
                openBlocks += 1
                if case .heading(let level) = tag { headingLevel = level } else { headingLevel = 0 }
            case .list(let ordered):
                flushInline()
                let start = Int(attributes.start ?? "") ?? 1
                if lists.isEmpty, lastKind == .listLine { lastKind = .paragraph }
                lists.append(ListLevel(ordered: ordered, next: start))
            case .item:
                flushInline()
                openBlocks += 1
                guard var level = lists.popLast() else { break }
                let outer = lists.last?.indent ?? ""
                level.marker = outer + (level.ordered ? "\(level.next). " : "- ")
                level.indent = String(repeating: " ", count: level.marker.count)
                level.next = level.next.addingReportingOverflow(1).overflow ? level.next : level.next + 1
                lists.append(level)
            case .blockquote:
                flushInline()
                quoteDepth += 1
            case .pre:
                flushInline()
                preDepth += 1
            case .br:
                inline += "\n"
            case .hr:
                flushInline()
                emit([quotePrefix + String(repeating: "-", count: 20)], kind: .paragraph)
            case .anchor:
                links.append((substitutingKnown(attributes.href ?? ""), inline.endIndex))
            case .image:
                inline += attributes.alt ?? ""
            case .tableRow:
                flushInline()
                cells = []
            case .cell:
                inline = ""
                openBlocks += 1
            case .other:
                break
            }
        }

        mutating func handle(_ token: HTMLTokenizer.Token) {
            switch token {
            case .text(let raw):
                let text = substitutingKnown(String(raw))
                if preDepth > 0 || openBlocks > 0 {
                    inline += text
                } else if !text.allSatisfy(\.isWhitespace) {
                    // Tags unwrapped from their paragraph: glued to the next block.
                    emit([restore(text.trimming([" ", "\n"]))], kind: .tag)
                }
            case .start(let name, let attributes):
                handleStart(Tag(name: name), attributes: TagAttributes(attributes))
            case .end(let name):
                handleEnd(Tag(name: name))
            }
        }

        /// ``handle(_:)`` of an end tag (the tokenizer's `.end(name)` is `handleEnd(Tag(name: name))`: the
        /// names `p`, `h1`…`h6`, `li`, `ul`, `ol`, `blockquote`, `pre`, `a`, `td`, `th`, `tr` and no others).
        mutating func handleEnd(_ tag: Tag) {
            switch tag {
            case .paragraph, .heading, .item:
                flushInline()
                openBlocks = max(0, openBlocks - 1)
                headingLevel = 0
            case .list:
                flushInline()
                _ = lists.popLast()
                if lists.isEmpty, lastKind == .listLine { lastKind = .paragraph }
            case .blockquote:
                flushInline()
                quoteDepth = max(0, quoteDepth - 1)
            case .pre:
                let code = restore(inline)
                inline = ""
                preDepth = max(0, preDepth - 1)
                var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map { quotePrefix + $0 }
                while lines.last?.allSatisfy({ $0 == " " || $0 == ">" }) == true, lines.count > 1 {
                    lines.removeLast()
                }
                emit(lines, kind: .paragraph)
            case .anchor:
                guard let link = links.popLast(), link.start <= inline.endIndex else { break }
                let text = inline[link.start...].trimming([" "])
                let href = link.href
                // Each restored once (the same values as restoring them at each comparison).
                let restoredText = text.isEmpty ? "" : restore(text)
                let restoredHref = text.isEmpty ? "" : restore(href)
                if text.isEmpty || restoredText == restoredHref {
                    inline.replaceSubrange(link.start..., with: "<\(href)>")
                } else if restoredHref == "mailto:" + restoredText {
                    // `[a@b.org](mailto:a@b.org)`: the address once, as the contact reads it.
                    break
                } else {
                    inline += " <\(href)>"
                }
            case .cell:
                cells.append(restore(inline).split(whereSeparator: \.isWhitespace).joined(separator: " "))
                inline = ""
                openBlocks = max(0, openBlocks - 1)
            case .tableRow:
                emit([quotePrefix + cells.joined(separator: " | ")], kind: .tableRow)
                cells = []
            case .br, .hr, .image, .other:
                break
            }
        }

        /// Wraps and emits the pending inline text as a paragraph, heading or list item.
        mutating func flushInline() {
            guard preDepth == 0 else { return }
            let text = inline
            inline = ""
            guard !text.allSatisfy(\.isWhitespace) else { return }
            var first = quotePrefix
            var rest = quotePrefix
            var kind = BlockKind.paragraph
            if var level = lists.last {
                first += level.marker.isEmpty ? level.indent : level.marker
                rest += level.indent
                level.marker = ""
                lists[lists.count - 1] = level
                kind = .listLine
            }
            // A block with Liquid left (contact values) is not wrapped here: its length is known only once
            // rendered, and the sender wraps it then (bundle-format.md, "The text part's lines").
            var lines =
                holdsLiquid(text)
                ? PlainTextWriter.unwrapped(text, first: first, rest: rest) { restore($0) }
                : PlainTextWriter.wrap(text, first: first, rest: rest) { restore($0) }
            if headingLevel == 1 || headingLevel == 2 {
                let length = lines.map(\.count).max() ?? 0
                lines.append(String(repeating: headingLevel == 1 ? "=" : "-", count: length))
            }
            emit(lines, kind: kind)
        }

        mutating func startBlock(_ kind: BlockKind) {
            PlainTextWriter.appendSeparator(before: kind, after: lastKind, inList: !lists.isEmpty, to: &output)
        }

        mutating func emit(_ lines: [String], kind: BlockKind) {
            startBlock(kind)
            PlainTextWriter.appendLines(lines, to: &output)
            lastKind = kind
        }

        /// The text part: the pending text flushed, trailing `\n` and spaces (Characters) dropped, one `\n`
        /// added.
        mutating func finish() -> String {
            flushInline()
            var text = String(decoding: output, as: UTF8.self)
            while text.last == "\n" || text.last == " " { text.removeLast() }
            if !text.isEmpty { text += "\n" }
            return text
        }
    }

    /// Greedy wrap at `PlainTextWriter.width`; a word (and so a Liquid construct or a URL)
    /// is never split; `\n` in `text` is a hard break. `restore` gives the text-part value of a word;
    /// it must return a word without `&` or `L` unchanged (entities and placeholder tokens start so).
    ///
    /// `isSimple`: the caller knows `text` is simple (``UTF8Text/isSimple(_:)``), which is then not checked again.
    static func wrap(
        _ text: String, first: String, rest: String, isSimple: Bool = false, restore: (Substring) -> String
    ) -> [String] {
        guard isSimple || UTF8Text.isSimple(text) else {
            return wrapByCharacters(text, first: first, rest: rest, restore: restore)
        }
        return simpleLines(text, first: first, rest: rest, width: PlainTextWriter.width, restore: restore)
    }

    /// The lines of simple `text` (``UTF8Text/isSimple(_:)``): wrapped greedily at `width`, or one line a
    /// `\n`-separated segment when `width` is `nil`; the byte path of both ``wrap(_:first:rest:isSimple:restore:)``
    /// and ``unwrapped(_:first:rest:isSimple:restore:)``.
    private static func simpleLines(
        _ text: String, first: String, rest: String, width: Int?, restore: (Substring) -> String
    ) -> [String] {
        var lines = ByteLines()
        simpleByteLines(text, first: first, rest: rest, width: width, into: &lines, restore: restore)
        return lines.strings
    }

    /// Lines kept as bytes: one after the other in `bytes`, line `i` being ``range(_:)`` of `i`, with no
    /// separator between them (the text writer joins them into its output without making a `String` a line).
    fileprivate struct ByteLines {
        var bytes: [UInt8] = []
        /// The end offset in `bytes` of each line; line `i` starts where line `i - 1` ends (the first at 0).
        var ends: [Int] = []

        /// The offsets of line `i` in `bytes` (`i` in `ends.indices`).
        func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

        /// The lines as Strings (each was built from whole scalars, so decoding repairs nothing).
        var strings: [String] { ends.indices.map { String(decoding: bytes[range($0)], as: UTF8.self) } }
    }

    /// ``simpleLines(_:first:rest:width:restore:)`` as bytes: the same lines, none made a `String`, put in
    /// `lines` (emptied first, its capacity kept: the text writer reuses one for every block). Each line is
    /// built in place at the end of `lines.bytes`.
    ///
    /// `restore` must return unchanged a word without `&` and without `tokenPrefix` (by default `L`, the
    /// first letter of every placeholder token; the text writer passes its document's whole token prefix, as
    /// its `restore` finds tokens only where that prefix is): only other words go through it.
    fileprivate static func simpleByteLines(
        _ text: String, first: String, rest: String, width: Int?, into lines: inout ByteLines,
        tokenPrefix: [UInt8] = [UInt8(ascii: "L")], restore: (Substring) -> String
    ) {
        let prefixFirst = tokenPrefix.first
        lines.bytes.removeAll(keepingCapacity: true)
        lines.ends.removeAll(keepingCapacity: true)
        // Every scalar its own Character: split on bytes, build lines as bytes, and count a line by
        // adding the scalar counts of its parts while they are all simple too (then no two parts
        // join). A word without `&` or `L` (the first letter of every placeholder token) is its own
        // text-part value: only other words go through `restore`.
        func simpleCount(_ bytes: some Collection<UInt8>) -> Int {
            bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        }
        func count(_ string: String) -> Int? {
            UTF8Text.isSimple(string) ? simpleCount(string.utf8) : nil
        }
        let space = UInt8(ascii: " ")
        let newline = UInt8(ascii: "\n")
        let utf8 = text.utf8
        var prefix = first
        // The scalar counts of the two prefixes, taken once.
        let (firstCount, restCount) = (count(first), count(rest))
        var prefixCount = firstCount
        var copy = text
        copy.withUTF8 { bytes in
            // The current line is `lines.bytes[lineStart...]`.
            var lineStart = 0
            /// Whether `tokenPrefix` starts at `offset` of the segment (it ends by `segmentEnd`).
            func startsPrefix(_ offset: Int, _ segmentEnd: Int) -> Bool {
                // `offset + tokenPrefix.count <= segmentEnd <= bytes.count`: every index read is in bounds.
                guard offset + tokenPrefix.count <= segmentEnd else { return false }
                for i in 0..<tokenPrefix.count where bytes[offset + i] != tokenPrefix[i] { return false }
                return true
            }
            // Indices stay within `0...bytes.count`: each scan stops at `bytes.count` or a segment's end.
            var segmentStart = 0
            while true {
                var segmentEnd = segmentStart
                while segmentEnd < bytes.count, bytes[segmentEnd] != newline { segmentEnd += 1 }
                lineStart = lines.bytes.count
                lines.bytes.append(contentsOf: prefix.utf8)
                var lineCount = prefixCount
                var lineHasWord = false
                var start = segmentStart
                while start < segmentEnd {
                    guard bytes[start] != space else {
                        start += 1
                        continue
                    }
                    var end = start
                    // Without a token prefix every word is restored (so `restore` gets what it did before).
                    var plain = !tokenPrefix.isEmpty
                    // The word's scalars: its bytes that are not continuation bytes (`simpleCount`).
                    var scalars = 0
                    // Lines that are not wrapped need no counts.
                    let counts = width != nil
                    while end < segmentEnd, bytes[end] != space {
                        if bytes[end] == UInt8(ascii: "&")
                            || (plain && bytes[end] == prefixFirst && startsPrefix(end, segmentEnd))
                        {
                            plain = false
                        }
                        if counts, bytes[end] & 0xC0 != 0x80 { scalars += 1 }
                        end += 1
                    }
                    let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    var restored: String?
                    let wordCount: Int?
                    if plain {
                        wordCount = scalars
                    } else {
                        let word = restore(
                            Substring(
                                utf8[
                                    utf8.index(
                                        utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
                        )
                        restored = word
                        wordCount = width == nil ? nil : count(word)
                    }
                    func appendWord() {
                        if let restored {
                            lines.bytes.append(contentsOf: restored.utf8)
                        } else {
                            lines.bytes.append(contentsOf: raw)
                        }
                    }
                    var breaksLine = false
                    if let width, lineHasWord {
                        let currentCount = lineCount ?? String(decoding: lines.bytes[lineStart...], as: UTF8.self).count
                        let currentWordCount = wordCount ?? restored.map(\.count) ?? 0
                        breaksLine = currentCount + 1 + currentWordCount > width
                    }
                    if breaksLine {
                        lines.ends.append(lines.bytes.count)
                        prefix = rest
                        prefixCount = restCount
                        lineStart = lines.bytes.count
                        lines.bytes.append(contentsOf: prefix.utf8)
                        appendWord()
                        lineCount = prefixCount.flatMap { count in wordCount.map { count + $0 } }
                    } else {
                        if lineHasWord { lines.bytes.append(space) }
                        appendWord()
                        lineCount = lineCount.flatMap { count in wordCount.map { count + (lineHasWord ? 1 : 0) + $0 } }
                    }
                    lineHasWord = true
                    start = end
                }
                if lineHasWord || !lines.ends.isEmpty {
                    lines.ends.append(lines.bytes.count)
                    prefix = rest
                    prefixCount = restCount
                } else {
                    // No line: its prefix goes.
                    lines.bytes.removeSubrange(lineStart...)
                }
                guard segmentEnd < bytes.count else { break }
                segmentStart = segmentEnd + 1
            }
        }
        // Bytes or Characters: a line of spaces and `>` is the same either way.
        while lines.ends.count > 1,
            lines.bytes[lines.range(lines.ends.count - 1)].allSatisfy({
                $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ">")
            })
        {
            lines.ends.removeLast()
            // The previous line's end: `ends` still has at least one element.
            lines.bytes.removeSubrange((lines.ends.last ?? 0)...)
        }
    }

    /// The lines of `text` as `wrap(_:first:rest:restore:)` writes them, but not wrapped: one line a
    /// `\n`-separated segment, its words joined by one space. `restore` must return a word without `&`
    /// or `L` unchanged, as for `wrap`.
    ///
    /// On simple text the segments and words are found on bytes and each line is built as bytes; a word
    /// without `&` or `L` is copied as it is. ``unwrappedBySubstrings(_:first:rest:restore:)`` is the
    /// definition, and the path for other text.
    static func unwrapped(
        _ text: String, first: String, rest: String, isSimple: Bool = false, restore: (Substring) -> String
    ) -> [String] {
        guard isSimple || UTF8Text.isSimple(text) else {
            return unwrappedBySubstrings(text, first: first, rest: rest, restore: restore)
        }
        return simpleLines(text, first: first, rest: rest, width: nil, restore: restore)
    }

    /// ``unwrapped(_:first:rest:restore:)`` on Substrings: the definition.
    static func unwrappedBySubstrings(_ text: String, first: String, rest: String, restore: (Substring) -> String)
        -> [String]
    {
        var lines: [String] = []
        var prefix = first
        for segment in segments(of: text) {
            let words = words(of: segment).map(restore)
            if words.isEmpty, lines.isEmpty { continue }
            lines.append(prefix + words.joined(separator: " "))
            prefix = rest
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == ">" }), lines.count > 1 {
            lines.removeLast()
        }
        return lines
    }

    /// The `\n`-separated segments of `text`, empty ones kept; split on bytes when every scalar is its
    /// own Character, where the two splits agree.
    static func segments(of text: String) -> [Substring] {
        guard UTF8Text.isSimple(text) else { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        return split(Substring(text), on: UInt8(ascii: "\n"), keepingEmpty: true)
    }

    /// The space-separated words of a segment (no empty ones); split on bytes when simple.
    static func words(of segment: Substring) -> [Substring] {
        guard UTF8Text.isSimple(segment) else { return segment.split(separator: " ") }
        return split(segment, on: UInt8(ascii: " "), keepingEmpty: false)
    }

    /// `text` split at each `separator` byte (an ASCII byte, so every piece starts and ends on a scalar).
    private static func split(_ text: Substring, on separator: UInt8, keepingEmpty: Bool) -> [Substring] {
        let utf8 = text.utf8
        var pieces: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == separator {
                if keepingEmpty || start < index { pieces.append(text[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if keepingEmpty || start < utf8.endIndex { pieces.append(text[start..<utf8.endIndex]) }
        return pieces
    }

    /// `wrap(_:first:rest:)` by Characters: the definition, and the path for text with combining
    /// marks or `\r`.
    static func wrapByCharacters(_ text: String, first: String, rest: String, restore: (Substring) -> String)
        -> [String]
    {
        var lines: [String] = []
        var prefix = first
        for segment in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = prefix
            var lineHasWord = false
            for rawWord in segment.split(separator: " ") {
                let word = restore(rawWord)
                if lineHasWord, line.count + 1 + word.count > PlainTextWriter.width {
                    lines.append(line)
                    prefix = rest
                    line = prefix + word
                } else {
                    line += (lineHasWord ? " " : "") + word
                }
                lineHasWord = true
            }
            if lineHasWord || !lines.isEmpty {
                lines.append(line)
                prefix = rest
            }
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == ">" }), lines.count > 1 {
            lines.removeLast()
        }
        return lines
    }
}

/// A tokenizer for the HTML that ``MailMarkdown`` writes (and only that: every `<` there is markup).
enum HTMLTokenizer {
    enum Token: Equatable {
        case start(String, [String: String])
        case end(String)
        case text(Substring)
    }

    /// The tags and text runs of the UTF-8 bytes of simple text (`UTF8Text.isSimple`), in order: `tag`
    /// gets the offsets of what lies between a `<` and the next `>`, `text` those of a run up to the next
    /// `<` (or the end). A `<` with no `>` after it, and everything after it, is text. Every offset given
    /// lies within `0...bytes.count`.
    @inline(__always)
    static func walkSimple(
        _ bytes: UnsafeBufferPointer<UInt8>, tag: (Int, Int) -> Void, text: (Int, Int) -> Void
    ) {
        let less = UInt8(ascii: "<")
        let greater = UInt8(ascii: ">")
        // Once no `>` follows some point, none follows any later point.
        var closeMissing = false
        var index = 0
        while index < bytes.count {
            if bytes[index] == less, !closeMissing {
                let close = UTF8Text.nextOffset(of: greater, in: bytes, from: index + 1)
                if close < bytes.count {
                    tag(index + 1, close)
                    index = close + 1
                    continue
                }
                closeMissing = true
            }
            let next = UTF8Text.nextOffset(of: less, in: bytes, from: index + 1)
            text(index, next)
            index = next
        }
    }

    static func tokens(of html: String) -> [Token] {
        guard UTF8Text.isSimple(html) else { return tokensByCharacters(of: html) }
        // Every scalar its own Character: the same walk on bytes.
        var copy = html
        let pieces: [(start: Int, end: Int, isTag: Bool)] = copy.withUTF8 { bytes in
            var pieces: [(start: Int, end: Int, isTag: Bool)] = []
            walkSimple(
                bytes, tag: { pieces.append(($0, $1, true)) }, text: { pieces.append(($0, $1, false)) })
            return pieces
        }
        let utf8 = html.utf8
        var tokens: [Token] = []
        tokens.reserveCapacity(pieces.count)
        for piece in pieces {
            let range =
                utf8.index(utf8.startIndex, offsetBy: piece.start)..<utf8.index(utf8.startIndex, offsetBy: piece.end)
            tokens.append(piece.isTag ? simpleTextTag(html[range]) : .text(html[range]))
        }
        return tokens
    }

    /// `tag(_:)` of a tag of simple text (every scalar its own Character, `UTF8Text.isSimple`): there the
    /// first Character is `/` exactly when the first byte is, and dropping it drops that one byte.
    private static func simpleTextTag(_ inside: Substring) -> Token {
        guard inside.utf8.first == UInt8(ascii: "/") else { return startTag(inside) }
        // After an ASCII byte, the next UTF-8 index is a scalar boundary.
        return .end(inside[inside.utf8.index(after: inside.startIndex)...].lowercased())
    }

    /// `tokens(of:)` by Characters: the definition, and the path for text with combining marks or `\r`.
    static func tokensByCharacters(of html: String) -> [Token] {
        var tokens: [Token] = []
        var index = html.startIndex
        while index < html.endIndex {
            if html[index] == "<", let close = html[index...].firstIndex(of: ">") {
                tokens.append(tag(html[html.index(after: index)..<close]))
                index = html.index(after: close)
            } else {
                let next = html[html.index(after: index)...].firstIndex(of: "<") ?? html.endIndex
                tokens.append(.text(html[index..<next]))
                index = next
            }
        }
        return tokens
    }

    /// The token of a tag, from the text between its `<` and `>`.
    private static func tag(_ inside: Substring) -> Token {
        inside.first == "/" ? .end(inside.dropFirst().lowercased()) : startTag(inside)
    }

    static func startTag(_ inside: Substring) -> Token {
        // Without whitespace there are no attributes: `<p>`, `<li>`, `<br/>`. ASCII only, where
        // bytes are Characters and `isWhitespace` is the usual five.
        if inside.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) }) {
            let name = inside.utf8.last == UInt8(ascii: "/") ? inside.dropLast() : inside
            return .start(name.lowercased(), [:])
        }
        if inside.utf8.allSatisfy({ $0 < 0x80 }) { return asciiStartTag(inside) }
        return startTagByCharacters(inside)
    }

    /// `startTagByCharacters(_:)` on ASCII bytes: there a Character is a byte, or `\r\n`, which is
    /// white space as both its bytes are, so splitting at white space and quotes gives the same pieces.
    private static func asciiStartTag(_ inside: Substring) -> Token {
        let bytes = Array(inside.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        func text(_ range: Range<Int>, lowercased: Bool = false) -> String {
            String(
                decoding: bytes[range].map { lowercased && (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        let end = bytes.last == UInt8(ascii: "/") ? bytes.count - 1 : bytes.count
        var index = 0
        while index < end, !isSpace(bytes[index]) { index += 1 }
        let name = text(0..<index, lowercased: true)
        var attributes: [String: String] = [:]
        while true {
            while index < end, isSpace(bytes[index]) { index += 1 }
            guard let equals = bytes[index..<end].firstIndex(of: UInt8(ascii: "=")) else { break }
            let key = text(index..<equals, lowercased: true)
            let valueStart = equals + 1
            guard valueStart < end, bytes[valueStart] == UInt8(ascii: "\"") else { break }
            guard let valueEnd = bytes[(valueStart + 1)..<end].firstIndex(of: UInt8(ascii: "\"")) else { break }
            attributes[key] = text((valueStart + 1)..<valueEnd)
            index = valueEnd + 1
        }
        return .start(name, attributes)
    }

    /// The start tag of `inside` by Characters: the definition.
    static func startTagByCharacters(_ inside: Substring) -> Token {
        var body = inside
        if body.last == "/" { body = body.dropLast() }
        let name = body.prefix(while: { !$0.isWhitespace }).lowercased()
        var attributes: [String: String] = [:]
        var rest = body.drop(while: { !$0.isWhitespace })
        while true {
            rest = rest.drop(while: \.isWhitespace)
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].lowercased()
            let afterEquals = rest[rest.index(after: equals)...]
            guard afterEquals.first == "\"" else { break }
            let valueStart = afterEquals.index(after: afterEquals.startIndex)
            guard let valueEnd = afterEquals[valueStart...].firstIndex(of: "\"") else { break }
            attributes[key] = String(afterEquals[valueStart..<valueEnd])
            rest = afterEquals[afterEquals.index(after: valueEnd)...]
        }
        return .start(name, attributes)
    }

    /// Decodes the entities the writer and authors write; unknown named entities are kept.
    static func decodeEntities(_ text: some StringProtocol) -> String {
        // Only `&` starts an entity: without one the text is returned as it is.
        if !text.utf8.contains(UInt8(ascii: "&")) { return String(text) }
        let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}"]
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let name = text[text.index(after: index)..<semicolon]
            var decoded: String?
            if let value = named[String(name)] {
                decoded = value
            } else if name.hasPrefix("#x") || name.hasPrefix("#X"), let code = UInt32(name.dropFirst(2), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                decoded = String(Character(scalar))
            } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                decoded = String(Character(scalar))
            }
            if let decoded {
                result += decoded
                index = text.index(after: semicolon)
            } else {
                result.append(character)
                index = text.index(after: index)
            }
        }
        return result
    }
}
