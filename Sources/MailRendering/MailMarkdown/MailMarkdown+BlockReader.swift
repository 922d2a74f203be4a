import Liquid

// The block reader: paragraphs, headings, rules, block quotes, code blocks, lists and link
// definitions, into `blocks`.

extension MailMarkdown {
    // MARK: - Blocks

    /// Ink's top-level loop: blocks separated by blank space, `[name]: url` lines, front matter.
    mutating func readDocument() {
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
    mutating func readBlock(from i: Int, first c: UInt8) -> Int? {
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
    func readMetadata(from start: Int) -> Int? {
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
    mutating func readURLDeclaration(from start: Int) -> Int? {
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
    mutating func readParagraph(from i: Int) -> Int {
        var j = i
        let text = readText(at: &j, terminator: nil, depth: 0).text
        blocks.append(.paragraph(text))
        return max(j, after(i))
    }

    /// `#` to `######`, a space, the text to the end of the line.
    mutating func readHeading(from start: Int) -> Int? {
        var i = start
        var level = 0
        while isChar(i, 0x23) { level += 1; i += 1 }
        guard level < 7, skipSameLineWhitespace(&i) > 0 else { return nil }
        let text = readText(at: &i, terminator: 0x0A, depth: 0).text
        blocks.append(.heading(level, text))
        return i
    }

    /// Three or more `-` or `*` alone on their line.
    mutating func readRule(from start: Int) -> Int? {
        var i = start
        let c = bytes[i]
        var count = 0
        while isChar(i, c) { count += 1; i += 1 }
        guard count > 2, readUntilEndOfLine(&i).isEmpty else { return nil }
        blocks.append(.rule)
        return i
    }

    /// A text line ended by `\n` (consumed).
    mutating func readLine(at i: inout Int) -> Text {
        let text = readText(at: &i, terminator: 0x0A, depth: 0).text
        if i < end { i = after(i) }
        return text
    }

    /// `> ` and the lines after it up to a blank line, glued without a separator (as in Ink).
    mutating func readBlockquote(from start: Int) -> Int? {
        var i = start + 1
        guard skipSameLineWhitespace(&i) > 0 else { return nil }
        var text = readLine(at: &i)
        while i < end {
            if isNewline(i) { break }
            if bytes[i] == 0x3E { i += 1 }
            let line = readLine(at: &i)
            // The lines' parts follow each other in `blockParts` (nothing else is written there while a
            // quote is read): the text grows in place.
            text = joined(text, line)
        }
        blocks.append(.blockquote(text))
        return i
    }

    /// `text` followed by `next`, both in ``blockParts``: `text`'s range grown when `next` follows it there,
    /// else both copied to the end (not reached: the reader writes them one after the other).
    mutating func joined(_ text: Text, _ next: Text) -> Text {
        if text.range.upperBound == next.range.lowerBound {
            return Text(range: text.range.lowerBound..<next.range.upperBound)
        }
        let start = blockParts.count
        blockParts.append(contentsOf: blockParts[text.range])
        blockParts.append(contentsOf: blockParts[next.range])
        return Text(range: start..<blockParts.count)
    }

    /// Reads a line that continues `item`: a space, then the line's text. The item's text grows in place
    /// when it ends where the new parts begin (most items), else the space and the line are a text of
    /// their own, written after it (``ListItem/continued``): copying the item's text to the end there could
    /// take time quadratic in its lines.
    mutating func continueItem(_ item: inout ListItem, at i: inout Int) {
        let start = blockParts.count
        blockParts.append(.literal(" "))
        _ = readLine(at: &i)
        // The line's parts are the next in `blockParts`, right after the space.
        let partsEnd = blockParts.count
        if let last = item.continued.last {
            if last.range.upperBound == start {
                item.continued[item.continued.count - 1] = Text(range: last.range.lowerBound..<partsEnd)
            } else {
                item.continued.append(Text(range: start..<partsEnd))
            }
        } else if item.text.range.upperBound == start {
            item.text = Text(range: item.text.range.lowerBound..<partsEnd)
        } else {
            item.continued.append(Text(range: start..<partsEnd))
        }
    }

    /// A fence of three or more backticks, its language, the code up to the same fence at a line start.
    mutating func readCodeBlock(from start: Int) -> Int? {
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
    mutating func readList(at i: inout Int, indentation: Int, depth: Int) -> Int? {
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
            reader.continueItem(&list.items[list.items.count - 1], at: &i)
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
                        // Room for a few items at the first, not grown item by item.
                        if list.items.isEmpty { list.items.reserveCapacity(4) }
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
                if list.items.isEmpty { list.items.reserveCapacity(4) }
                list.items.append(ListItem(text: readLine(at: &i)))
            default:
                guard addTextToLastItem(&list, &i, &self) else { return nil }
            }
        }
        lists.append(list)
        return lists.count - 1
    }
}
