/// automail's own Markdown reader and HTML writer, on UTF-8 bytes.
///
/// It reads the Markdown subset Ink 0.6.0 (MIT, John Sundell) reads and writes the same HTML, quirks
/// included (paragraph lines joined with a space, a blockquote's lines glued, `## a##` losing its last
/// letter), so that templates render as they always have. What it does not take from Ink:
///
/// - time: every scan is linear. A link that fails to parse is remembered by position (Ink retried it,
///   exponentially in nested `[`), and a link nested in a failed link fails with it (Ink reached the
///   same failure again). `&…;`, `](…)` and `][…]` scans use tables built once.
/// - depth: links nest at most ``maxLinkDepth`` deep and lists ``maxListDepth`` deep; deeper ones are
///   text. Ink needs exponential time or overflows its stack well before these depths.
/// - memory safety: every read is bounds-checked (Ink 0.6.0 reads past the end of `- a\n  `).
///
/// Unsupported on purpose: raw HTML (the caller turns every `<` into a placeholder) and tables (a
/// `|` line is a paragraph).
///
/// A "character" here is a Unicode scalar, except `\r\n`, one character as in Swift. The one known
/// difference from Ink follows: a combining mark right after a marker (`*\u{301}`) made one Swift
/// Character that Ink did not take for the marker; here the marker counts.
struct MailMarkdown {
    /// Links deeper than this inside link text are text.
    static let maxLinkDepth = 32
    /// Lists deeper than this are continuation text of their parent's last item.
    static let maxListDepth = 32

    /// Callbacks for the fragments the caller checks or rewrites, in document order. Ranges are UTF-8
    /// offsets of the fragment's Markdown source; `html` is what Ink would write for it.
    struct Hooks {
        /// An inline code span `` `…` ``.
        var inlineCode: (_ raw: Range<Int>, _ html: String) -> String
        /// A fenced code block.
        var codeBlock: (_ raw: Range<Int>, _ html: String) -> String
        /// A link (`isImage` false) or an image.
        var link: (_ raw: Range<Int>, _ html: String, _ isImage: Bool) -> String
    }

    // MARK: - Tree

    /// An emphasis style; raw values are bits of a set of open styles.
    enum Style: UInt8 { case italic = 1, bold = 2, strikethrough = 4 }

    /// An emphasis marker, resolved once its text is read.
    struct Marker {
        var style: Style
        var raw: [UInt8]
        let lower: Int
        let upper: Int
        var closing = false
        var valid = true
        var prefix: UInt8?
        var suffix: UInt8?
    }

    /// A piece of formatted text.
    enum Part {
        case linebreak
        /// A single newline inside a paragraph: a space for Ink, a line break for email authors.
        case softbreak
        case source(Range<Int>)
        case literal(StaticString)
        case marker(Int)
        case code(raw: Range<Int>, content: Range<Int>)
        case link(Int)
    }

    /// Formatted text: Ink's `FormattedText`.
    struct Text {
        var parts: [Part] = []
    }

    /// A link or an image.
    struct LinkNode {
        var isImage: Bool
        var text: Text
        /// The URL, or the reference name.
        var target: Range<Int>
        var isReference: Bool
        var raw: Range<Int>
    }

    struct ListItem {
        var text: Text
        var nested: Int?
    }

    struct ListNode {
        var ordered: Bool
        var first: Int
        var marker: UInt8
        var items: [ListItem] = []
    }

    enum Block {
        case paragraph(Text)
        case heading(Int, Text)
        case list(Int)
        case blockquote(Text)
        case code(raw: Range<Int>, language: Range<Int>, content: [Range<Int>])
        case rule
        case image(Int)
    }

    /// ASCII bytes that never start markup, whitespace or an escape in text.
    static let isPlain: [Bool] = (0..<256).map { byte in
        guard byte >= 0x21, byte < 0x7F else { return false }
        return "*_~`[]!\\&<>".utf8.contains(UInt8(byte)) == false
    }

    // MARK: - State

    let bytes: [UInt8]
    let end: Int
    var markers: [Marker] = []
    var links: [LinkNode] = []
    var lists: [ListNode] = []
    var blocks: [Block] = []
    /// `[name]: url` declarations, last one wins (as in Ink).
    var urls: [[UInt8]: Range<Int>] = [:]
    /// Link parse results by the position of their `[`: 0 not read yet, -1 no link, else link index + 1.
    private var linkMemo: [Int32] = []
    /// The index of the last `]`: a `[` after it starts no link.
    private let lastClosingBracket: Int
    /// Scan tables, built on first use: see ``entityEnd(from:)``, ``closingBracket(from:)`` and
    /// ``matchingParenthesis(of:)``.
    private var entityStops: [Int32] = []
    private var bracketStops: [Int32] = []
    private var parenMatches: [Int32] = []

    /// Reads `text` (trailing spaces and tabs ignored, as the caller always did for Ink).
    init(_ text: String) {
        bytes = Array(text.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        self.end = end
        lastClosingBracket = bytes[..<end].lastIndex(of: 0x5D) ?? -1
        readDocument()
    }

    // MARK: - Characters

    @inline(__always) func byte(_ i: Int) -> UInt8 { i < end ? bytes[i] : 0 }

    /// The index after the character at `i`.
    func after(_ i: Int) -> Int {
        guard i < end else { return end }
        let b = bytes[i]
        if b == 0x0D, i + 1 < end, bytes[i + 1] == 0x0A { return i + 2 }
        let width = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return min(end, i + width)
    }

    /// The index of the character before `i`, or `nil` at the start.
    func before(_ i: Int) -> Int? {
        guard i > 0 else { return nil }
        if i >= 2, bytes[i - 1] == 0x0A, bytes[i - 2] == 0x0D { return i - 2 }
        var j = i - 1
        while j > 0, bytes[j] & 0xC0 == 0x80 { j -= 1 }
        return j
    }

    /// The scalar at `i` (ASCII fast path).
    func scalar(_ i: Int) -> UInt32 {
        let b = UInt32(bytes[i])
        if b < 0x80 { return b }
        if b < 0xE0, i + 1 < end { return (b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F) }
        if b < 0xF0, i + 2 < end {
            return (b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        }
        if i + 3 < end {
            return (b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                | UInt32(bytes[i + 3] & 0x3F)
        }
        return 0xFFFD
    }

    /// `Character.isNewline` of the character at `i`.
    func isNewline(_ i: Int) -> Bool {
        guard i < end else { return false }
        let b = bytes[i]
        if b < 0x80 { return b >= 0x0A && b <= 0x0D }
        let s = scalar(i)
        return s == 0x85 || s == 0x2028 || s == 0x2029
    }

    /// `Character.isWhitespace` of the character at `i`.
    func isWhitespace(_ i: Int) -> Bool {
        guard i < end else { return false }
        let b = bytes[i]
        if b < 0x80 { return b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        switch scalar(i) {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Whitespace that is not a newline.
    func isSameLineWhitespace(_ i: Int) -> Bool { isWhitespace(i) && !isNewline(i) }

    /// Whether the character at `i` is the single ASCII character `c` (`\r\n` is not `\r`).
    @inline(__always) func isChar(_ i: Int, _ c: UInt8) -> Bool {
        guard i < end, bytes[i] == c else { return false }
        return c != 0x0D || after(i) == i + 1
    }

    @inline(__always) func isDigit(_ i: Int) -> Bool { i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 }

    /// Whether the character before `i` is a backslash (a continuation byte or the `\n` of `\r\n` is
    /// never 0x5C, so the byte before is enough).
    @inline(__always) func previousIsBackslash(_ i: Int) -> Bool {
        i > 0 && i <= end && bytes[i - 1] == 0x5C
    }

    /// Skips same-line whitespace; the count of characters skipped.
    func skipSameLineWhitespace(_ i: inout Int) -> Int {
        var count = 0
        let start = i
        let limit = end
        i = bytes.withUnsafeBufferPointer { buffer in
            var j = start
            while j < limit, buffer[j] == 0x20 || buffer[j] == 0x09 { j += 1 }
            return j
        }
        count = i - start
        while i < end, isSameLineWhitespace(i) {
            i = after(i)
            count += 1
        }
        return count
    }

    /// Ink's `readUntilEndOfLine`: the line's range; `i` moves past the newline.
    func readUntilEndOfLine(_ i: inout Int) -> Range<Int> {
        let start = i
        while i < end {
            if isNewline(i) {
                let line = start..<i
                i = after(i)
                return line
            }
            i = after(i)
        }
        return start..<i
    }

    // MARK: - Scan tables

    /// The end of `&…;` starting at `i` (after the `;`), or `nil` when whitespace or the end comes first.
    private mutating func entityEnd(from i: Int) -> Int? {
        if entityStops.isEmpty {
            entityStops = stops { b, i in b == 0x3B || (b < 0x80 ? b == 0x20 || (b >= 0x09 && b <= 0x0D) : isWhitespace(i)) }
        }
        let stop = Int(entityStops[i])
        return stop < end && bytes[stop] == 0x3B ? stop + 1 : nil
    }

    /// The index of the first `]` from `i` on the same line, or `nil`.
    private mutating func closingBracket(from i: Int) -> Int? {
        if bracketStops.isEmpty {
            bracketStops = stops { b, i in b == 0x5D || (b < 0x80 ? b >= 0x0A && b <= 0x0D : isNewline(i)) }
        }
        guard i < end else { return nil }
        let stop = Int(bracketStops[i])
        return stop < end && bytes[stop] == 0x5D ? stop : nil
    }

    /// For each index, the first index at or after it whose character satisfies `isStop` (or `end`).
    private func stops(_ isStop: (UInt8, Int) -> Bool) -> [Int32] {
        var result = [Int32](repeating: Int32(end), count: end + 1)
        var next = end
        var i = end - 1
        while i >= 0 {
            let b = bytes[i]
            // Only character starts can stop a scan (the `\n` of `\r\n` is inside a character).
            let isStart = b & 0xC0 != 0x80 && !(b == 0x0A && i > 0 && bytes[i - 1] == 0x0D)
            if isStart, isStop(b, i) { next = i }
            result[i] = Int32(next)
            i -= 1
        }
        return result
    }

    /// The `)` matching the `(` at `open` on its line (Ink's balanced read), or `nil`.
    private mutating func matchingParenthesis(of open: Int) -> Int? {
        if parenMatches.isEmpty {
            parenMatches = [Int32](repeating: -1, count: end + 1)
            var stack: [Int] = []
            var i = 0
            while i < end {
                let b = bytes[i]
                if b == 0x28 {
                    stack.append(i)
                } else if b == 0x29, let top = stack.popLast() {
                    parenMatches[top] = Int32(i)
                } else if isNewline(i) {
                    stack.removeAll(keepingCapacity: true)
                }
                i = after(i)
            }
        }
        let match = Int(parenMatches[open])
        return match >= 0 ? match : nil
    }

    // MARK: - Blocks

    /// Ink's top-level loop: blocks separated by blank space, `[name]: url` lines, front matter.
    private mutating func readDocument() {
        var i = 0
        var triedMetadata = false
        while i < end {
            while i < end, isWhitespace(i) { i = after(i) }
            guard i < end else { break }
            let c = bytes[i]
            if !triedMetadata, blocks.isEmpty, c == 0x2D {
                if let next = readMetadata(from: i) {
                    triedMetadata = true
                    i = next
                    continue
                }
            }
            if c == 0x5B {
                if !previousIsBackslash(i), let next = readURLDeclaration(from: i) {
                    i = next
                    continue
                }
                i = readParagraph(from: i)
                continue
            }
            if let next = readBlock(from: i, first: c) {
                i = next
            } else {
                i = readParagraph(from: i)
            }
        }
    }

    /// One block by its first character (Ink's `fragmentType`); `nil` when it is not one (a paragraph).
    private mutating func readBlock(from i: Int, first c: UInt8) -> Int? {
        guard !previousIsBackslash(i) else { return nil }
        switch c {
        case 0x23: return readHeading(from: i)
        case 0x21:
            var j = i + 1
            guard let link = readLink(at: &j, depth: 0, isImage: true, imageStart: i) else { return nil }
            blocks.append(.image(link))
            return j
        case 0x3E: return readBlockquote(from: i)
        case 0x60: return readCodeBlock(from: i)
        case 0x2D where isChar(i + 1, 0x2D), 0x2A where isChar(i + 1, 0x2A):
            return readRule(from: i)
        case 0x2D, 0x2A, 0x2B, 0x30...0x39:
            var indentation = 0
            var j = i
            while let p = before(j), isSameLineWhitespace(p) {
                indentation += 1
                j = p
            }
            var k = i
            guard let list = readList(at: &k, indentation: indentation, depth: 0) else { return nil }
            blocks.append(.list(list))
            return k
        default: return nil
        }
    }

    /// Ink's front matter (`---` lines): read and dropped.
    private func readMetadata(from start: Int) -> Int? {
        var i = start
        var dashes = 0
        while isChar(i, 0x2D) { dashes += 1; i += 1 }
        guard dashes == 3, isChar(i, 0x0A) else { return nil }
        i += 1
        while i < end {
            while i < end, isWhitespace(i) { i = after(i) }
            guard i < end else { return nil }
            if bytes[i] == 0x2D {
                var count = 0
                while isChar(i, 0x2D) { count += 1; i += 1 }
                return count == 3 ? i : nil
            }
            // A key up to `:` (then the value to the end of the line), or a line without one.
            while i < end, !isNewline(i), bytes[i] != 0x3A { i = after(i) }
            if i < end, bytes[i] == 0x3A {
                i += 1
                _ = readUntilEndOfLine(&i)
            }
        }
        return nil
    }

    /// `[name]: url`.
    private mutating func readURLDeclaration(from start: Int) -> Int? {
        guard let close = closingBracket(from: start + 1) else { return nil }
        var i = close + 1
        guard isChar(i, 0x3A) else { return nil }
        i += 1
        guard skipSameLineWhitespace(&i) > 0 else { return nil }
        let url = readUntilEndOfLine(&i)
        urls[Self.lowercased(bytes[(start + 1)..<close])] = url
        return i
    }

    /// A reference name as Ink compared them (Swift's `lowercased()`), ASCII without decoding.
    static func lowercased(_ name: ArraySlice<UInt8>) -> [UInt8] {
        if name.allSatisfy({ $0 < 0x80 }) {
            return name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        }
        return Array(String(decoding: name, as: UTF8.self).lowercased().utf8)
    }

    /// A paragraph (always at least one character).
    private mutating func readParagraph(from i: Int) -> Int {
        var j = i
        let text = readText(at: &j, terminator: nil, depth: 0).text
        blocks.append(.paragraph(text))
        return max(j, after(i))
    }

    /// `#` to `######`, a space, the text to the end of the line.
    private mutating func readHeading(from start: Int) -> Int? {
        var i = start
        var level = 0
        while isChar(i, 0x23) { level += 1; i += 1 }
        guard level < 7, skipSameLineWhitespace(&i) > 0 else { return nil }
        let text = readText(at: &i, terminator: 0x0A, depth: 0).text
        blocks.append(.heading(level, text))
        return i
    }

    /// Three or more `-` or `*` alone on their line.
    private mutating func readRule(from start: Int) -> Int? {
        var i = start
        let c = bytes[i]
        var count = 0
        while isChar(i, c) { count += 1; i += 1 }
        guard count > 2, readUntilEndOfLine(&i).isEmpty else { return nil }
        blocks.append(.rule)
        return i
    }

    /// A text line ended by `\n` (consumed).
    private mutating func readLine(at i: inout Int) -> Text {
        let text = readText(at: &i, terminator: 0x0A, depth: 0).text
        if i < end { i = after(i) }
        return text
    }

    /// `> ` and the lines after it up to a blank line, glued without a separator (as in Ink).
    private mutating func readBlockquote(from start: Int) -> Int? {
        var i = start + 1
        guard skipSameLineWhitespace(&i) > 0 else { return nil }
        var text = readLine(at: &i)
        while i < end {
            if isNewline(i) { break }
            if bytes[i] == 0x3E { i += 1 }
            text.parts += readLine(at: &i).parts
        }
        blocks.append(.blockquote(text))
        return i
    }

    /// A fence of three or more backticks, its language, the code up to the same fence at a line start.
    private mutating func readCodeBlock(from start: Int) -> Int? {
        var i = start
        var fence = 0
        while isChar(i, 0x60) { fence += 1; i += 1 }
        guard fence >= 3 else { return nil }
        _ = skipSameLineWhitespace(&i)
        var language = readUntilEndOfLine(&i)
        var languageEnd = language.upperBound
        while let p = before(languageEnd), p >= language.lowerBound, isWhitespace(p) { languageEnd = p }
        language = language.lowerBound..<languageEnd
        // Code content as source ranges; fence-like runs that do not close are kept.
        var content: [Range<Int>] = []
        var runStart = i
        var lastIsLineFeed = false
        while i < end {
            if lastIsLineFeed, bytes[i] == 0x60 {
                let markersStart = i
                var count = 0
                while isChar(i, 0x60) { count += 1; i += 1 }
                if count == fence {
                    content.append(runStart..<markersStart)
                    runStart = i
                    break
                }
                lastIsLineFeed = false
                guard i < end else { break }
            }
            lastIsLineFeed = bytes[i] == 0x0A
            i = after(i)
        }
        if runStart < i { content.append(runStart..<i) }
        blocks.append(.code(raw: start..<i, language: language, content: content))
        return i
    }

    /// A list whose marker is at `i`, its items indented by `indentation`.
    private mutating func readList(at i: inout Int, indentation: Int, depth: Int) -> Int? {
        guard depth < Self.maxListDepth, i < end else { return nil }
        let start = i
        var list: ListNode
        if isDigit(i) {
            var j = i
            var value = 0
            var digits = 0
            while digits < 9, isDigit(j) {
                value = value * 10 + Int(bytes[j] - 0x30)
                digits += 1
                j += 1
            }
            guard isChar(j, 0x2E) || isChar(j, 0x29) else { return nil }
            list = ListNode(ordered: true, first: value, marker: bytes[j])
        } else {
            list = ListNode(ordered: false, first: 1, marker: bytes[i])
        }
        i = start
        func addTextToLastItem(_ list: inout ListNode, _ i: inout Int, _ reader: inout MailMarkdown) -> Bool {
            guard !list.items.isEmpty else { return false }
            let text = reader.readLine(at: &i)
            list.items[list.items.count - 1].text.parts.append(.literal(" "))
            list.items[list.items.count - 1].text.parts += text.parts
            return true
        }
        loop: while i < end {
            let c = bytes[i]
            if isNewline(i) { break loop }
            if isWhitespace(i) {
                guard !list.items.isEmpty else {
                    _ = skipSameLineWhitespace(&i)
                    continue
                }
                let itemIndentation = skipSameLineWhitespace(&i)
                // Whitespace ending the input (Ink read past the end here): the list ends.
                if i >= end { break loop }
                if itemIndentation < indentation { break loop }
                if itemIndentation == indentation { continue }
                let fallback = i
                if let nested = readList(at: &i, indentation: itemIndentation, depth: depth + 1) {
                    list.items[list.items.count - 1].nested = nested
                } else {
                    i = fallback
                    guard addTextToLastItem(&list, &i, &self) else { return nil }
                }
                continue
            }
            switch c {
            case 0x30...0x39:
                guard list.ordered else {
                    guard addTextToLastItem(&list, &i, &self) else { return nil }
                    continue
                }
                let itemStart = i
                var j = i
                var digits = 0
                while digits < 9, isDigit(j) { digits += 1; j += 1 }
                if isChar(j, 0x2E) || isChar(j, 0x29) {
                    guard bytes[j] == list.marker else {
                        i = itemStart
                        break loop
                    }
                    j += 1
                    if skipSameLineWhitespace(&j) > 0 {
                        i = j
                        list.items.append(ListItem(text: readLine(at: &i)))
                        continue
                    }
                }
                i = itemStart
                guard addTextToLastItem(&list, &i, &self) else { return nil }
            case 0x2D, 0x2A, 0x2B:
                let next = i + 1
                guard next < end, isSameLineWhitespace(next) else {
                    guard addTextToLastItem(&list, &i, &self) else { return nil }
                    continue
                }
                guard c == list.marker else { break loop }
                i += 1
                _ = skipSameLineWhitespace(&i)
                list.items.append(ListItem(text: readLine(at: &i)))
            default:
                guard addTextToLastItem(&list, &i, &self) else { return nil }
            }
        }
        lists.append(list)
        return lists.count - 1
    }

    // MARK: - Inline

    /// Reads formatted text from `i` up to `terminator` (not consumed), a paragraph break or the end.
    /// `linkFailed` is set when a link nested in link text (`terminator` `]`) failed: the enclosing
    /// link then fails too (Ink reached the same failure from the same place).
    private mutating func readText(at i: inout Int, terminator: UInt8?, depth: Int) -> (text: Text, linkFailed: Bool) {
        var text = Text()
        var pending = i
        var spaces = 0
        var activeStyles: UInt8 = 0
        var active: [Int] = []

        func flush(_ text: inout Text, _ pending: inout Int, _ i: Int) {
            if pending < i { text.parts.append(.source(pending..<i)) }
            pending = i
        }

        let plain = Self.isPlain
        while i < end {
            let c = bytes[i]
            if plain[Int(c)] {
                // Letters, digits and most punctuation: nothing to decide.
                spaces = 0
                i += 1
                continue
            }
            if let terminator, c == terminator, !previousIsBackslash(i) { break }
            if c < 0x80 ? (c >= 0x0A && c <= 0x0D) : isNewline(i) {
                flush(&text, &pending, i)
                let next = after(i)
                guard next < end else { break }
                if previousIsBackslash(i) || spaces >= 2 {
                    text.parts.append(.linebreak)
                    i = next
                    pending = i
                    continue
                }
                switch bytes[next] {
                case 0x0A, 0x23, 0x3C, 0x60, 0x2D: break
                case 0x0D where after(next) == next + 2: break
                default:
                    if !isWhitespace(next) { text.parts.append(.softbreak) }
                    i = next
                    pending = i
                    continue
                }
                break
            }
            spaces = c == 0x20 ? spaces + 1 : 0
            if c < 0x80 ? (c == 0x20 || c == 0x09) : isSameLineWhitespace(i) {
                let next = after(i)
                guard next < end else { break }
                if isWhitespace(next) {
                    flush(&text, &pending, i)
                    i = next
                    pending = i
                    continue
                }
            }
            switch c {
            case 0x2A, 0x5F, 0x7E:
                flush(&text, &pending, i)
                if readMarker(at: &i, activeStyles: &activeStyles, active: &active, text: &text) {
                    pending = i
                    continue
                }
            case 0x60:
                guard !previousIsBackslash(i) else { break }
                if let (content, close) = inlineCode(from: i) {
                    flush(&text, &pending, i)
                    text.parts.append(.code(raw: i..<(close + 1), content: content))
                    i = close + 1
                    pending = i
                    continue
                }
            case 0x5B:
                guard !previousIsBackslash(i) else { break }
                var j = i
                if let link = readLink(at: &j, depth: depth + 1, isImage: false, imageStart: i) {
                    flush(&text, &pending, i)
                    text.parts.append(.link(link))
                    i = j
                    pending = i
                    continue
                }
                if terminator == 0x5D {
                    return (text, true)
                }
            case 0x21:
                guard !previousIsBackslash(i) else { break }
                var j = i + 1
                if isChar(j, 0x5B), let link = readLink(at: &j, depth: depth + 1, isImage: true, imageStart: i) {
                    flush(&text, &pending, i)
                    text.parts.append(.link(link))
                    i = j
                    pending = i
                    continue
                }
            default:
                break
            }
            // Ink's `parseNonTriggeringCharacter`.
            switch c {
            case 0x5C:
                flush(&text, &pending, i)
                i = after(i)
                pending = i
            case 0x26:
                if let entityEnd = entityEnd(from: i) {
                    i = entityEnd
                    flush(&text, &pending, i)
                } else {
                    flush(&text, &pending, i)
                    text.parts.append(.literal("&amp;"))
                    i += 1
                    pending = i
                }
            case 0x3E:
                flush(&text, &pending, i)
                text.parts.append(.literal("&gt;"))
                i += 1
                pending = i
            case 0x3C:
                flush(&text, &pending, i)
                text.parts.append(.literal("&lt;"))
                i += 1
                pending = i
            default:
                i = after(i)
            }
        }
        // The last text without its trailing whitespace.
        var last = i
        while last > pending, let p = before(last), p >= pending, isWhitespace(p) { last = p }
        if pending < last { text.parts.append(.source(pending..<last)) }
        resolveUnterminated(activeStyles: activeStyles, active: active)
        return (text, false)
    }

    /// `` `code` `` from the backtick at `i`: the content and the closing backtick.
    private func inlineCode(from i: Int) -> (Range<Int>, Int)? {
        var j = i + 1
        while j < end {
            if isNewline(j) { return nil }
            if bytes[j] == 0x60 { return ((i + 1)..<j, j) }
            j = after(j)
        }
        return nil
    }

    /// An emphasis marker at `i` (Ink's `TextStyleMarker` and `parseStyleMarker`); `false` when none.
    private mutating func readMarker(at i: inout Int, activeStyles: inout UInt8, active: inout [Int],
                                     text: inout Text) -> Bool {
        guard !previousIsBackslash(i) else { return false }
        let start = i
        var marker: Marker
        let c = bytes[i]
        if c == 0x2A || c == 0x5F {
            if i + 1 < end, bytes[i + 1] == 0x2A || bytes[i + 1] == 0x5F {
                marker = Marker(style: .bold, raw: [c, bytes[i + 1]], lower: start, upper: start + 2)
                i += 2
            } else {
                marker = Marker(style: .italic, raw: [c], lower: start, upper: start + 1)
                i += 1
            }
        } else {
            guard isChar(i + 1, 0x7E) else { return false }
            marker = Marker(style: .strikethrough, raw: [0x7E, 0x7E], lower: start, upper: start + 2)
            i += 2
        }
        let index = markers.count
        if activeStyles & marker.style.rawValue != 0 {
            // Closing: `**` closing inside an open italic before `*`/`_` is an italic close.
            if marker.style == .bold, activeStyles & Style.italic.rawValue != 0, i < end,
               bytes[i] == 0x2A || bytes[i] == 0x5F {
                marker.style = .italic
                marker.raw.removeLast()
                i -= 1
            }
            marker.closing = true
            markers.append(marker)
            var removed: UInt8 = 0
            var count = 0
            for other in active.reversed() {
                removed |= markers[other].style.rawValue
                count += 1
                if markers[other].style == marker.style { break }
                markers[other].valid = false
            }
            active.removeLast(min(count, active.count))
            activeStyles &= ~removed
        } else {
            markers.append(marker)
            activeStyles |= marker.style.rawValue
            active.append(index)
        }
        text.parts.append(.marker(index))
        return true
    }

    /// Ink's `handleUnterminatedStyleMarkers`.
    private mutating func resolveUnterminated(activeStyles: UInt8, active: [Int]) {
        var boldMarker: Int?
        var italicMarker: Int?
        let both = Style.bold.rawValue | Style.italic.rawValue
        if activeStyles & both == both {
            iteration: for index in active {
                switch markers[index].style {
                case .bold:
                    markers[index].style = .italic
                    if let other = italicMarker {
                        guard markers[index].lower != markers[other].upper else {
                            italicMarker = nil
                            break iteration
                        }
                        markers[index].suffix = markers[index].raw.popLast()
                        markers[index].closing = true
                    } else if !markers[index].raw.isEmpty {
                        markers[index].prefix = markers[index].raw.removeFirst()
                    }
                    boldMarker = index
                case .italic:
                    if let other = boldMarker {
                        guard markers[index].lower != markers[other].upper else {
                            if let prefix = markers[other].prefix {
                                markers[other].raw.insert(prefix, at: 0)
                            } else if let suffix = markers[other].suffix {
                                markers[other].raw.append(suffix)
                            }
                            boldMarker = nil
                            break iteration
                        }
                        markers[index].closing = true
                    }
                    italicMarker = index
                case .strikethrough:
                    break
                }
            }
        }
        for index in active where index != boldMarker && index != italicMarker {
            markers[index].valid = false
        }
    }

    /// A link whose `[` is at `i` (Ink's `Link.read`), remembered by position; `i` moves past it.
    /// An image's node is a copy with its own raw range (from `imageStart`, the `!`).
    private mutating func readLink(at i: inout Int, depth: Int, isImage: Bool, imageStart: Int) -> Int? {
        let open = i
        guard isChar(open, 0x5B) else { return nil }
        guard open < lastClosingBracket else { return nil }
        if linkMemo.isEmpty { linkMemo = [Int32](repeating: 0, count: end) }
        var known = Int(linkMemo[open])
        if known == 0 {
            known = depth > Self.maxLinkDepth ? -1 : (parseLink(open: open, depth: depth).map { $0 + 1 } ?? -1)
            linkMemo[open] = Int32(known)
        }
        guard known > 0 else { return nil }
        let index = known - 1
        i = links[index].raw.upperBound
        guard isImage else { return index }
        var node = links[index]
        node.isImage = true
        node.raw = imageStart..<node.raw.upperBound
        links.append(node)
        return links.count - 1
    }

    /// The index of the link whose `[` is at `open`, or `nil`.
    private mutating func parseLink(open: Int, depth: Int) -> Int? {
        var i = open + 1
        let (text, failed) = readText(at: &i, terminator: 0x5D, depth: depth)
        guard !failed, isChar(i, 0x5D) else { return nil }
        i += 1
        guard i < end else { return nil }
        if bytes[i] == 0x28 {
            guard let close = matchingParenthesis(of: i) else { return nil }
            links.append(LinkNode(isImage: false, text: text, target: (i + 1)..<close, isReference: false,
                                  raw: open..<(close + 1)))
            return links.count - 1
        }
        guard bytes[i] == 0x5B, let close = closingBracket(from: i + 1) else { return nil }
        links.append(LinkNode(isImage: false, text: text, target: (i + 1)..<close, isReference: true,
                              raw: open..<(close + 1)))
        return links.count - 1
    }

    // MARK: - HTML

    /// The HTML of the document, calling `hooks` for code and links in document order.
    /// `lineBreaks`: a single newline inside a paragraph is a line break (`<br>`), as email authors
    /// mean it, rather than a space as in Ink and CommonMark.
    func html(hooks: Hooks, lineBreaks: Bool = false) -> String {
        var writer = Writer(reader: self, hooks: hooks)
        writer.lineBreaks = lineBreaks
        for block in blocks { writer.write(block) }
        return String(decoding: writer.out, as: UTF8.self)
    }

    /// Writes HTML; lists are written with an explicit stack.
    struct Writer {
        let reader: MailMarkdown
        let hooks: Hooks
        var out: [UInt8] = []
        /// A single newline is written `<br>` rather than a space.
        var lineBreaks = false

        mutating func append(_ s: StaticString) {
            s.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        mutating func write(_ block: Block) {
            switch block {
            case .paragraph(let text):
                append("<p>")
                write(text)
                append("</p>")
            case .heading(let level, let text):
                var body = Writer(reader: reader, hooks: hooks, lineBreaks: lineBreaks)
                body.write(text)
                var html = body.out
                // Ink strips trailing `#`s with the Character before them (sic), by Characters.
                if html.last == 0x23 {
                    let string = String(decoding: html, as: UTF8.self)
                    let last = string.index(before: string.endIndex)
                    var trim = last
                    while string[trim] == "#", trim != string.startIndex { trim = string.index(before: trim) }
                    if trim != last { html = Array(string[..<trim].utf8) }
                }
                out += Array("<h\(level)>".utf8) + html + Array("</h\(level)>".utf8)
            case .list(let index):
                writeList(index)
            case .blockquote(let text):
                append("<blockquote><p>")
                write(text)
                append("</p></blockquote>")
            case .code(let raw, let language, let content):
                var html: [UInt8] = Array("<pre><code".utf8)
                if !language.isEmpty {
                    html += Array(" class=\"language-".utf8) + reader.bytes[language] + [0x22]
                }
                html.append(0x3E)
                for range in content { Self.escape(reader.bytes[range], into: &html) }
                html += Array("</code></pre>".utf8)
                out += Array(hooks.codeBlock(raw, String(decoding: html, as: UTF8.self)).utf8)
            case .rule:
                append("<hr>")
            case .image(let index):
                writeLink(index)
            }
        }

        static func escape(_ bytes: ArraySlice<UInt8>, into html: inout [UInt8]) {
            for b in bytes {
                switch b {
                case 0x26: html += Array("&amp;".utf8)
                case 0x3C: html += Array("&lt;".utf8)
                case 0x3E: html += Array("&gt;".utf8)
                default: html.append(b)
                }
            }
        }

        mutating func write(_ text: Text) {
            for part in text.parts {
                switch part {
                case .linebreak: append("<br>")
                case .softbreak: if lineBreaks { append("<br>") } else { append(" ") }
                case .source(let range): out += reader.bytes[range]
                case .literal(let s): append(s)
                case .marker(let index):
                    let marker = reader.markers[index]
                    guard marker.valid else {
                        out += marker.raw
                        continue
                    }
                    if let prefix = marker.prefix { out.append(prefix) }
                    append(marker.closing ? "</" : "<")
                    switch marker.style {
                    case .italic: append("em")
                    case .bold: append("strong")
                    case .strikethrough: append("s")
                    }
                    append(">")
                    if let suffix = marker.suffix { out.append(suffix) }
                case .code(let raw, let content):
                    var html: [UInt8] = Array("<code>".utf8)
                    Self.escape(reader.bytes[content], into: &html)
                    html += Array("</code>".utf8)
                    out += Array(hooks.inlineCode(raw, String(decoding: html, as: UTF8.self)).utf8)
                case .link(let index):
                    writeLink(index)
                }
            }
        }

        mutating func writeLink(_ index: Int) {
            let link = reader.links[index]
            var url = reader.bytes[link.target]
            if link.isReference, let declared = reader.urls[MailMarkdown.lowercased(url)] {
                url = reader.bytes[declared]
            }
            var body = Writer(reader: reader, hooks: hooks, lineBreaks: lineBreaks)
            body.write(link.text)
            var html: [UInt8]
            if link.isImage {
                html = Array("<img src=\"".utf8) + url + [0x22]
                if !body.out.isEmpty { html += Array(" alt=\"".utf8) + body.out + [0x22] }
                html += Array("/>".utf8)
            } else {
                html = Array("<a href=\"".utf8) + url + Array("\">".utf8) + body.out + Array("</a>".utf8)
            }
            out += Array(hooks.link(link.raw, String(decoding: html, as: UTF8.self), link.isImage).utf8)
        }

        /// A list and its nested lists, without recursion.
        mutating func writeList(_ root: Int) {
            // (list, next item) frames.
            var stack: [(list: Int, item: Int)] = [(root, 0)]
            openList(root)
            while let frame = stack.last {
                let list = reader.lists[frame.list]
                if frame.item > 0 {
                    // Close the previous item (its nested list, if any, is done).
                    append("</li>")
                }
                guard frame.item < list.items.count else {
                    stack.removeLast()
                    append(list.ordered ? "</ol>" : "</ul>")
                    continue
                }
                stack[stack.count - 1].item += 1
                let item = list.items[frame.item]
                append("<li>")
                write(item.text)
                if let nested = item.nested {
                    openList(nested)
                    stack.append((nested, 0))
                }
            }
        }

        mutating func openList(_ index: Int) {
            let list = reader.lists[index]
            if list.ordered {
                append("<ol")
                if list.first != 1 { out += Array(" start=\"\(list.first)\"".utf8) }
                append(">")
            } else {
                append("<ul>")
            }
        }
    }
}
