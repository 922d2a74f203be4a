import Liquid

extension PlainTextWriter {
    /// The text writer of ``PlainTextWriter/streamedText(fromHTML:document:settings:)``: the walk of
    /// `State` (``PlainTextWriter/text(fromHTML:document:settings:)``, the definition) on the bytes of simple
    /// HTML (``UTF8Text/isSimple(_:)``) whose known values are simple too.
    ///
    /// The pending inline text is a byte array (a text run is appended as the HTML's own bytes), a link
    /// remembers where it starts as a byte offset, and a block is wrapped in one pass over its bytes straight
    /// into the output, with a running column: no `String` a word, a line or a prefix. Placeholder tokens are
    /// found on bytes as `ProtectedMarkdown.tokens(in:)` finds them on its byte path; where that path would
    /// give up for the Character search (a token candidate next to a non-ASCII byte), the same `String`
    /// functions as the definition's are called. `TextStreamDifferentialTests` holds the two writers to the
    /// same text.
    struct ByteWriter {
        let document: ProtectedMarkdown
        let settings: ConversionSettings
        /// The text part so far (valid UTF-8: whole scalars appended), made a `String` by ``finish()``.
        var output: [UInt8] = []
        var lastKind: BlockKind?
        /// The pending inline text: simple text, as every piece appended to it is.
        var inline: [UInt8] = []
        var openBlocks = 0
        var lists: [ByteListLevel] = []
        var quoteDepth = 0
        var preDepth = 0
        var headingLevel = 0
        /// Open links: their target (known values put in) and the offset in `inline` where their text starts.
        var links: [(href: String, start: Int)] = []
        var cells: [String] = []
        /// The offsets in `output` where the lines of the block being written start (kept for its capacity).
        var lineStarts: [Int] = []
        /// The first and continuation prefixes of the block being wrapped (kept for their capacity).
        var firstPrefix: [UInt8] = []
        var restPrefix: [UInt8] = []
        /// A word's restored bytes, and other short-lived bytes (kept for its capacity).
        var scratch: [UInt8] = []
        /// A link target's restored bytes (kept for its capacity).
        var linkTarget: [UInt8] = []
        /// The escaped bytes of the known values put in so far, by placeholder index (a known value is usually
        /// in one text run: a short list, searched from its end).
        var knownValues: [(index: Int, bytes: [UInt8])] = []

        /// A quick "no" for the known-value lookup of an output, when every key of the known values is
        /// ASCII: bit `n` of `lengths` set for a key of `n` bytes (bit 63 for 63 or more), bit `b` of
        /// `firstBytes` for a key starting with byte `b`. An ASCII path equals an ASCII key exactly when their
        /// bytes are equal, so a path whose length or first byte has no bit is no key.
        struct KeyFilter {
            var lengths: UInt64 = 0
            var firstBytes: (UInt64, UInt64) = (0, 0)

            /// The filter of `keys`, or `nil` when one is not ASCII (a key then may equal a path of other
            /// bytes: U+212A is `K`) or empty.
            init?(_ keys: Dictionary<String, String>.Keys) {
                for key in keys {
                    var key = key
                    let added = key.withUTF8 { bytes -> Bool in
                        guard let first = bytes.first else { return false }
                        for byte in bytes where byte >= 0x80 { return false }
                        lengths |= 1 << UInt64(min(bytes.count, 63))
                        if first < 64 {
                            firstBytes.0 |= 1 << UInt64(first)
                        } else {
                            firstBytes.1 |= 1 << UInt64(first - 64)
                        }
                        return true
                    }
                    guard added else { return nil }
                }
            }

            /// Whether the output `source` may name a key: `false` when its path (the bytes between `{{` and
            /// `}}`, spaces trimmed, as `ConversionSettings.path(ofOutput:)` reads an ASCII output) is not empty
            /// and no key has its length or its first byte, or when the source is not ASCII and holds no scalar
            /// canonically equivalent to ASCII.
            func mayName(_ source: String) -> Bool {
                var source = source
                return source.withUTF8 { bytes in
                    guard bytes.count >= 4 else { return true }
                    var isASCII = true
                    let count = bytes.count
                    var i = 0
                    if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
                        // Eight bytes at once: a `\r` among them (the has-zero test on the word XOR `\r`
                        // repeated marks one exactly when there is one), a byte not ASCII. The load reads
                        // `i..<i + 8`, within the buffer.
                        while i + 8 <= count {
                            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            let x = word ^ 0x0D0D_0D0D_0D0D_0D0D
                            if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 { return true }
                            if word & 0x8080_8080_8080_8080 != 0 { isASCII = false }
                            i += 8
                        }
                    }
                    while i < count {
                        if bytes[i] == 0x0D { return true }
                        if bytes[i] >= 0x80 { isASCII = false }
                        i += 1
                    }
                    guard isASCII else {
                        // The path (by Characters) keeps every non-ASCII scalar of the source: what goes is `{{`,
                        // `}}` and ` ` Characters. Such a path equals an ASCII key only through a scalar
                        // canonically equivalent to ASCII: U+212A (`K`), U+037E (`;`), U+1FEF (`` ` ``).
                        return UTF8Text.firstOffset(of: [0xE2, 0x84, 0xAA], in: bytes, from: 0) != nil
                            || UTF8Text.firstOffset(of: [0xCD, 0xBE], in: bytes, from: 0) != nil
                            || UTF8Text.firstOffset(of: [0xE1, 0xBF, 0xAF], in: bytes, from: 0) != nil
                    }
                    // `2 <= start <= end <= count - 2`: every index read is in bounds.
                    var start = 2
                    var end = bytes.count - 2
                    while start < end, bytes[start] == 0x20 { start += 1 }
                    while end > start, bytes[end - 1] == 0x20 { end -= 1 }
                    guard start < end else { return true }
                    let first = bytes[start]
                    guard lengths & (1 << UInt64(min(end - start, 63))) != 0 else { return false }
                    return first < 64
                        ? firstBytes.0 & (1 << UInt64(first)) != 0 : firstBytes.1 & (1 << UInt64(first - 64)) != 0
                }
            }
        }

        /// The filter of the known values' keys (`nil`: none, or not all ASCII), made on the first lookup.
        var keyFilter: KeyFilter??
        /// Set when a known value put in is not simple text: the writer's answer is then not the definition's,
        /// and ``PlainTextWriter/streamedText(fromHTML:document:settings:)`` asks the definition.
        var needsCharacters = false

        init(document: ProtectedMarkdown, settings: ConversionSettings) {
            self.document = document
            self.settings = settings
        }

        // MARK: Tokens on bytes

        /// Whether `bytes` (simple text) hold a Liquid output or tag placeholder: `State.holdsLiquid`.
        func holdsLiquid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard UTF8Text.firstOffset(of: document.prefixBytes, in: bytes, from: 0) != nil else { return false }
            var holds = false
            let placeholders = document.placeholders
            let scanned = ProtectedMarkdown.scanTokens(
                bytes, prefix: document.prefixBytes, placeholderCount: placeholders.count
            ) {
                _, index in
                switch placeholders[index].construct.kind {
                case .output, .tag: holds = true
                case .autolink, .lessThan: break
                }
            }
            if scanned { return holds }
            let text = String(decoding: bytes, as: UTF8.self)
            return document.tokens(in: Substring(text)).contains { token in
                switch placeholders[token.index].construct.kind {
                case .output, .tag: true
                case .autolink, .lessThan: false
                }
            }
        }

        /// Appends the text-part value of `bytes` (simple text) to `out`: `State.restore`, placeholders replaced
        /// by what they stand for and the entities between decoded.
        func appendRestored(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
            let mark = out.count
            let placeholders = document.placeholders
            var last = 0
            /// `bytes[range]`, its entities decoded (a range next to tokens or the ends: scalar boundaries).
            func appendDecoded(_ range: Range<Int>) {
                let piece = UnsafeBufferPointer(rebasing: bytes[range])
                if piece.contains(UInt8(ascii: "&")) {
                    out.append(contentsOf: HTMLTokenizer.decodeEntities(String(decoding: piece, as: UTF8.self)).utf8)
                } else {
                    out.append(contentsOf: piece)
                }
            }
            let scanned = ProtectedMarkdown.scanTokens(
                bytes, prefix: document.prefixBytes, placeholderCount: placeholders.count
            ) {
                range, index in
                appendDecoded(last..<range.lowerBound)
                let placeholder = placeholders[index]
                switch placeholder.construct.kind {
                case .output, .tag: out.append(contentsOf: placeholder.source.utf8)
                case .lessThan: out.append(UInt8(ascii: "<"))
                case .autolink(let url):
                    out.append(UInt8(ascii: "<"))
                    out.append(contentsOf: url.utf8)
                    out.append(UInt8(ascii: ">"))
                }
                last = range.upperBound
            }
            if scanned {
                appendDecoded(last..<bytes.count)
                return
            }
            out.removeSubrange(mark...)
            out.append(contentsOf: restoredString(bytes).utf8)
        }

        /// `State.restore` of `bytes` by the `String` functions: the definition's own.
        func restoredString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            let substring = Substring(String(decoding: bytes, as: UTF8.self))
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

        /// `State.restore` of bytes, as a `String`.
        func restore(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { appendRestored($0, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }

        /// The escaped bytes of the known value placeholder `index` stands for, if any: what
        /// `State.substitutingKnown` puts in its place.
        mutating func knownValue(_ index: Int) -> [UInt8]? {
            if let known = knownValues.last(where: { $0.index == index }) { return known.bytes }
            let placeholder = document.placeholders[index]
            guard placeholder.construct.kind == .output else { return nil }
            if keyFilter == nil { keyFilter = settings.knownKeys ?? .some(KeyFilter(settings.knownValues.keys)) }
            guard keyFilter??.mayName(placeholder.source) ?? true,
                let value = settings.value(ofOutput: placeholder.source),
                !UTF8Text.containsCharacters(value, document.prefix)
            else { return nil }
            if !UTF8Text.isSimple(value) { needsCharacters = true }
            var escaped: [UInt8] = []
            HTMLEscaper.append(.text, value.utf8, to: &escaped)
            knownValues.append((index, escaped))
            return escaped
        }

        /// Appends `bytes` (simple HTML text) to `out` with the placeholders of known outputs replaced by
        /// their escaped values: `State.substitutingKnown`.
        mutating func appendSubstitutingKnown(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
            guard !settings.knownValues.isEmpty else {
                out.append(contentsOf: bytes)
                return
            }
            let mark = out.count
            var last = 0
            let scanned = ProtectedMarkdown.scanTokens(
                bytes, prefix: document.prefixBytes, placeholderCount: document.placeholders.count
            ) { range, index in
                guard let value = knownValue(index) else { return }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last..<range.lowerBound]))
                out.append(contentsOf: value)
                last = range.upperBound
            }
            guard scanned else {
                out.removeSubrange(mark...)
                let substituted = substitutingKnownByCharacters(String(decoding: bytes, as: UTF8.self))
                // Simple text with a value put in is simple exactly when that value is.
                if !UTF8Text.isSimple(substituted) { needsCharacters = true }
                out.append(contentsOf: substituted.utf8)
                return
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last...]))
        }

        /// `State.substitutingKnown` by the `String` functions.
        func substitutingKnownByCharacters(_ text: String) -> String {
            guard !settings.knownValues.isEmpty else { return text }
            let substring = Substring(text)
            let tokens = document.tokens(in: substring)
            guard !tokens.isEmpty else { return text }
            var result = ""
            var last = substring.startIndex
            for token in tokens {
                let placeholder = document.placeholders[token.index]
                guard placeholder.construct.kind == .output, let value = settings.value(ofOutput: placeholder.source),
                    !UTF8Text.containsCharacters(value, document.prefix)
                else { continue }
                result.append(contentsOf: substring[last..<token.range.lowerBound])
                result += HTMLEscaper.escape(.text, value)
                last = token.range.upperBound
            }
            result.append(contentsOf: substring[last...])
            return result
        }

        /// `substitutingKnown` of a `String` (a link's target, simple as the HTML it is in).
        mutating func substitutingKnown(_ text: String) -> String {
            guard !settings.knownValues.isEmpty else { return text }
            var text = text
            // Without the token prefix's bytes there is no token (simple text: a Character match is a byte
            // match), and the text is its own answer, as in `handleText`.
            let prefix = document.prefixBytes
            guard text.withUTF8({ UTF8Text.firstOffset(of: prefix, in: $0, from: 0) != nil }) else { return text }
            var out: [UInt8] = []
            text.withUTF8 { appendSubstitutingKnown($0, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }

        // MARK: The walk

        /// The tag between `bytes[lower]` and `bytes[upper - 1]` (the text between `<` and `>` of simple
        /// HTML, `inside()` as a Substring), as `HTMLTokenizer` reads it.
        mutating func handleTag(
            _ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int, inside: () -> Substring
        ) {
            // `lower...upper` lies within the buffer: `upper` is the offset of the `>`.
            if lower < upper, bytes[lower] == UInt8(ascii: "/") {
                let name = UnsafeBufferPointer(rebasing: bytes[(lower + 1)..<upper])
                if name.allSatisfy({ $0 < 0x80 }) {
                    handleEnd(Tag(lowercasedASCII: name))
                } else {
                    handleEnd(Tag(name: inside().dropFirst().lowercased()))
                }
                return
            }
            // No attributes: ASCII without white space, a final `/` dropped (as `HTMLTokenizer.startTag`).
            if bytes[lower..<upper].allSatisfy({ $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) }) {
                let end = upper > lower && bytes[upper - 1] == UInt8(ascii: "/") ? upper - 1 : upper
                handleStart(
                    Tag(lowercasedASCII: UnsafeBufferPointer(rebasing: bytes[lower..<end])), attributes: .init())
                return
            }
            if bytes[lower..<upper].allSatisfy({ $0 < 0x80 }) {
                let (tag, attributes) = Self.asciiStartTag(bytes, lower, upper)
                handleStart(tag, attributes: attributes)
                return
            }
            guard case .start(let name, let attributes) = HTMLTokenizer.startTag(inside()) else { return }
            handleStart(Tag(name: name), attributes: TagAttributes(attributes))
        }

        /// The start tag between `bytes[lower]` and `bytes[upper - 1]`, all ASCII and with white space: the
        /// tag and the attributes the writer reads, as `HTMLTokenizer.startTag` (its `asciiStartTag`) gives
        /// them, read on the bytes without the other attributes' Strings or a dictionary.
        static func asciiStartTag(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> (
            Tag, TagAttributes
        ) {
            // Every index read lies in `lower..<end`, and `end <= upper <= bytes.count`.
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
            func firstOffset(of byte: UInt8, in range: Range<Int>) -> Int? {
                var index = range.lowerBound
                while index < range.upperBound {
                    if bytes[index] == byte { return index }
                    index += 1
                }
                return nil
            }
            /// Whether `bytes[range]`, ASCII letters lowercased, is `literal`.
            func isKey(_ range: Range<Int>, _ literal: StaticString) -> Bool {
                guard literal.utf8CodeUnitCount == range.count else { return false }
                return literal.withUTF8Buffer { literal in
                    for i in 0..<literal.count {
                        let byte = bytes[range.lowerBound + i]
                        if ((0x41...0x5A).contains(byte) ? byte + 0x20 : byte) != literal[i] { return false }
                    }
                    return true
                }
            }
            let end = upper > lower && bytes[upper - 1] == UInt8(ascii: "/") ? upper - 1 : upper
            var index = lower
            while index < end, !isSpace(bytes[index]) { index += 1 }
            let tag = Tag(lowercasedASCII: UnsafeBufferPointer(rebasing: bytes[lower..<index]))
            var attributes = TagAttributes()
            // The loop of `asciiStartTag`: a later value of a key replaces an earlier one.
            while true {
                while index < end, isSpace(bytes[index]) { index += 1 }
                guard let equals = firstOffset(of: UInt8(ascii: "="), in: index..<end) else { break }
                let valueStart = equals + 1
                guard valueStart < end, bytes[valueStart] == UInt8(ascii: "\"") else { break }
                guard let valueEnd = firstOffset(of: UInt8(ascii: "\""), in: (valueStart + 1)..<end) else { break }
                let key = index..<equals
                func value() -> String {
                    UTF8Text.string(UnsafeBufferPointer(rebasing: bytes[(valueStart + 1)..<valueEnd]))
                }
                if isKey(key, "href") {
                    attributes.href = value()
                } else if isKey(key, "alt") {
                    attributes.alt = value()
                } else if isKey(key, "start") {
                    attributes.start = value()
                }
                index = valueEnd + 1
            }
            return (tag, attributes)
        }

        /// A text run of simple HTML: `State.handle(.text(_))`.
        mutating func handleText(_ bytes: UnsafeBufferPointer<UInt8>) {
            // Without the token prefix's bytes there is no token, and nothing to substitute.
            let holdsToken =
                !settings.knownValues.isEmpty
                && UTF8Text.firstOffset(of: document.prefixBytes, in: bytes, from: 0) != nil
            if preDepth > 0 || openBlocks > 0 {
                if holdsToken {
                    var pending: [UInt8] = []
                    swap(&pending, &inline)
                    appendSubstitutingKnown(bytes, to: &pending)
                    swap(&pending, &inline)
                } else {
                    inline.append(contentsOf: bytes)
                }
                return
            }
            var text: [UInt8] = []
            swap(&text, &scratch)
            text.removeAll(keepingCapacity: true)
            if holdsToken {
                appendSubstitutingKnown(bytes, to: &text)
            } else {
                text.append(contentsOf: bytes)
            }
            if !text.withUnsafeBufferPointer({ Self.isWhitespace($0) }) {
                // Tags unwrapped from their paragraph: glued to the next block. Trimmed of ` ` and `\n`,
                // Characters of their own in simple text.
                var lower = 0
                var upper = text.count
                while lower < upper, text[lower] == 0x20 || text[lower] == 0x0A { lower += 1 }
                while upper > lower, text[upper - 1] == 0x20 || text[upper - 1] == 0x0A { upper -= 1 }
                startBlock(.tag)
                var out: [UInt8] = []
                swap(&out, &output)
                appendRestored(text, lower..<upper, to: &out)
                swap(&out, &output)
                lastKind = .tag
            }
            swap(&text, &scratch)
        }

        /// Whether every scalar of simple text is white space: ASCII ` ` and `\t`...`\r`, or U+0085, U+00A0
        /// or U+202F, the only other white space scalars simple text can hold (`UTF8Text.WordBytes`).
        static func isWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            let count = bytes.count
            // Every index read is below `count`.
            while i < count {
                let byte = bytes[i]
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    i += 1
                } else if byte == 0xC2, i + 1 < count, bytes[i + 1] == 0x85 || bytes[i + 1] == 0xA0 {
                    i += 2
                } else if byte == 0xE2, i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xAF {
                    i += 3
                } else {
                    return false
                }
            }
            return true
        }

        /// `State.handleStart`.
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
                lists.append(ByteListLevel(ordered: ordered, next: start))
            case .item:
                flushInline()
                openBlocks += 1
                guard var level = lists.popLast() else { break }
                level.outerWidth = lists.last?.indentWidth ?? 0
                level.number = level.ordered ? level.next : nil
                level.hasMarker = true
                level.indentWidth = level.outerWidth + ByteListLevel.markerWidth(level.number)
                level.next = level.next.addingReportingOverflow(1).overflow ? level.next : level.next + 1
                lists.append(level)
            case .blockquote:
                flushInline()
                quoteDepth += 1
            case .pre:
                flushInline()
                preDepth += 1
            case .br:
                inline.append(UInt8(ascii: "\n"))
            case .hr:
                flushInline()
                startBlock(.paragraph)
                Self.appendQuotePrefix(depth: quoteDepth, to: &output)
                for _ in 0..<20 { output.append(UInt8(ascii: "-")) }
                lastKind = .paragraph
            case .anchor:
                let href = substitutingKnown(attributes.href ?? "")
                links.append((href, inline.count))
            case .image:
                inline.append(contentsOf: (attributes.alt ?? "").utf8)
            case .tableRow:
                flushInline()
                cells = []
            case .cell:
                inline.removeAll(keepingCapacity: true)
                openBlocks += 1
            case .other:
                break
            }
        }

        /// `State.handleEnd`.
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
                inline.removeAll(keepingCapacity: true)
                preDepth = max(0, preDepth - 1)
                let quote = String(repeating: "> ", count: quoteDepth)
                var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map { quote + $0 }
                while lines.last?.allSatisfy({ $0 == " " || $0 == ">" }) == true, lines.count > 1 {
                    lines.removeLast()
                }
                emit(lines, kind: .paragraph)
            case .anchor:
                guard let link = links.popLast(), link.start <= inline.count else { break }
                endLink(href: link.href, start: link.start)
            case .cell:
                cells.append(restore(inline).split(whereSeparator: \.isWhitespace).joined(separator: " "))
                inline.removeAll(keepingCapacity: true)
                openBlocks = max(0, openBlocks - 1)
            case .tableRow:
                emit([String(repeating: "> ", count: quoteDepth) + cells.joined(separator: " | ")], kind: .tableRow)
                cells = []
            case .br, .hr, .image, .other:
                break
            }
        }

        /// The end of a link whose text starts at `start` in `inline`: the text kept with the target after
        /// it, or the target alone in its place, or (an address) the text alone, as `State.handleEnd`.
        mutating func endLink(href: String, start: Int) {
            var start = start
            // The Markdown writer opens no block inside a link, so `inline` is the one the link began in. Were
            // it emptied and filled again, the offset is read in the new text, rounded down to a scalar
            // boundary (where the definition's stale `String.Index` would trap).
            while start > 0, start < inline.count, inline[start] & 0xC0 == 0x80 { start -= 1 }
            var lower = start
            var upper = inline.count
            // Trimmed of ` `, a Character of its own in simple text.
            while lower < upper, inline[lower] == 0x20 { lower += 1 }
            while upper > lower, inline[upper - 1] == 0x20 { upper -= 1 }
            var replaces = lower == upper
            var keepsText = false
            var href = href
            if !replaces {
                // Into the writer's scratch buffers (kept for their capacity), not two arrays a link.
                var text: [UInt8] = []
                var target: [UInt8] = []
                swap(&text, &scratch)
                swap(&target, &linkTarget)
                text.removeAll(keepingCapacity: true)
                target.removeAll(keepingCapacity: true)
                restoreLink(lower..<upper, href: &href, text: &text, target: &target)
                if Self.equal(text, target) {
                    replaces = true
                } else {
                    // `[a@b.org](mailto:a@b.org)`: the address once, as the contact reads it.
                    keepsText = Self.equal(text, target, afterMailto: true)
                }
                swap(&target, &linkTarget)
                swap(&text, &scratch)
            }
            if replaces {
                inline.removeSubrange(start...)
                inline.append(UInt8(ascii: "<"))
                href.withUTF8 { inline.append(contentsOf: $0) }
                inline.append(UInt8(ascii: ">"))
            } else if !keepsText {
                inline.append(UInt8(ascii: " "))
                inline.append(UInt8(ascii: "<"))
                href.withUTF8 { inline.append(contentsOf: $0) }
                inline.append(UInt8(ascii: ">"))
            }
        }

        /// Appends the text-part values of a link's text (`inline[range]`) and of its target to `text` and
        /// `target`. Not `mutating`, so that its closures read `self` without copying it.
        func restoreLink(_ range: Range<Int>, href: inout String, text: inout [UInt8], target: inout [UInt8]) {
            inline.withUnsafeBufferPointer { appendRestored(UnsafeBufferPointer(rebasing: $0[range]), to: &text) }
            href.withUTF8 { appendRestored($0, to: &target) }
        }

        /// Whether the UTF-8 bytes `b` and `a` (after `mailto:` with `afterMailto`) are equal as Strings
        /// (canonically equivalent): equal bytes are, different ASCII bytes are not, ASCII and text that is
        /// not are not (unless it holds a scalar equivalent to ASCII), and anything else is compared as Strings.
        static func equal(_ a: [UInt8], _ b: [UInt8], afterMailto: Bool = false) -> Bool {
            let prefix: StaticString = afterMailto ? "mailto:" : ""
            let prefixCount = prefix.utf8CodeUnitCount
            let bytesEqual = prefix.withUTF8Buffer { prefix in
                b.count == prefixCount + a.count && b[..<prefixCount].elementsEqual(prefix)
                    && b[prefixCount...].elementsEqual(a)
            }
            if bytesEqual { return true }
            let aIsASCII = a.allSatisfy { $0 < 0x80 }
            let bIsASCII = b.allSatisfy { $0 < 0x80 }
            if aIsASCII && bIsASCII { return false }
            // ASCII equals a text that is not only through a scalar canonically equivalent to ASCII (U+212A `K`,
            // U+037E `;`, U+1FEF `` ` ``): an ASCII text is its own normal form, so the other's must be
            // ASCII too, and only those three scalars decompose to ASCII.
            if aIsASCII != bIsASCII {
                if !holdsScalarEquivalentToASCII(aIsASCII ? b : a) { return false }
            }
            return "\(prefix)" + String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
        }

        /// Whether `bytes` hold U+212A, U+037E or U+1FEF (`E2 84 AA`, `CD BE`, `E1 BF AF`), the scalars
        /// canonically equivalent to ASCII (`K`, `;`, `` ` ``).
        static func holdsScalarEquivalentToASCII(_ bytes: [UInt8]) -> Bool {
            let count = bytes.count
            var i = 0
            // Every index read is below `count`.
            while i + 1 < count {
                switch bytes[i] {
                case 0xCD:
                    if bytes[i + 1] == 0xBE { return true }
                case 0xE1:
                    if i + 2 < count, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xAF { return true }
                case 0xE2:
                    if i + 2 < count, bytes[i + 1] == 0x84, bytes[i + 2] == 0xAA { return true }
                default:
                    break
                }
                i += 1
            }
            return false
        }

        /// `> ` `depth` times. Static: a method reading `self` given `&self.firstPrefix` copied the writer.
        static func appendQuotePrefix(depth: Int, to out: inout [UInt8]) {
            for _ in 0..<depth {
                out.append(UInt8(ascii: ">"))
                out.append(UInt8(ascii: " "))
            }
        }

        mutating func startBlock(_ kind: BlockKind) {
            PlainTextWriter.appendSeparator(before: kind, after: lastKind, inList: !lists.isEmpty, to: &output)
        }

        mutating func emit(_ lines: [String], kind: BlockKind) {
            startBlock(kind)
            PlainTextWriter.appendLines(lines, to: &output)
            lastKind = kind
        }

        /// Wraps and emits the pending inline text as a paragraph, heading or list item: `State.flushInline`.
        mutating func flushInline() {
            // Nothing pending (a block's start, mostly): nothing to write, and nothing to empty.
            guard preDepth == 0, !inline.isEmpty else { return }
            var text: [UInt8] = []
            swap(&text, &inline)
            defer {
                text.removeAll(keepingCapacity: true)
                swap(&text, &inline)
            }
            guard !text.withUnsafeBufferPointer({ Self.isWhitespace($0) }) else { return }
            if !firstPrefix.isEmpty { firstPrefix.removeAll(keepingCapacity: true) }
            Self.appendQuotePrefix(depth: quoteDepth, to: &firstPrefix)
            if !restPrefix.isEmpty { restPrefix.removeAll(keepingCapacity: true) }
            Self.appendQuotePrefix(depth: quoteDepth, to: &restPrefix)
            var kind = BlockKind.paragraph
            if var level = lists.last {
                if level.hasMarker {
                    level.appendMarker(to: &firstPrefix)
                } else {
                    for _ in 0..<level.indentWidth { firstPrefix.append(UInt8(ascii: " ")) }
                }
                for _ in 0..<level.indentWidth { restPrefix.append(UInt8(ascii: " ")) }
                level.hasMarker = false
                lists[lists.count - 1] = level
                kind = .listLine
            }
            startBlock(kind)
            var out: [UInt8] = []
            swap(&out, &output)
            var starts: [Int] = []
            swap(&starts, &lineStarts)
            var word: [UInt8] = []
            swap(&word, &scratch)
            appendBlock(text, into: &out, lineStarts: &starts, word: &word)
            if headingLevel == 1 || headingLevel == 2 {
                appendUnderline(to: &out, lineStarts: starts, character: headingLevel == 1 ? "=" : "-")
            }
            swap(&word, &scratch)
            swap(&starts, &lineStarts)
            swap(&out, &output)
            lastKind = kind
        }

        /// The lines of `text`, wrapped unless it holds Liquid: a block with Liquid left (contact values) is not
        /// wrapped here, its length being known only once rendered; the sender wraps it then (bundle-format.md,
        /// "The text part's lines"). Not `mutating`, so that its closure reads `self` without copying it.
        func appendBlock(_ text: [UInt8], into out: inout [UInt8], lineStarts: inout [Int], word: inout [UInt8]) {
            text.withUnsafeBufferPointer { text in
                appendLines(
                    text, width: holdsLiquid(text) ? nil : PlainTextWriter.width, into: &out, lineStarts: &lineStarts,
                    word: &word)
            }
        }

        /// `appendRestored` of `bytes[range]`.
        func appendRestored(_ bytes: [UInt8], _ range: Range<Int>, to out: inout [UInt8]) {
            bytes.withUnsafeBufferPointer { appendRestored(UnsafeBufferPointer(rebasing: $0[range]), to: &out) }
        }

        /// A line of `character` as long as the longest of the lines starting at `lineStarts` (in
        /// Characters), after a `\n`.
        func appendUnderline(to out: inout [UInt8], lineStarts: [Int], character: Unicode.Scalar) {
            var length = 0
            for (index, start) in lineStarts.enumerated() {
                let end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : out.count
                let line = out[start..<end]
                let count =
                    line.withUnsafeBufferPointer { UTF8Text.isSimple($0) }
                    ? line.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                    : String(decoding: line, as: UTF8.self).count
                length = max(length, count)
            }
            out.append(UInt8(ascii: "\n"))
            for _ in 0..<length { out.append(UInt8(ascii: character)) }
        }

        /// The lines of simple `text` (not all white space), as `PlainTextWriter.simpleLines` gives them for
        /// the block's prefixes, appended to `out` joined by `\n`, their starts put in `lineStarts`: wrapped
        /// greedily at `width` (no word split), or one line a `\n`-separated segment when `width` is `nil`;
        /// a segment's words are its runs of bytes other than ` `, joined by one space.
        ///
        /// One pass over the bytes with a running count of the line's Characters (scalars, while every
        /// piece of the line is simple; the `String` count of the line's bytes otherwise, as the definition
        /// counts). A word without `&` and without the token prefix is its own text-part value: runs of such
        /// words with one space between them are copied as one piece; other words are restored into `word`.
        func appendLines(
            _ text: UnsafeBufferPointer<UInt8>, width: Int?, into out: inout [UInt8], lineStarts: inout [Int],
            word: inout [UInt8]
        ) {
            lineStarts.removeAll(keepingCapacity: true)
            let tokenPrefix = document.prefixBytes
            let prefixFirst = tokenPrefix.first ?? 0
            let prefixFirstSplat = UInt64(prefixFirst) &* 0x0101_0101_0101_0101
            let base = text.baseAddress.map(UnsafeRawPointer.init)
            let count = text.count
            let space = UInt8(ascii: " ")
            let newline = UInt8(ascii: "\n")
            // Both prefixes are ASCII (quotes, list markers, spaces): a byte is a Character.
            let firstCount = firstPrefix.count
            let restCount = restPrefix.count
            /// Whether the token prefix starts at `offset` (it must end by `count`).
            func startsPrefix(_ offset: Int) -> Bool {
                guard offset + tokenPrefix.count <= count else { return false }
                for i in 0..<tokenPrefix.count where text[offset + i] != tokenPrefix[i] { return false }
                return true
            }
            /// A run of plain words of `text` not yet copied to `out`: `text[runStart..<runEnd]`.
            var runStart = 0
            var runEnd = 0
            func flushRun() {
                if runStart < runEnd { out.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<runEnd])) }
                runStart = 0
                runEnd = 0
            }
            var lineStart = out.count
            /// Starts a line: `\n` after the block's previous line, then the prefix.
            func openLine() {
                flushRun()
                if !lineStarts.isEmpty { out.append(newline) }
                lineStart = out.count
                lineStarts.append(lineStart)
                if lineStarts.count == 1 {
                    if !firstPrefix.isEmpty { out.append(contentsOf: firstPrefix) }
                } else if !restPrefix.isEmpty {
                    out.append(contentsOf: restPrefix)
                }
            }
            var linesEnded = 0
            var segmentStart = 0
            // Every index read is below `count`: each scan stops at `count`.
            while true {
                var lineOpen = false
                var lineCount: Int? = linesEnded == 0 ? firstCount : restCount
                var lineHasWord = false
                var i = segmentStart
                while true {
                    // After the run's last word, the plain words that follow it one space apart and fit on the
                    // line are joined to the run at once (`plainRunEnd`): each is one the step below joins.
                    if lineHasWord, runStart < runEnd, runEnd == i, i < count, text[i] == space {
                        let room: Int?
                        if let width {
                            room = lineCount.map { width - $0 }
                        } else {
                            room = Int.max
                        }
                        if let room {
                            let (end, characters) = Self.plainRunEnd(
                                text, from: i, room: room, prefixFirst: prefixFirst)
                            if end > i {
                                runEnd = end
                                lineCount = lineCount.map { $0 + characters }
                                i = end
                            }
                        }
                    }
                    while i < count, text[i] == space { i += 1 }
                    if i >= count || text[i] == newline { break }
                    let start = i
                    var plain = true
                    var scalars = 0
                    while i < count {
                        // Eight bytes at once up to the first that is ` `, `\n`, `&`, the token prefix's first
                        // byte or not ASCII: the bytes before it are one scalar each and change nothing else.
                        // The load reads `i..<i + 8`, within the buffer.
                        if i + 8 <= count, let base {
                            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                            let marks = Self.marks(word, prefixFirst: prefixFirstSplat)
                            if marks == 0 {
                                scalars += 8
                                i += 8
                                continue
                            }
                            // The lowest mark is exact (a borrow only marks bytes above a true match).
                            let skipped = marks.trailingZeroBitCount >> 3
                            scalars += skipped
                            i += skipped
                        }
                        let byte = text[i]
                        if byte == space || byte == newline { break }
                        if byte == UInt8(ascii: "&") || (byte == prefixFirst && plain && startsPrefix(i)) {
                            plain = false
                        } else if byte & 0xC0 == 0x80 {
                            scalars -= 1
                        }
                        scalars += 1
                        i += 1
                    }
                    let end = i
                    let wordCount: Int?
                    if plain {
                        wordCount = scalars
                    } else {
                        word.removeAll(keepingCapacity: true)
                        appendRestored(UnsafeBufferPointer(rebasing: text[start..<end]), to: &word)
                        if width == nil {
                            wordCount = nil
                        } else {
                            wordCount =
                                word.withUnsafeBufferPointer { UTF8Text.isSimple($0) }
                                ? word.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } : nil
                        }
                    }
                    if !lineOpen {
                        openLine()
                        lineOpen = true
                    }
                    var breaksLine = false
                    if let width, lineHasWord {
                        let currentCount: Int
                        if let lineCount {
                            currentCount = lineCount
                        } else {
                            flushRun()
                            currentCount = String(decoding: out[lineStart...], as: UTF8.self).count
                        }
                        let currentWordCount = wordCount ?? String(decoding: word, as: UTF8.self).count
                        breaksLine = currentCount + 1 + currentWordCount > width
                    }
                    if breaksLine {
                        linesEnded += 1
                        openLine()
                        lineCount = wordCount.map { restCount + $0 }
                    } else {
                        if lineHasWord {
                            // One space then the word: joined to the pending run when it follows it in `text`
                            // after one space.
                            if plain, runStart < runEnd, runEnd + 1 == start {
                                runEnd = end
                                lineCount = lineCount.flatMap { count in wordCount.map { count + 1 + $0 } }
                                lineHasWord = true
                                continue
                            }
                            flushRun()
                            out.append(space)
                        }
                        lineCount = lineCount.flatMap { count in wordCount.map { count + (lineHasWord ? 1 : 0) + $0 } }
                    }
                    if plain {
                        flushRun()
                        runStart = start
                        runEnd = end
                    } else {
                        flushRun()
                        out.append(contentsOf: word)
                    }
                    lineHasWord = true
                }
                if lineHasWord || linesEnded > 0 {
                    if !lineOpen { openLine() }
                    linesEnded += 1
                }
                guard i < count else { break }
                segmentStart = i + 1
            }
            flushRun()
            // Lines of spaces and `>` at the end go (bytes or Characters: the same lines).
            while lineStarts.count > 1, let last = lineStarts.last,
                out[last...].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ">") })
            {
                // The `\n` before the line goes with it.
                out.removeSubrange((last - 1)...)
                lineStarts.removeLast()
            }
        }

        /// Where the plain words after `text[start]` (a space right after a word) end when joined to that word
        /// while they fit in `room` more Characters, and the Characters joined: the largest word end `end`
        /// (a ` `, `\n` or the end of `text` after a byte other than a space) such that `text[start..<end]` holds no `\n`, `&`,
        /// `prefixFirst` or two spaces in a row and counts at most `room` Characters (scalars: its bytes but
        /// continuation bytes, as `appendLines` counts a plain word). `(start, 0)` when there is none.
        ///
        /// Such words are the ones `appendLines` joins to its run one by one (each after one space, plain, and
        /// the line's count plus one plus its own not over the width), so the greedy choice is the same: the
        /// count grows with each word, and the first word that does not fit, or is not plain, or follows two
        /// spaces, is left to `appendLines`.
        ///
        /// Eight bytes at once while none is `\n`, `&` or `prefixFirst`, no space is followed by a space and
        /// the eight fit; then byte by byte.
        static func plainRunEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, room: Int, prefixFirst: UInt8)
            -> (end: Int, characters: Int)
        {
            let count = text.count
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            let prefixSplat = UInt64(prefixFirst) &* ones
            var p = start
            var characters = 0
            var end = start
            var endCharacters = 0
            if let base = text.baseAddress.map(UnsafeRawPointer.init) {
                // The last eight bytes holding a space: their offset, the bit 7 of each space and of each
                // continuation byte among them, and the Characters before them.
                var lastChunk = -1
                var lastSpaces: UInt64 = 0
                var lastContinuations: UInt64 = 0
                var lastCharacters = 0
                // The load reads `p..<p + 8`, within the buffer; `text[p + 8]` is read only below `count`.
                while p + 8 <= count {
                    let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
                    @inline(__always) func zeros(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
                    // Not zero exactly when a byte is `\n`, `&` or `prefixFirst` (the has-zero test is exact for
                    // the lowest match, and there is one exactly when it marks any).
                    if zeros(x ^ 0x0A0A_0A0A_0A0A_0A0A) | zeros(x ^ 0x2626_2626_2626_2626) | zeros(x ^ prefixSplat)
                        != 0
                    {
                        break
                    }
                    // Bit 7 of each continuation byte (`10xxxxxx`: bit 7 set, bit 6 clear); their number, the
                    // sum of the bytes once shifted to bit 0 (at most 8: no carry leaves the top byte).
                    let continuations = x & ~(x << 1) & highs
                    let chunkCharacters = 8 - Int(((continuations >> 7) &* ones) >> 56)
                    if characters + chunkCharacters > room { break }
                    // Bit 7 of each byte that is a space, exactly (no carry leaves a byte: each is below 0x80
                    // plus 0x7F).
                    let s = x ^ 0x2020_2020_2020_2020
                    let spaces = ~(((s & lows) &+ lows) | s | lows)
                    if spaces != 0 {
                        if spaces & (spaces >> 8) != 0 { break }
                        if spaces >> 63 != 0, p + 8 < count, text[p + 8] == 0x20 { break }
                        lastChunk = p
                        lastSpaces = spaces
                        lastContinuations = continuations
                        lastCharacters = characters
                    }
                    characters += chunkCharacters
                    p += 8
                }
                if lastChunk >= 0 {
                    // The last space of those eight ends a word; the bytes before it fit.
                    let k = (63 - lastSpaces.leadingZeroBitCount) >> 3
                    let before = lastContinuations & ((1 << (8 * UInt64(k))) &- 1)
                    end = lastChunk + k
                    endCharacters = lastCharacters + k - Int(((before >> 7) &* ones) >> 56)
                }
            }
            // Every index read is below `count`.
            while p < count {
                let byte = text[p]
                if byte == 0x20 {
                    guard characters <= room else { break }
                    end = p
                    endCharacters = characters
                    if p + 1 < count, text[p + 1] == 0x20 { break }
                    characters += 1
                    p += 1
                    continue
                }
                if byte == 0x0A {
                    // A word ends here unless a space does (`p > start`: `text[start]` is a space).
                    if characters <= room, text[p - 1] != 0x20 {
                        end = p
                        endCharacters = characters
                    }
                    break
                }
                if byte == 0x26 || byte == prefixFirst { break }
                if byte & 0xC0 != 0x80 { characters += 1 }
                if characters > room { break }
                p += 1
            }
            if p == count, characters <= room, text[p - 1] != 0x20 {
                end = count
                endCharacters = characters
            }
            return (end, endCharacters)
        }

        /// The bytes of `word` (little-endian: byte 0 lowest) that are ` `, `\n`, `&`, the byte of which
        /// `prefixFirst` is eight copies, or not ASCII, as their bit 7: exact for the lowest such byte, maybe
        /// not above it (the has-zero test on the word XOR each byte repeated).
        @inline(__always)
        static func marks(_ word: UInt64, prefixFirst: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            return zeros(word ^ 0x2020_2020_2020_2020) | zeros(word ^ 0x0A0A_0A0A_0A0A_0A0A)
                | zeros(word ^ 0x2626_2626_2626_2626) | zeros(word ^ prefixFirst) | (word & highs)
        }

        /// The text part: the pending text flushed, trailing `\n` and spaces (Characters) dropped, one `\n`
        /// added.
        mutating func finish() -> String {
            flushInline()
            // A last byte ` ` or `\n` after an ASCII byte other than `\r` is a Character of its own (no
            // `\r\n`, and no prepended mark, which is never ASCII, before it): dropped on bytes. The rest, if
            // any, by Characters.
            while let last = output.last, last == 0x20 || last == 0x0A {
                guard output.count == 1 || (output[output.count - 2] < 0x80 && output[output.count - 2] != 0x0D)
                else { break }
                output.removeLast()
            }
            // Nothing left, or a last ASCII byte other than ` ` and `\n`: no Character is dropped below, and the
            // `\n` is added to the bytes, not to the string (which grew it again).
            guard let last = output.last else { return "" }
            if last < 0x80, last != 0x20, last != 0x0A {
                output.append(0x0A)
                return UTF8Text.string(output)
            }
            var text = UTF8Text.string(output)
            while text.last == "\n" || text.last == " " { text.removeLast() }
            if !text.isEmpty { text += "\n" }
            return text
        }
    }

    /// A list being written: whether it is ordered, its next number, and its current item's marker and the
    /// indentation of the item's continuation lines.
    struct ByteListLevel {
        var ordered: Bool
        var next: Int
        /// The current item's number (`nil`: `- `, or no item yet).
        var number: Int?
        /// Whether the current item's marker is still to be written (its first line).
        var hasMarker = false
        /// The indentation of the enclosing list's items, before the marker.
        var outerWidth = 0
        /// The indentation of the current item's continuation lines: the marker's width.
        var indentWidth = 0

        init(ordered: Bool, next: Int) {
            self.ordered = ordered
            self.next = next
        }

        /// The width of the marker after the outer indentation: `- `, or the number then `. `.
        static func markerWidth(_ number: Int?) -> Int {
            guard let number else { return 2 }
            return String(number).utf8.count + 2
        }

        /// The marker: the outer indentation, then `- ` or the number and `. `.
        func appendMarker(to out: inout [UInt8]) {
            for _ in 0..<outerWidth { out.append(UInt8(ascii: " ")) }
            if let number {
                out.append(contentsOf: String(number).utf8)
                out.append(UInt8(ascii: "."))
            } else {
                out.append(UInt8(ascii: "-"))
            }
            out.append(UInt8(ascii: " "))
        }
    }
}
