#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level helpers for the Character-level passes over text, with the condition under which
/// the two agree.
enum UTF8Text {
    /// Whether every Unicode scalar of `text` is its own Character, with a Character boundary on
    /// both sides: no `\r` (which joins a following `\n`), and only scalars below U+0300 or among the
    /// general punctuation U+2010...U+2027 and U+202F...U+205E (dashes, typographic quotes and
    /// apostrophes, ellipsis, the narrow no-break space of French typography) and the currency signs
    /// U+20A0...U+20BF. Those all have the grapheme
    /// property Other or Control, which always breaks; combining marks, joiners, prepended marks,
    /// regional indicators and Hangul jamo are all outside. (`SimpleTextTests` checks every pair.)
    ///
    /// On such text, searching, splitting and counting by UTF-8 bytes or scalars gives the answers
    /// Characters give.
    static func isSimple(_ text: some StringProtocol) -> Bool {
        let answer = text.utf8.withContiguousStorageIfAvailable(isSimple)
        if let answer { return answer }
        return Array(text.utf8).withUnsafeBufferPointer(isSimple)
    }

    /// `isSimple(_:)` on valid UTF-8 bytes.
    static func isSimple(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = bytes.count
        let base = bytes.baseAddress.map(UnsafeRawPointer.init)
        while i < count {
            // Eight bytes at once when none is 0xCC or above (ASCII, continuation bytes and the leads of
            // U+0080...U+02FF, each simple by itself below): simple unless one is `\r`. The load reads
            // `i..<i + 8`, within the buffer. A byte with its high bit set is 0xCC or above exactly when its low
            // seven bits plus 0x34 reach 0x80 (no sum leaves its byte).
            if i + 8 <= count, let base {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let high = word & 0x8080_8080_8080_8080
                if high == 0 || ((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x3434_3434_3434_3434) & high == 0 {
                    // Whether a byte of `word` is 0x0D: a zero byte of `x`, found exactly by this test.
                    let x = word ^ 0x0D0D_0D0D_0D0D_0D0D
                    if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 { return false }
                    i += 8
                    continue
                }
            }
            let byte = bytes[i]
            if byte < 0xCC {
                // ASCII, a continuation byte or the lead of U+0080...U+02FF.
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

    /// Whether `needle`'s UTF-8 bytes occur in `text`'s.
    static func contains(_ text: String, _ needle: String) -> Bool {
        contains(text, bytes: Array(needle.utf8))
    }

    /// Whether the bytes `pattern` occur in `text`'s UTF-8 bytes.
    static func contains(_ text: String, bytes pattern: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { firstOffset(of: pattern, in: $0, from: 0) } != nil
    }

    /// `text.contains(needle)`, the search by Characters, with the byte search as its quick "no" (most
    /// texts hold no match, and the Character search costs a hundred times more a byte).
    ///
    /// `needle` must be ASCII without `K`, `;` or `` ` ``: then a Character match is always a byte match,
    /// since no other scalar or sequence is canonically equivalent to one of its characters (U+212A, U+037E
    /// and U+1FEF are equivalent to those three).
    static func containsCharacters(_ text: String, _ needle: String) -> Bool {
        contains(text, needle) && text.contains(needle)
    }

    /// The number of UTF-8 bytes of the scalar whose first byte is `lead` (1 for a stray
    /// continuation byte, which valid UTF-8 never starts a scalar with).
    static func width(ofScalarStartingWith lead: UInt8) -> Int {
        switch lead {
        case ..<0xC0: 1
        case ..<0xE0: 2
        case ..<0xF0: 3
        default: 4
        }
    }

    /// The UTF-8 offsets in `bytes` (valid UTF-8) of the Unicode-scalar offsets `offsets`, which must
    /// not decrease; an offset past the last scalar gives `bytes.count`. One walk over the bytes.
    static func utf8Offsets(ofScalarOffsets offsets: [Int], in bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(offsets.count)
        var scalar = 0
        var byte = 0
        for target in offsets {
            while scalar < target, byte < bytes.count {
                byte += 1
                while byte < bytes.count, bytes[byte] & 0xC0 == 0x80 { byte += 1 }
                scalar += 1
            }
            result.append(byte)
        }
        return result
    }

    /// The offsets of the continuation bytes (`10xxxxxx`) of `bytes`, increasing. Eight bytes are read at
    /// once where all are ASCII.
    static func continuationOffsets(in bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        bytes.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            let base = bytes.baseAddress.map(UnsafeRawPointer.init)
            var i = 0
            while i < count {
                // The load reads `i..<i + 8`, within the buffer.
                if i + 8 <= count, let base,
                    base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    i += 8
                    continue
                }
                if bytes[i] & 0xC0 == 0x80 { result.append(i) }
                i += 1
            }
        }
        return result
    }

    /// The offset of the first `byte` in `bytes[from...]`, or `bytes.count` when there is none (`from` must
    /// not be negative). From 32 bytes on, `memchr` finds it (vector-wide); below, eight bytes are read at
    /// once where none is `byte` (the has-zero test on the word XOR `byte` repeated, exact for its lowest
    /// match).
    @inline(__always)
    static func nextOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let splat = UInt64(byte) &* 0x0101_0101_0101_0101
        let count = bytes.count
        var i = from
        if count - i >= 32, let base = bytes.baseAddress {
            // `memchr` reads the `count - i` bytes from `i`, within the buffer (`0 <= i < count`).
            guard let found = memchr(base + i, Int32(byte), count - i) else { return count }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
            // The load reads `i..<i + 8`, within the buffer (`i >= from >= 0`).
            while i + 8 <= count {
                let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ splat
                let zeros = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if zeros != 0 { return i + zeros.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < count, bytes[i] != byte { i += 1 }
        return i
    }

    /// The UTF-8 offset of the first occurrence of `pattern` in `bytes[from...]`.
    ///
    /// Each occurrence of the pattern's first byte is found eight bytes at a time (``nextOffset(of:in:from:)``),
    /// then the rest compared.
    static func firstOffset(of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = pattern.first else { return from }
        let count = bytes.count
        var i = max(from, 0)
        while i + pattern.count <= count {
            // The next occurrence of the first byte, eight bytes at a time: the offsets skipped are those
            // where the pattern does not start.
            i = nextOffset(of: first, in: bytes, from: i)
            // `i + pattern.count <= count`: every byte compared lies within the buffer.
            guard i + pattern.count <= count else { return nil }
            var k = 1
            while k < pattern.count, bytes[i + k] == pattern[k] { k += 1 }
            if k == pattern.count { return i }
            i += 1
        }
        return nil
    }
}

/// Whether `a` and `b` hold the same words, in order: the same as comparing
/// `a.split(whereSeparator: \.isWhitespace).joined(separator: " ")` with the same of `b`, without
/// building either. When both texts are simple (scalars are Characters), their bytes are compared
/// with every run of whitespace read as one space and the ends trimmed: it usually stops at the
/// first differing byte.
public func haveSameWords(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    // Most texts compared (a body and its translation) differ in their first ASCII bytes: answered there,
    // before the two passes of `isSimple` over both texts.
    if a.withUTF8({ left in b.withUTF8 { right in UTF8Text.wordsDifferEarly(left, right) } }) { return false }
    guard UTF8Text.isSimple(a), UTF8Text.isSimple(b) else {
        func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }
        return words(a).joined(separator: " ") == words(b).joined(separator: " ")
    }
    return a.withUTF8 { left in
        b.withUTF8 { right in
            var x = UTF8Text.WordBytes(bytes: left)
            var y = UTF8Text.WordBytes(bytes: right)
            while true {
                let next = x.next()
                guard next == y.next() else { return false }
                if next == nil { return true }
            }
        }
    }
}

extension UTF8Text {
    /// Whether `a` and `b` (UTF-8) surely hold different words (``haveSameWords(_:_:)`` is `false`), known
    /// from an ASCII start alike up to a difference; `false` when it is not known so.
    ///
    /// The two are read side by side while both read ASCII other than `\r`, each run of ASCII whitespace
    /// (U+0009...U+000C, U+0020) read as one separator, and the run is followed by ASCII or the end (so its
    /// last byte is a Character of its own: no combining mark joins it). Up to there the words are the
    /// same. At the first ASCII byte that differs (one side's byte may end its word at a separator such as
    /// above, or its text), the words joined with spaces differ at that point, and no Unicode equivalence
    /// undoes it: an ASCII scalar has no decomposition, and no mark is reordered across it. Any other
    /// byte (`\r`, non-ASCII, whose whitespace and Characters the bytes do not tell) gives up: `false`.
    static func wordsDifferEarly(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0C) }
        /// Past the run of spaces at `i` (none, if `i` is not a space), or `nil` when `\r` or a non-ASCII byte
        /// follows it.
        func skipSpaces(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int? {
            var i = i
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            return i < bytes.count && (bytes[i] >= 0x80 || bytes[i] == 0x0D) ? nil : i
        }
        // Leading whitespace is no word (every index read is below its buffer's count).
        guard var i = skipSpaces(a, from: 0), var j = skipSpaces(b, from: 0) else { return false }
        while i < a.count, j < b.count {
            let (x, y) = (a[i], b[j])
            guard x < 0x80, y < 0x80, x != 0x0D, y != 0x0D else { return false }
            switch (isSpace(x), isSpace(y)) {
            case (true, true):
                // A separator on both sides; one text's words may end there, the other's not.
                guard let nextI = skipSpaces(a, from: i), let nextJ = skipSpaces(b, from: j) else { return false }
                (i, j) = (nextI, nextJ)
                if (i == a.count) != (j == b.count) { return true }
            case (false, false):
                if x != y { return true }
                (i, j) = (i + 1, j + 1)
            case (true, false):
                // `a`'s word ends (its run followed by ASCII or the end), `b`'s goes on.
                return skipSpaces(a, from: i) != nil
            case (false, true):
                return skipSpaces(b, from: j) != nil
            }
        }
        // One text ended within a word: the other's word goes on if an ASCII word byte follows (else not
        // known here).
        if i < a.count { return !isSpace(a[i]) && a[i] < 0x80 && a[i] != 0x0D }
        if j < b.count { return !isSpace(b[j]) && b[j] < 0x80 && b[j] != 0x0D }
        return false
    }

    /// The bytes of simple text with each run of whitespace read as one space, none at either end.
    /// The whitespace of simple text is U+0009...U+000C, U+0020 (no U+000D there), U+0085, U+00A0
    /// and U+202F (`C2 85`, `C2 A0`, `E2 80 AF`).
    struct WordBytes: IteratorProtocol {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var started = false

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The length of the whitespace scalar at `i`, or 0.
        private func whitespace(at i: Int) -> Int {
            let byte = bytes[i]
            if byte == 0x20 || (0x09...0x0C).contains(byte) { return 1 }
            if byte == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 || bytes[i + 1] == 0xA0 { return 2 }
            if byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xAF { return 3 }
            return 0
        }

        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            var skipped = false
            while index < bytes.count {
                let length = whitespace(at: index)
                guard length > 0 else { break }
                index += length
                skipped = true
            }
            guard index < bytes.count else { return nil }
            if skipped && started { return 0x20 }
            started = true
            defer { index += 1 }
            return bytes[index]
        }
    }
}
