import Liquid

// The byte-level scanner under both readers: characters, whitespace, and the tables that keep
// bracket, entity and parenthesis searches linear on hostile input.

extension MailMarkdown {
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
    mutating func entityEnd(from i: Int) -> Int? {
        if entityStops.isEmpty {
            entityStops = stops { b, i in
                b == 0x3B || (b < 0x80 ? b == 0x20 || (b >= 0x09 && b <= 0x0D) : isWhitespace(i))
            }
        }
        let stop = Int(entityStops[i])
        return stop < end && bytes[stop] == 0x3B ? stop + 1 : nil
    }

    /// The index of the first `]` from `i` on the same line, or `nil`.
    mutating func closingBracket(from i: Int) -> Int? {
        if bracketStops.isEmpty {
            bracketStops = stops { b, i in b == 0x5D || (b < 0x80 ? b >= 0x0A && b <= 0x0D : isNewline(i)) }
        }
        guard i < end else { return nil }
        let stop = Int(bracketStops[i])
        return stop < end && bytes[stop] == 0x5D ? stop : nil
    }

    /// For each index, the first index at or after it whose character satisfies `isStop` (or `end`).
    func stops(_ isStop: (UInt8, Int) -> Bool) -> [Int32] {
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

    /// The `)` matching the `(` at `open` on its line (Ink's balanced read), or `nil`: `parenthesisTable()[open]`.
    ///
    /// The table is filled lazily, from `open` on only (most bodies have a few links among many bytes):
    /// -2 marks a `(` not resolved yet. A scan from `open` resolves every `(` it passes, so no byte is
    /// scanned twice: it stops once `open` is matched (every `(` pushed after it is matched by then), or at
    /// the line's end, or at a `(` known to be unmatched (nothing below it on the stack can be matched
    /// either), all left on the stack then unmatched; it jumps over a `(` already matched, a balanced span.
    /// ``ScanTableDifferentialTests`` holds it to ``parenthesisTable()``.
    ///
    /// The first `(` asked about is matched by a scan of its own, without the table (most bodies ask once, for
    /// their one link, and the table, a slot a byte, cost more than that scan): the scan from `open` over a
    /// table of -2 alone, where every `(` is pushed and every `)` pops, so `open` is matched by the `)` that
    /// brings the depth back to zero, unless a line ends first. The table is made from the second on; the
    /// first scan is then made again at most once, and the reads stay linear.
    mutating func matchingParenthesis(of open: Int) -> Int? {
        guard open >= 0, open < end, bytes[open] == 0x28 else { return nil }
        if parenMatches.isEmpty {
            guard askedParenthesis else {
                askedParenthesis = true
                return firstMatchingParenthesis(of: open)
            }
            parenMatches = [Int32](repeating: -2, count: end + 1)
        }
        if parenMatches[open] == -2 { resolveParentheses(from: open) }
        let match = Int(parenMatches[open])
        return match >= 0 ? match : nil
    }

    /// The `)` matching the `(` at `open` on its line, by the scan of ``resolveParentheses(from:)`` over a table
    /// where nothing is resolved yet: a depth instead of the stack (no table, no array).
    private func firstMatchingParenthesis(of open: Int) -> Int? {
        let end = self.end
        return bytes.withUnsafeBufferPointer { bytes -> Int? in
            // `end <= bytes.count` (the init trims it from `bytes.count`): every index read is checked against
            // `end` first.
            var depth = 0
            var i = open
            while i < end {
                let b = bytes[i]
                if b == 0x28 {
                    depth += 1
                } else if b == 0x29 {
                    if depth > 0 {
                        depth -= 1
                        if depth == 0 { return i }
                    }
                } else if b >= 0x0A && b <= 0x0D {
                    return nil
                } else if b == 0xC2, i + 1 < end, bytes[i + 1] == 0x85 {
                    return nil  // U+0085
                } else if b == 0xE2, i + 2 < end, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                    return nil  // U+2028, U+2029
                }
                i += 1
            }
            return nil
        }
    }

    /// Resolves the `(` at `open` (not resolved yet) and every `(` the scan from it passes.
    private mutating func resolveParentheses(from open: Int) {
        var stack: [Int] = []
        let end = self.end
        let bytes = self.bytes
        parenMatches.withUnsafeMutableBufferPointer { table in
            bytes.withUnsafeBufferPointer { bytes in
                // `end <= bytes.count` (the init trims it from `bytes.count`) and `table.count == end + 1`:
                // every index read below is checked against `end` first, and a match read from the table is
                // an index below `end`.
                var i = open
                while i < end {
                    let b = bytes[i]
                    if b == 0x28 {
                        let known = table[i]
                        if known >= 0 {
                            // A balanced span: nothing in it pops a `(` of the stack.
                            i = Int(known) + 1
                            continue
                        }
                        if known == -1 { break }
                        stack.append(i)
                    } else if b == 0x29 {
                        if let top = stack.popLast() {
                            table[top] = Int32(i)
                            if stack.isEmpty { return }
                        }
                    } else if b >= 0x0A && b <= 0x0D {
                        break
                    } else if b == 0xC2, i + 1 < end, bytes[i + 1] == 0x85 {
                        break  // U+0085
                    } else if b == 0xE2, i + 2 < end, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9
                    {
                        break  // U+2028, U+2029
                    }
                    i += 1
                }
                for unmatched in stack { table[unmatched] = -1 }
            }
        }
    }

    /// For each index, the index of the `)` matching a `(` there on its line, or -1: one pass over the
    /// bytes. Byte by byte rather than character by character (``parenthesisTableByCharacters()``, the
    /// definition): `(`, `)` and the bytes of a line break never occur inside another character's bytes,
    /// and a `\r\n` clears the open parentheses twice instead of once.
    func parenthesisTable() -> [Int32] {
        var table = [Int32](repeating: -1, count: end + 1)
        var stack: [Int] = []
        let end = self.end
        table.withUnsafeMutableBufferPointer { table in
            bytes.withUnsafeBufferPointer { bytes in
                // `end <= bytes.count` (the init trims it from `bytes.count`) and `table.count == end + 1`:
                // every index read below is checked against `end` first.
                var i = 0
                while i < end {
                    let b = bytes[i]
                    if b == 0x28 {
                        stack.append(i)
                    } else if b == 0x29 {
                        if let top = stack.popLast() { table[top] = Int32(i) }
                    } else if b >= 0x0A && b <= 0x0D {
                        stack.removeAll(keepingCapacity: true)
                    } else if b == 0xC2, i + 1 < end, bytes[i + 1] == 0x85 {
                        stack.removeAll(keepingCapacity: true)  // U+0085
                    } else if b == 0xE2, i + 2 < end, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9
                    {
                        stack.removeAll(keepingCapacity: true)  // U+2028, U+2029
                    }
                    i += 1
                }
            }
        }
        return table
    }

    /// ``parenthesisTable()`` character by character: the definition its differential test holds it to.
    func parenthesisTableByCharacters() -> [Int32] {
        var table = [Int32](repeating: -1, count: end + 1)
        var stack: [Int] = []
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == 0x28 {
                stack.append(i)
            } else if b == 0x29, let top = stack.popLast() {
                table[top] = Int32(i)
            } else if isNewline(i) {
                stack.removeAll(keepingCapacity: true)
            }
            i = after(i)
        }
        return table
    }
}
