#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension LiquidTemplate {
    /// The filter chain every HTML output ends with: `escape`, then `'` written the way Ruby Liquid
    /// (and automail's renderer) writes it.
    ///
    /// Liquid engines agree on how `escape` writes `&`, `<`, `>` and `"`, but not `'`: Ruby Liquid,
    /// LiquidJS and automail write `&#39;`, python-liquid writes `&#x27;`. After `escape` every `&` of
    /// the value is already `&amp;`, so `&#x27;` can only come from `escape` itself, and replacing it
    /// by `&#39;` makes every engine produce the same bytes.
    public static let portableEscapeFilters = #"escape | replace: "&#x27;", "&#39;""#

    /// Rewrites `source` so that every `{{ … }}` output ends with the portable escape chain
    /// (``portableEscapeFilters``), unless it already does. Everything else stays byte-identical,
    /// whitespace control included: `{{- name -}}` becomes
    /// `{{- name | escape | replace: "&#x27;", "&#39;" -}}`. An output whose last filter is already
    /// `escape` only gets the `replace`. Outputs that do not parse, and outputs inside `comment`
    /// blocks or `raw` bodies, are left alone.
    public static func appendingEscapeToOutputs(_ source: String) -> String {
        rewrite(source).text
    }

    /// ``appendingEscapeToOutputs(_:)`` of `parts.joined()`, rewriting part by part where that gives the
    /// same bytes: when every part ends outside any output, tag, comment or `raw` body and no `{{` or
    /// `{%` straddles two parts (otherwise the joined text is rewritten whole). A part without `{{` or
    /// `{%` then costs one scan of its bytes.
    public static func appendingEscapeToOutputs(joining parts: [String]) -> String {
        appendingEscapeToOutputs(joining: parts.map { EscapePart.source($0) })
    }

    /// A text rewritten once for the many joins it is part of (a layout's markup).
    public struct PreparedEscapePart: Sendable {
        let source: String
        /// The rewrite, when the text ends outside any construct, comment or `raw` body.
        let rewritten: String?
        let first: UInt8?
        let last: UInt8?
        /// Whether the text holds a `capture` or `assign` tag (``LiquidTemplate/holdsBindingTag(_:)``).
        let bindsNames: Bool

        /// The rewrite (``LiquidTemplate/appendingEscapeToOutputs(_:)`` of the text), when the text ends
        /// outside any output, tag, comment or `raw` body: what ``LiquidTemplate/rewrittenParts(_:)`` gives
        /// for this part; `nil` otherwise (a join holding it is then rewritten whole).
        public var rewrittenText: String? { rewritten }

        /// Rewrites `source` once.
        public init(_ source: String) {
            self.source = source
            var copy = source
            let (hasMarkup, first, last) = copy.withUTF8 { LiquidTemplate.markupAndEnds(of: $0) }
            self.first = first
            self.last = last
            bindsNames = hasMarkup && copy.withUTF8 { LiquidTemplate.holdsBindingTag($0) }
            if hasMarkup {
                let result = LiquidTemplate.rewrite(source)
                rewritten = result.endsClean ? result.text : nil
            } else {
                rewritten = source
            }
        }
    }

    /// A part of a join: a text to rewrite, or one rewritten beforehand.
    public enum EscapePart: Sendable {
        case source(String)
        case prepared(PreparedEscapePart)
        /// A text to rewrite given as its UTF-8 bytes, which must be valid UTF-8 (a String's bytes, or
        /// bytes made from them by cutting only at ASCII bytes): rewritten on its bytes, never decoded.
        case utf8([UInt8])

        /// The part's text.
        var text: String {
            switch self {
            case .source(let text): text
            case .prepared(let prepared): prepared.source
            case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
            }
        }

        /// Whether the part holds a `capture` or `assign` tag.
        var bindsNames: Bool {
            switch self {
            case .source(var text): text.withUTF8 { LiquidTemplate.holdsBindingTag($0) }
            case .prepared(let prepared): prepared.bindsNames
            case .utf8(let bytes): bytes.withUnsafeBufferPointer { LiquidTemplate.holdsBindingTag($0) }
            }
        }
    }

    /// A part rewritten (``rewrittenPartsKeepingBytes(_:)``): a text, or the bytes of a ``EscapePart/utf8(_:)`` part.
    public enum RewrittenPart: Sendable, Equatable {
        case text(String)
        case utf8([UInt8])

        /// The part's text.
        public var text: String {
            switch self {
            case .text(let text): text
            case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// ``appendingEscapeToOutputs(joining:)`` with parts rewritten beforehand where given.
    public static func appendingEscapeToOutputs(joining parts: [EscapePart]) -> String {
        guard let rewrittenParts = rewrittenParts(parts) else {
            return appendingEscapeToOutputs(parts.map(\.text).joined())
        }
        // Joined into a string of their total size (no regrowing).
        var size = 0
        for rewritten in rewrittenParts { size += rewritten.utf8.count }
        var result = ""
        result.reserveCapacity(size)
        for rewritten in rewrittenParts { result += rewritten }
        return result
    }

    /// Each part rewritten on its own, when their join is the rewrite of the joined text
    /// (``appendingEscapeToOutputs(joining:)``'s conditions: every part ends outside any output, tag,
    /// comment or `raw` body and no `{{` or `{%` straddles two parts); `nil` when the joined text must be
    /// rewritten whole. A prepared part gives its ``PreparedEscapePart/rewrittenText``, so a caller that
    /// holds something made once from it (its bytes escaped for JSON) can use that in its place.
    public static func rewrittenParts(_ parts: [EscapePart]) -> [String]? {
        rewrittenPartsKeepingBytes(parts)?.map(\.text)
    }

    /// ``rewrittenParts(_:)`` with each ``EscapePart/utf8(_:)`` part rewritten on its bytes and given back as
    /// bytes (``RewrittenPart/utf8(_:)``): no String is made of it, and its bytes are not validated again.
    public static func rewrittenPartsKeepingBytes(_ parts: [EscapePart]) -> [RewrittenPart]? {
        // A name a part captures prints bare in the parts after it (`capturedMarkupNames`), and an
        // `assign` of it anywhere undoes that: with more than one part, such a join is rewritten whole.
        if parts.count > 1, parts.contains(where: \.bindsNames) { return nil }
        var rewrittenParts: [RewrittenPart] = []
        rewrittenParts.reserveCapacity(parts.count)
        var previousEndsWithBrace = false
        for part in parts {
            let rewritten: RewrittenPart
            let (first, last): (UInt8?, UInt8?)
            switch part {
            case .prepared(let prepared):
                guard let text = prepared.rewritten else { return nil }
                (rewritten, first, last) = (.text(text), prepared.first, prepared.last)
            case .source(let text):
                let prepared = PreparedEscapePart(text)
                guard let text = prepared.rewritten else { return nil }
                (rewritten, first, last) = (.text(text), prepared.first, prepared.last)
            case .utf8(let bytes):
                guard let text = rewrittenBytes(bytes) else { return nil }
                (rewritten, first, last) = (.utf8(text), bytes.first, bytes.last)
            }
            if previousEndsWithBrace, first == UInt8(ascii: "{") || first == UInt8(ascii: "%") { return nil }
            rewrittenParts.append(rewritten)
            if let last { previousEndsWithBrace = last == UInt8(ascii: "{") }
        }
        return rewrittenParts
    }

    /// The rewrite of the text whose UTF-8 bytes are `bytes` (valid UTF-8), as bytes, when it ends outside
    /// any output, tag, comment or `raw` body (``PreparedEscapePart/rewrittenText`` of the text); `nil`
    /// otherwise.
    static func rewrittenBytes(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { buffer -> [UInt8]? in
            guard nextOpening(in: buffer, from: 0) != nil else { return bytes }
            guard let (insertions, endsClean) = escapeInsertionsWithoutSpecialTags(buffer) else {
                // A `raw`, `comment`, `capture` or `assign` tag: the definition, on the decoded text.
                let result = rewriteByScalars(String(decoding: buffer, as: UTF8.self))
                return result.endsClean ? Array(result.text.utf8) : nil
            }
            guard endsClean else { return nil }
            guard !insertions.isEmpty else { return bytes }
            var size = buffer.count
            for (_, suffix) in insertions { size += suffix.utf8.count }
            var result: [UInt8] = []
            result.reserveCapacity(size)
            var copied = 0
            for (offset, suffix) in insertions {
                // Offsets in order, each within the buffer (just before an ASCII byte of the output).
                result.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied..<offset]))
                result.append(contentsOf: suffix.utf8)
                copied = offset
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied...]))
            return result
        }
    }

    /// Whether `bytes` hold a tag named `capture` or `assign` (`{%`, an optional `-`, white space, the
    /// name): a name one binds changes how the outputs that print it are rewritten, in any part of a join.
    static func holdsBindingTag(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while let open = nextOpening(in: bytes, from: i) {
            // `nextOpening` checked `open + 1 < bytes.count`; every later index is checked before it is read.
            i = open + 2
            guard bytes[open + 1] == UInt8(ascii: "%") else { continue }
            var j = open + 2
            if j < bytes.count, bytes[j] == UInt8(ascii: "-") { j += 1 }
            while j < bytes.count, isWhitespaceByte(bytes[j]) { j += 1 }
            let start = j
            while j < bytes.count, isWordByte(bytes[j]) { j += 1 }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<j])
            if isName(name, "capture") || isName(name, "assign") { return true }
        }
        return false
    }

    /// Whether `bytes` are the UTF-8 bytes of `name`, their lengths compared first (most names differ in it),
    /// then their bytes by `memcmp` (the generic walk of a `String`'s `utf8` was about 150 instructions).
    static func isName(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { literal in
            guard bytes.count == literal.count else { return false }
            guard let base = bytes.baseAddress, let other = literal.baseAddress else { return literal.isEmpty }
            // Both buffers hold `bytes.count` bytes: `memcmp` reads that many from each.
            return memcmp(base, other, bytes.count) == 0
        }
    }

    /// Whether `bytes` hold a `{{` or `{%`, and their first and last bytes.
    static func markupAndEnds(of bytes: UnsafeBufferPointer<UInt8>) -> (Bool, UInt8?, UInt8?) {
        (nextOpening(in: bytes, from: 0) != nil, bytes.first, bytes.last)
    }

    /// The offset of the first `byte` at or after `start` in `bytes`. `memchr` reads `bytes.count - start`
    /// bytes from `base + start`: within the buffer, since `0 <= start < bytes.count`.
    static func firstOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start >= 0, start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// The offset of the first `{{` or `{%` at or after `start` in `bytes` (``LiquidDelimiters/nextOpening(from:)``
    /// on bytes).
    static func nextOpening(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        // `brace + 1 < bytes.count` is checked before the byte after the brace is read.
        while let brace = firstOffset(of: UInt8(ascii: "{"), in: bytes, from: i) {
            guard brace + 1 < bytes.count else { return nil }
            if bytes[brace + 1] == UInt8(ascii: "{") || bytes[brace + 1] == UInt8(ascii: "%") { return brace }
            i = brace + 1
        }
        return nil
    }

    /// `source` rewritten, and whether it ends outside any output, tag, comment or `raw` body (so that
    /// text after it is read the same whether it is rewritten with it or on its own).
    ///
    /// Text without `raw`, `comment`, `capture` or `assign` tags (nearly every body) is rewritten on its
    /// UTF-8 bytes by ``rewriteWithoutSpecialTags(_:)``; other text by ``rewriteByScalars(_:)``, the
    /// definition.
    static func rewrite(_ source: String) -> (text: String, endsClean: Bool) {
        rewriteWithoutSpecialTags(source) ?? rewriteByScalars(source)
    }

    /// ``rewriteByScalars(_:)`` of `source`, or `nil` when it holds a closed tag named `raw`, `comment`,
    /// `capture` or `assign` (the tags that change how the outputs after them are rewritten).
    ///
    /// Without those tags every output is rewritten the same way, and the text is only cut into
    /// constructs: the delimiters (`{{`, `{%`, `}}`, `%}`, `-`) and the tag names are ASCII, and in UTF-8
    /// an ASCII byte is never part of another scalar, so the cuts ``LiquidDelimiters`` makes on scalars
    /// are made here on bytes without decoding the text. Only each output's markup is decoded, to find
    /// where its escape chain goes. The result is `source`'s own slices and the inserted chains appended
    /// to a string (no UTF-8 validation of the whole text again); `source` itself when nothing is inserted.
    static func rewriteWithoutSpecialTags(_ source: String) -> (text: String, endsClean: Bool)? {
        var copy = source
        guard let (insertions, endsClean) = copy.withUTF8({ escapeInsertionsWithoutSpecialTags($0) }) else {
            return nil
        }
        guard !insertions.isEmpty else { return (source, endsClean) }
        let utf8 = source.utf8
        var size = utf8.count
        for (_, suffix) in insertions { size += suffix.utf8.count }
        var result = ""
        result.reserveCapacity(size)
        var copied = utf8.startIndex
        for (offset, suffix) in insertions {
            // Byte offsets within the bytes `withUTF8` gave, each just before an ASCII byte (whitespace,
            // `-` or `}` of the output): a scalar boundary of `source`.
            let at = utf8.index(utf8.startIndex, offsetBy: offset)
            result.append(contentsOf: Substring(utf8[copied..<at]))
            result.append(suffix)
            copied = at
        }
        result.append(contentsOf: Substring(utf8[copied...]))
        return (result, endsClean)
    }

    /// Where ``rewriteWithoutSpecialTags(_:)`` inserts each output's chain in the UTF-8 `bytes` (byte
    /// offsets, in order) and whether they end outside any construct; `nil` when they hold a closed
    /// `raw`, `comment`, `capture` or `assign` tag.
    static func escapeInsertionsWithoutSpecialTags(_ bytes: UnsafeBufferPointer<UInt8>) -> (
        insertions: [(Int, String)], endsClean: Bool
    )? {
        let count = bytes.count
        let openBrace = UInt8(ascii: "{")
        let closeBrace = UInt8(ascii: "}")
        let percent = UInt8(ascii: "%")
        let dash = UInt8(ascii: "-")
        func find(_ byte: UInt8, from start: Int) -> Int? { firstOffset(of: byte, in: bytes, from: start) }
        // Every subscript below is at an index checked against `count`.
        func closing(_ first: UInt8, from start: Int) -> Int? {
            var i = start
            while let candidate = find(first, from: i) {
                guard candidate + 1 < count else { return nil }
                if bytes[candidate + 1] == closeBrace { return candidate }
                i = candidate + 1
            }
            return nil
        }
        func isSpecialTag(from start: Int, upTo end: Int) -> Bool {
            var j = start
            while j < end, isWhitespaceByte(bytes[j]) { j += 1 }
            let nameStart = j
            while j < end, isWordByte(bytes[j]) { j += 1 }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<j])
            return isName(name, "raw") || isName(name, "comment") || isName(name, "capture") || isName(name, "assign")
        }
        var insertions: [(Int, String)] = []
        insertions.reserveCapacity(8)
        var endsClean = true
        // Allocated for the first output of an uncommon shape only.
        var innerScalars: [Unicode.Scalar] = []
        var i = 0
        while let open = nextOpening(in: bytes, from: i) {
            let isOutput = bytes[open + 1] == openBrace
            var innerStart = open + 2
            if innerStart < count, bytes[innerStart] == dash { innerStart += 1 }
            guard let close = closing(isOutput ? closeBrace : percent, from: innerStart) else {
                // An unclosed construct runs to the end of the text.
                endsClean = false
                break
            }
            i = close + 2
            var innerEnd = close
            if innerEnd > innerStart, bytes[innerEnd - 1] == dash { innerEnd -= 1 }
            guard isOutput else {
                if isSpecialTag(from: innerStart, upTo: innerEnd) { return nil }
                continue
            }
            // The common outputs, answered on the bytes; the others on the markup's scalars.
            if let at = simpleEscapeInsertion(bytes, inner: innerStart..<innerEnd) {
                insertions.append((at, escapeSuffix))
                continue
            }
            let inner = UnsafeBufferPointer(rebasing: bytes[innerStart..<innerEnd])
            innerScalars.removeAll(keepingCapacity: true)
            if inner.allSatisfy({ $0 < 0x80 }) {
                for byte in inner { innerScalars.append(Unicode.Scalar(byte)) }
            } else {
                innerScalars.append(contentsOf: String(decoding: inner, as: UTF8.self).unicodeScalars)
            }
            guard let (insertion, suffix) = escapeInsertion(innerScalars, inner: 0..<innerScalars.count, captured: [])
            else { continue }
            // The insertion is a scalar offset into the markup: its byte offset is the UTF-8 width before it.
            var at = innerStart
            for scalar in innerScalars[..<min(insertion, innerScalars.count)] { at += UTF8.width(scalar) }
            insertions.append((at, suffix))
        }
        return (insertions, endsClean)
    }

    /// ``isWhitespace(_:)`` of an ASCII byte.
    private static func isWhitespaceByte(_ byte: UInt8) -> Bool {
        byte < 0x80 && isWhitespace(Unicode.Scalar(byte))
    }

    /// ``isWordScalar(_:)`` of an ASCII byte.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte < 0x80 && isWordScalar(Unicode.Scalar(byte))
    }

    /// ``rewrite(_:)`` by lexing the decoded scalars: the definition.
    static func rewriteByScalars(_ source: String) -> (text: String, endsClean: Bool) {
        let scalars = ScalarText.scalars(of: source)
        // The source's own UTF-8 bytes are copied between insertions, whole runs at a time: the
        // tokens come in order, so one cursor turns their scalar offsets into byte offsets.
        var source = source
        return source.withUTF8 { bytes in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 256)
            var scalarCursor = 0
            var byteCursor = 0
            func byteOffset(ofScalar offset: Int) -> Int {
                while scalarCursor < offset {
                    byteCursor += UTF8.width(scalars[scalarCursor])
                    scalarCursor += 1
                }
                return byteCursor
            }
            var copied = 0
            var commentDepth = 0
            var endsClean = true
            let tokens = Lexer(scalars).tokens()
            let captured = capturedMarkupNames(tokens, scalars)
            var insideMarkupTag = false
            for token in tokens {
                if token.kind == .text, !captured.isEmpty {
                    insideMarkupTag = endsInsideMarkupTag(scalars[token.range], startingInside: insideMarkupTag)
                }
                defer {
                    if token.kind == .tag && token.closed {
                        if token.tag == .comment { commentDepth += 1 }
                        if token.tag == .endcomment && commentDepth > 0 { commentDepth -= 1 }
                    }
                }
                // An unclosed construct runs to the end; a `raw` body that is the last token has no `endraw`.
                endsClean = token.closed && token.kind != .rawBody
                guard token.kind == .output, token.closed, commentDepth == 0,
                    let (insertion, suffix) = escapeInsertion(
                        scalars, inner: token.inner, captured: insideMarkupTag ? [] : captured)
                else { continue }
                let at = byteOffset(ofScalar: insertion)
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<at]))
                result.append(contentsOf: suffix.utf8)
                copied = at
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return (String(decoding: result, as: UTF8.self), endsClean && commentDepth == 0)
        }
    }

    /// The names bound by `capture` and never by `assign` in the text: a capture of HTML holds markup
    /// the conversion wrote and outputs already escaped, so printing it as it is prints what it shows
    /// (escaping it again would show `&amp;` and tags as text to the contact).
    static func capturedMarkupNames(_ tokens: [RawToken], _ scalars: [Unicode.Scalar]) -> Set<String> {
        var captured = Set<String>()
        var assigned = Set<String>()
        for token in tokens where token.kind == .tag && (token.tag == .capture || token.tag == .assign) {
            var name = ""
            for scalar in scalars[token.nameRange.upperBound..<token.inner.upperBound] {
                if name.isEmpty, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { continue }
                guard isWordScalar(scalar) || scalar == "-" else { break }
                name.unicodeScalars.append(scalar)
            }
            if token.tag == .capture { captured.insert(name) } else { assigned.insert(name) }
        }
        return captured.subtracting(assigned)
    }

    /// Whether HTML text ends inside a tag (`<a href="…` before an output): there, a value is an
    /// attribute and is always escaped.
    static func endsInsideMarkupTag(_ text: ArraySlice<Unicode.Scalar>, startingInside: Bool) -> Bool {
        var inside = startingInside
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text[index]
            if scalar == ">" {
                inside = false
            } else if scalar == "<", index + 1 < text.endIndex,
                text[index + 1] == "/" || text[index + 1] == "!" || text[index + 1].properties.isAlphabetic
            {
                inside = true
            }
            index += 1
        }
        return inside
    }

    /// Where the escape chain goes (after the expression's last token) and what to insert there, or
    /// `nil` when the output already ends with the chain, or prints a name in `captured` as it is.
    ///
    /// The common outputs (a variable path, with filters taking at most one string) are answered by
    /// ``simpleEscapeInsertion(_:inner:captured:)`` without parsing; ``parsedEscapeInsertion(_:inner:captured:)``
    /// is the definition, and answers the others.
    static func escapeInsertion(_ scalars: [Unicode.Scalar], inner: Range<Int>, captured: Set<String>)
        -> (Int, String)?
    {
        switch simpleEscapeInsertion(scalars, inner: inner, captured: captured) {
        case .insert(let offset, let suffix)?: (offset, suffix)
        case .leaveAlone?: nil
        case nil: parsedEscapeInsertion(scalars, inner: inner, captured: captured)
        }
    }

    /// What an output without `escape` gets: the whole chain, made once (each insertion shares it).
    static let escapeSuffix = " | " + portableEscapeFilters

    /// The words that are literals, not variables.
    static let literalWords = ["true", "false", "nil", "null", "empty", "blank"]
    /// ``literalWords`` as literals, which ``isName(_:_:)`` compares to bytes without a `String`.
    static let literalNames: [StaticString] = ["true", "false", "nil", "null", "empty", "blank"]

    /// The answer of ``simpleEscapeInsertion(_:inner:captured:)`` for an output of a simple shape.
    enum SimpleInsertion: Equatable {
        /// Insert the text at the scalar offset.
        case insert(Int, String)
        /// Leave the output as it is (it prints a captured name bare).
        case leaveAlone
    }

    /// ``parsedEscapeInsertion(_:inner:captured:)``'s answer for an output whose markup is, between
    /// optional whitespace, a variable path of words joined by `.` (not starting with a literal's word)
    /// followed by filters, each a word other than `escape` and `replace` with at most one
    /// argument, a quoted string; `nil` for any other markup. Words are ASCII letters, digits and `_`, not
    /// starting with a digit, and not followed by `-` or `?` (which the lexer would take into the word).
    ///
    /// On such markup the parser succeeds, and its last token ends where the last word or string ends.
    static func simpleEscapeInsertion(_ scalars: [Unicode.Scalar], inner: Range<Int>, captured: Set<String>)
        -> SimpleInsertion?
    {
        // Every read below is at an index checked against `end`, which is at most `scalars.count`.
        let end = inner.upperBound
        guard inner.lowerBound >= 0, end <= scalars.count else { return nil }
        var i = inner.lowerBound
        func skipSpace() { while i < end, isWhitespace(scalars[i]) { i += 1 } }
        func word() -> Range<Int>? {
            guard i < end, scalars[i] == "_" || ("a"..."z").contains(scalars[i]) || ("A"..."Z").contains(scalars[i])
            else { return nil }
            let start = i
            i += 1
            while i < end, isWordScalar(scalars[i]) { i += 1 }
            if i < end, scalars[i] == "-" || scalars[i] == "?" { return nil }
            return start..<i
        }
        func isWord(_ range: Range<Int>, _ text: String) -> Bool {
            scalars[range].elementsEqual(text.unicodeScalars)
        }
        skipSpace()
        guard let root = word() else { return nil }
        // `true`, `nil`… are literals, which take no `.` after them.
        if (3...5).contains(root.count) {
            for literal in literalWords where isWord(root, literal) { return nil }
        }
        var last = root.upperBound
        var segments = 0
        while i < end, scalars[i] == "." {
            i += 1
            guard let segment = word() else { return nil }
            segments += 1
            last = segment.upperBound
        }
        var filters = 0
        while true {
            skipSpace()
            guard i < end, scalars[i] == "|" else { break }
            i += 1
            skipSpace()
            guard let name = word(), !isWord(name, "escape"), !isWord(name, "replace") else { return nil }
            filters += 1
            last = name.upperBound
            skipSpace()
            guard i < end, scalars[i] == ":" else { continue }
            i += 1
            skipSpace()
            guard i < end, scalars[i] == "\"" || scalars[i] == "'" else { return nil }
            let quote = scalars[i]
            var close = i + 1
            while close < end, scalars[close] != quote { close += 1 }
            guard close < end else { return nil }
            i = close + 1
            last = i
        }
        guard i == end else { return nil }
        if filters == 0, segments == 0, !captured.isEmpty, captured.contains(ScalarText.string(scalars[root])) {
            return .leaveAlone
        }
        return .insert(last, escapeSuffix)
    }

    /// ``simpleEscapeInsertion(_:inner:captured:)`` without captured names, on the UTF-8 `bytes` of the
    /// text (valid UTF-8): the byte offset where the chain (``escapeSuffix``) goes, or `nil` for markup of
    /// any other shape. Every unit the scalar version tests is compared with ASCII characters, and a byte
    /// of a multi-byte scalar matches none of them, as the scalar it belongs to does not: the same
    /// answer, at the same place (`EscapeInsertionDifferentialTests`).
    static func simpleEscapeInsertion(_ bytes: UnsafeBufferPointer<UInt8>, inner: Range<Int>) -> Int? {
        // Every read below is at an index checked against `end`, which is at most `bytes.count`.
        let end = inner.upperBound
        guard inner.lowerBound >= 0, end <= bytes.count else { return nil }
        var i = inner.lowerBound
        func skipSpace() { while i < end, isWhitespaceByte(bytes[i]) { i += 1 } }
        func word() -> Range<Int>? {
            guard i < end else { return nil }
            let first = bytes[i]
            guard first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
            else { return nil }
            let start = i
            i += 1
            while i < end, isWordByte(bytes[i]) { i += 1 }
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "?") { return nil }
            return start..<i
        }
        func isWord(_ range: Range<Int>, _ text: StaticString) -> Bool {
            isName(UnsafeBufferPointer(rebasing: bytes[range]), text)
        }
        skipSpace()
        guard let root = word() else { return nil }
        // `true`, `nil`… are literals, which take no `.` after them.
        if (3...5).contains(root.count) {
            for literal in literalNames where isWord(root, literal) { return nil }
        }
        var last = root.upperBound
        while i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard let segment = word() else { return nil }
            last = segment.upperBound
        }
        while true {
            skipSpace()
            guard i < end, bytes[i] == UInt8(ascii: "|") else { break }
            i += 1
            skipSpace()
            guard let name = word(), !isWord(name, "escape"), !isWord(name, "replace") else { return nil }
            last = name.upperBound
            skipSpace()
            guard i < end, bytes[i] == UInt8(ascii: ":") else { continue }
            i += 1
            skipSpace()
            guard i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { return nil }
            let quote = bytes[i]
            var close = i + 1
            while close < end, bytes[close] != quote { close += 1 }
            guard close < end else { return nil }
            i = close + 1
            last = i
        }
        return i == end ? last : nil
    }

    /// ``escapeInsertion(_:inner:captured:)`` by parsing the output's expression: the definition.
    static func parsedEscapeInsertion(_ scalars: [Unicode.Scalar], inner: Range<Int>, captured: Set<String>)
        -> (Int, String)?
    {
        guard var parser = try? ExpressionParser(scalars, range: inner),
            let expression = try? parser.parseFiltered()
        else { return nil }
        let filters = expression.filters
        if filters.isEmpty, case .path(.property(let name, _), let segments, _) = expression.base, segments.isEmpty,
            captured.contains(name)
        {
            return nil
        }
        let replace = #" | replace: "&#x27;", "&#39;""#
        let suffix: String
        if let last = filters.last, last.name == "replace", filters.count >= 2,
            filters[filters.count - 2].name == "escape",
            case .literal(.plain(.string("&#x27;")), _)? = last.positional.first
        {
            return nil
        } else if filters.last?.name == "escape" {
            suffix = replace
        } else {
            suffix = escapeSuffix
        }
        let tokens = parser.tokens
        guard tokens.count >= 2 else { return nil }
        return (tokens[tokens.count - 2].range.upperBound, suffix)
    }
}
