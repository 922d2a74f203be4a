import Diagnostics

/// A file's bytes after the UTF-8 check, with a table of line starts that converts libyaml marks
/// and byte offsets to 1-based line:column positions.
///
/// Line breaks are LF, CR LF (one break) and a lone CR, as editors count them. libyaml also breaks
/// lines at U+0085, U+2028 and U+2029; positions are therefore computed from `mark.index` (which
/// counts Unicode scalars, see `YAMLParser`) rather than from `mark.line`, so they always agree with
/// `SourceLines`.
struct SourceText {
    /// The bytes without a leading UTF-8 BOM.
    let bytes: ArraySlice<UInt8>
    /// The whole file, BOM included: `bytes` is a slice of it (the same storage, not a copy).
    let raw: [UInt8]
    /// For each line, the scalar index of its first character.
    private(set) var lineCharStarts: [Int] = [0]
    /// For each line, the byte offset (into `bytes`, 0-based from its start) of its first character.
    private(set) var lineByteStarts: [Int] = [0]
    /// The number of Unicode scalars in the text.
    private(set) var scalarCount = 0
    /// Whether the text holds a multi-byte sequence whose lead byte is at least `0xCD`, that is a scalar
    /// of U+0340 or above: every character ``HiddenCharacters`` refuses is one (U+034F and above). A text
    /// without one (ASCII, Latin letters) needs no search for them.
    private(set) var mayHoldHidden = false

    /// Why the bytes were refused.
    enum Failure {
        case invalidUTF8(byteOffset: Int, scalarIndex: Int, reason: String)
        case nul(byteOffset: Int, scalarIndex: Int)
        case utf16(reason: String)
    }

    /// The first encoding problem, if any; the line table only covers the bytes before it.
    private(set) var failure: Failure?

    /// Checks `raw` is UTF-8 without NUL bytes and indexes its lines, in one pass over the bytes.
    init(_ raw: [UInt8]) {
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        self.raw = raw
        bytes = raw[start...]
        if raw.count >= 2, (raw[0] == 0xFE && raw[1] == 0xFF) || (raw[0] == 0xFF && raw[1] == 0xFE) {
            failure = .utf16(reason: "starts with a UTF-16 byte order mark")
            return
        }
        if raw.count >= 2, (raw[0] == 0) != (raw[1] == 0), raw[0] < 0x80, raw[1] < 0x80 {
            failure = .utf16(reason: "looks like UTF-16 (a NUL byte next to an ASCII character at its start)")
            return
        }
        scan()
    }

    private mutating func scan() {
        var charStarts: [Int] = [0]
        var byteStarts: [Int] = [0]
        // A guess at the line count (a line of 48 bytes), to grow the tables less often.
        charStarts.reserveCapacity(bytes.count / 48 + 8)
        byteStarts.reserveCapacity(bytes.count / 48 + 8)
        var chars = 0
        var found: Failure?
        var highLead = false
        bytes.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            var i = 0
            while i < n {
                // Eight bytes at a time while they are ASCII with no byte below 0x0E (no NUL, LF or CR):
                // each is one scalar and none starts a line. The load reads bytes i..<i+8, inside the
                // buffer since i + 8 <= n; `baseAddress` is not nil since n > 0. A word holding another
                // byte is taken up to that byte, which the byte path below reads: the first flagged byte
                // of ``specialBytes(_:)`` is one (a line break ended a word about every 40 bytes, and the
                // next seven words, each holding it, were read one byte at a time).
                if let base = buffer.baseAddress {
                    while i + 8 <= n {
                        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        let special = Self.specialBytes(word)
                        guard special == 0 else {
                            let plain = special.trailingZeroBitCount >> 3
                            chars += plain
                            i += plain
                            break
                        }
                        chars += 8
                        i += 8
                    }
                    if i >= n { break }
                }
                let b = buffer[i]
                if b < 0x80 {
                    if b == 0 {
                        found = .nul(byteOffset: i, scalarIndex: chars)
                        return
                    }
                    chars += 1
                    i += 1
                    if b == 0x0A {
                        charStarts.append(chars)
                        byteStarts.append(i)
                    } else if b == 0x0D {
                        if i < n, buffer[i] == 0x0A {
                            chars += 1
                            i += 1
                        }
                        charStarts.append(chars)
                        byteStarts.append(i)
                    }
                    continue
                }
                // Multi-byte sequence: the allowed second-byte range depends on the lead byte
                // (Unicode Table 3-7), which rules out overlong forms, surrogates and values > U+10FFFF.
                var length = 0
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch b {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default:
                    let reason: String
                    switch b {
                    case 0x80...0xBF: reason = "unexpected continuation byte `0x\(hex(b))`"
                    case 0xC0, 0xC1: reason = "overlong encoding (byte `0x\(hex(b))`)"
                    default: reason = "invalid byte `0x\(hex(b))`"
                    }
                    found = .invalidUTF8(byteOffset: i, scalarIndex: chars, reason: reason)
                    return
                }
                if b >= 0xCD { highLead = true }
                var k = 1
                while k < length {
                    guard i + k < n else {
                        found = .invalidUTF8(
                            byteOffset: i, scalarIndex: chars,
                            reason: "truncated sequence starting with byte `0x\(hex(b))`")
                        return
                    }
                    let c = buffer[i + k]
                    let lo = k == 1 ? low : 0x80
                    let hi = k == 1 ? high : 0xBF
                    guard c >= lo, c <= hi else {
                        let reason: String
                        if k == 1, c >= 0x80, c <= 0xBF {
                            reason =
                                b == 0xED
                                ? "encoded UTF-16 surrogate (bytes `0x\(hex(b)) 0x\(hex(c))`)"
                                : (b == 0xF4
                                    ? "code point above U+10FFFF (bytes `0x\(hex(b)) 0x\(hex(c))`)"
                                    : "overlong encoding (bytes `0x\(hex(b)) 0x\(hex(c))`)")
                        } else {
                            reason = "truncated sequence starting with byte `0x\(hex(b))`"
                        }
                        found = .invalidUTF8(byteOffset: i, scalarIndex: chars, reason: reason)
                        return
                    }
                    k += 1
                }
                chars += 1
                i += length
            }
        }
        lineCharStarts = charStarts
        lineByteStarts = byteStarts
        scalarCount = chars
        failure = found
        mayHoldHidden = highLead
    }

    /// The bytes of `word` (little-endian: the first byte lowest) that are not plain ASCII at least
    /// 0x0E, each flagged by its high bit: every byte of 0x80 or more, and the bytes below 0x0E, found by
    /// `hasless(x, 14)` of the bit-twiddling folklore, whose borrow may flag a byte above a flagged one
    /// but never below. So `0` exactly when ``isPlainASCII(_:)``, and the lowest flag is a byte that is
    /// not plain: the bytes before it are.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let fourteens: UInt64 = 0x0E0E_0E0E_0E0E_0E0E
        return (word & high) | ((word &- fourteens) & ~word & high)
    }

    /// Whether the eight bytes of `word` are all ASCII and none is below 0x0E: no high bit set, and
    /// none of the bytes less than 14 (`hasless(x, 14)` of the bit-twiddling folklore, exact about
    /// whether such a byte is present once every byte is below 0x80).
    @inline(__always)
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        let fourteens: UInt64 = 0x0E0E_0E0E_0E0E_0E0E
        return word & high == 0 && (word &- fourteens) & ~word & high == 0
    }

    /// The 0-based line holding scalar index `index`, searching from `hint` first.
    func line(ofScalar index: Int, hint: Int = 0) -> Int {
        // Read in place (a copy of the array was retained and released at every event's two marks).
        lineCharStarts.withUnsafeBufferPointer { starts in Self.line(ofScalar: index, hint: hint, in: starts) }
    }

    /// ``line(ofScalar:hint:)`` in the table `starts`.
    @inline(__always)
    private static func line(ofScalar index: Int, hint: Int, in starts: UnsafeBufferPointer<Int>) -> Int {
        if hint < starts.count, starts[hint] <= index, hint + 1 == starts.count || index < starts[hint + 1] {
            return hint
        }
        // Then the next line: events go forward through the file, most often to the line after the hint's.
        // (The starts increase, so the line found is the one the search below would find.)
        let next = hint + 1
        if hint >= 0, next < starts.count, starts[next] <= index, next + 1 == starts.count || index < starts[next + 1] {
            return next
        }
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The position of scalar index `index` (libyaml's `mark.index`).
    func position(ofScalar index: Int, hint: inout Int) -> SourcePosition {
        let previous = hint
        // The table read in place; `line` is one of its indices (the search returns one).
        let (line, start) = lineCharStarts.withUnsafeBufferPointer { starts in
            let line = Self.line(ofScalar: index, hint: previous, in: starts)
            return (line, starts[line])
        }
        hint = line
        return SourcePosition(line: line + 1, column: index - start + 1)
    }

    /// The position of byte offset `offset` (into `bytes`).
    func position(ofByte offset: Int) -> SourcePosition {
        let starts = lineByteStarts
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = bytes.startIndex + starts[lo]
        let stop = bytes.startIndex + min(offset, bytes.count)
        while i < stop {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourcePosition(line: lo + 1, column: column)
    }

    /// The number of scalars on 0-based `line` without its line terminator.
    func contentLength(ofLine line: Int) -> Int {
        guard line + 1 < lineCharStarts.count else { return scalarCount - lineCharStarts[line] }
        var end = lineCharStarts[line + 1]
        let breakByte = bytes.startIndex + lineByteStarts[line + 1] - 1
        end -= 1
        if bytes[breakByte] == 0x0A, breakByte - 1 >= bytes.startIndex + lineByteStarts[line],
            bytes[breakByte - 1] == 0x0D
        {
            end -= 1
        }
        return end - lineCharStarts[line]
    }

    /// Whether 0-based `line` contains the ASCII `needle` (a Liquid delimiter, for help lines).
    func line(_ line: Int, contains needle: String) -> Bool {
        guard line >= 0, line < lineByteStarts.count else { return false }
        let start = bytes.startIndex + lineByteStarts[line]
        var end = start
        while end < bytes.endIndex, bytes[end] != 0x0A { end += 1 }
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, end - start >= pattern.count else { return false }
        var i = start
        while i + pattern.count <= end {
            if bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return true }
            i += 1
        }
        return false
    }

    /// The text of 0-based `line` from 1-based `column` to the end of the line, without the line break
    /// and trailing blanks; `nil` past the end of the text.
    func rest(ofLine line: Int, fromColumn column: Int) -> String? {
        guard line >= 0, line < lineByteStarts.count, column >= 1 else { return nil }
        var i = bytes.startIndex + lineByteStarts[line]
        var skipped = 1
        while i < bytes.endIndex, skipped < column, bytes[i] != 0x0A, bytes[i] != 0x0D {
            i += 1
            while i < bytes.endIndex, bytes[i] & 0xC0 == 0x80 { i += 1 }
            skipped += 1
        }
        guard skipped == column else { return nil }
        var end = i
        while end < bytes.endIndex, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[i..<end], as: UTF8.self)
    }

    /// The 1-based column of the first TAB in the leading whitespace of 0-based `line`, if any.
    func tabInIndentation(ofLine line: Int) -> Int? {
        guard line < lineByteStarts.count else { return nil }
        var i = bytes.startIndex + lineByteStarts[line]
        var column = 1
        while i < bytes.endIndex {
            switch bytes[i] {
            case 0x09: return column
            case 0x20: column += 1; i += 1
            default: return nil
            }
        }
        return nil
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}
