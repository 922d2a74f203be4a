/// Byte-level helpers for the Character-level passes over text, with the condition under which
/// the two agree.
enum UTF8Text {
    /// Whether every Unicode scalar of `text` is its own Character, with a Character boundary on
    /// both sides: no `\r` (which joins a following `\n`), and only scalars below U+0300 or among the
    /// general punctuation U+2010...U+2027 and U+2030...U+205E (dashes, typographic quotes and
    /// apostrophes, ellipsis) and the currency signs U+20A0...U+20BF. Those all have the grapheme
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
        while i < count {
            let byte = bytes[i]
            if byte < 0xCC {
                // ASCII, a continuation byte or the lead of U+0080...U+02FF.
                if byte == 0x0D { return false }
                i += 1
                continue
            }
            guard byte == 0xE2, i + 2 < count else { return false }
            let scalar = (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F) | 0x2000
            guard (0x2010...0x2027).contains(scalar) || (0x2030...0x205E).contains(scalar)
                || (0x20A0...0x20BF).contains(scalar)
            else { return false }
            i += 3
        }
        return true
    }

    /// Whether `needle`'s UTF-8 bytes occur in `text`'s.
    static func contains(_ text: String, _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        var text = text
        return text.withUTF8 { firstOffset(of: pattern, in: $0, from: 0) } != nil
    }

    /// The UTF-8 offset of the first occurrence of `pattern` in `bytes[from...]`.
    static func firstOffset(of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = pattern.first else { return from }
        var i = from
        while i + pattern.count <= bytes.count {
            if bytes[i] == first {
                var k = 1
                while k < pattern.count, bytes[i + k] == pattern[k] { k += 1 }
                if k == pattern.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// Whether `a` and `b` hold the same words, in order: the same as comparing
/// `a.split(whereSeparator: \.isWhitespace).joined(separator: " ")` with the same of `b`, without
/// building either (by scalars when both texts are simple, where scalars are Characters).
public func haveSameWords(_ a: String, _ b: String) -> Bool {
    func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }
    guard UTF8Text.isSimple(a), UTF8Text.isSimple(b) else {
        return words(a).joined(separator: " ") == words(b).joined(separator: " ")
    }
    func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }
    let left = a.unicodeScalars.split(whereSeparator: isWhitespace)
    let right = b.unicodeScalars.split(whereSeparator: isWhitespace)
    return left.elementsEqual(right) { $0.elementsEqual($1) }
}
