/// Byte-level helpers for the Character-level passes over text, with the condition under which
/// the two agree.
enum UTF8Text {
    /// Whether every Unicode scalar of `text` is its own Character, with a Character boundary on
    /// both sides: no `\r` (which joins a following `\n`) and no scalar from U+0300 up (combining
    /// marks, joiners, prepended marks, regional indicators, Hangul jamo all start there). Below
    /// U+0300 every scalar has the grapheme property Other or Control, which always breaks.
    ///
    /// On such text, searching, splitting and counting by UTF-8 bytes or scalars gives the answers
    /// Characters give. The test is on bytes: a lead byte from 0xCC up starts a scalar >= U+0300.
    static func isSimple(_ text: some StringProtocol) -> Bool {
        let answer = text.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where byte >= 0xCC || byte == 0x0D {
                // A continuation byte (0x80...0xBF) never reaches 0xCC.
                return false
            }
            return true
        }
        if let answer { return answer }
        return !text.utf8.contains { $0 >= 0xCC || $0 == 0x0D }
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
