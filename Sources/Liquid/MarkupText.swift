#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text the Liquid lexer and parsers read, unit by unit: the decoded Unicode scalars (the
/// definition, `[Unicode.Scalar]`) or the source's UTF-8 bytes (``UTF8Markup``, what
/// `LiquidTemplate.parse` reads). Every character the lexer and the parsers look for is ASCII, and
/// an ASCII character is one unit either way, with the same value; a byte of a multi-byte scalar
/// (0x80 and above) reads as a scalar that is no ASCII character, so it matches nothing they look
/// for, as the scalar it belongs to does not. Offsets into the text are in units; the ranges a
/// template reports are in Unicode scalars (``scalarOffset(_:)``).
protocol MarkupText {
    /// The number of units.
    var count: Int { get }
    /// The unit at `index` (`0..<count`), as a scalar: the scalar itself, or an ASCII byte's scalar
    /// (a byte of 0x80 and above gives the scalar of that value, no ASCII character).
    subscript(_ index: Int) -> Unicode.Scalar { get }
    /// The Unicode-scalar offset of unit offset `offset`, a scalar boundary in `0...count`.
    func scalarOffset(_ offset: Int) -> Int
    /// The scalar that starts at unit `index` (a scalar boundary) and how many units it spans.
    func scalar(at index: Int) -> (scalar: Unicode.Scalar, width: Int)
    /// The text of the units `range` (scalar boundaries).
    func string(_ range: Range<Int>) -> String
    /// The source text of units `range` (scalar boundaries), sharing the source's storage; `slicer` is
    /// the source's, for a text that must find the bytes of its units.
    func substring(_ range: Range<Int>, slicer: inout SourceSlicer) -> Substring
    /// The offset of the next `{{` or `{%` at or after `start` (``LiquidDelimiters/nextOpening(from:)``).
    func nextOpening(from start: Int) -> Int?
    /// The end of the run of word units (``LiquidDelimiters/isWordScalar(_:)``) and `-` from `start`, at
    /// most `end` (``wordEndByScalars(from:upTo:)``, the definition).
    func wordEnd(from start: Int, upTo end: Int) -> Int
    /// The offset of the next `first` followed by `}` at or after `start` (``LiquidDelimiters/closing(_:from:)``).
    func closing(_ first: Unicode.Scalar, from start: Int) -> Int?
}

extension Array: MarkupText where Element == Unicode.Scalar {
    func scalarOffset(_ offset: Int) -> Int { offset }

    func wordEnd(from start: Int, upTo end: Int) -> Int { wordEndByScalars(from: start, upTo: end) }

    func scalar(at index: Int) -> (scalar: Unicode.Scalar, width: Int) { (self[index], 1) }

    func string(_ range: Range<Int>) -> String { ScalarText.string(self[range]) }

    func substring(_ range: Range<Int>, slicer: inout SourceSlicer) -> Substring { slicer.text(range, of: self) }

    func nextOpening(from start: Int) -> Int? {
        withUnsafeBufferPointer { buffer in
            // `i + 1 < buffer.count` keeps both reads within the buffer (no bounds check a scalar).
            var i = Swift.max(start, 0)
            while i + 1 < buffer.count {
                if buffer[i] == "{" {
                    let next = buffer[i + 1]
                    if next == "{" || next == "%" { return i }
                }
                i += 1
            }
            return nil
        }
    }

    func closing(_ first: Unicode.Scalar, from start: Int) -> Int? {
        withUnsafeBufferPointer { buffer in
            // `i + 1 < buffer.count` keeps both reads within the buffer (no bounds check a scalar).
            var i = Swift.max(start, 0)
            while i + 1 < buffer.count {
                if buffer[i] == first && buffer[i + 1] == "}" { return i }
                i += 1
            }
            return nil
        }
    }
}

/// A source's UTF-8 bytes read as ``MarkupText``: no scalar decoded, offsets in bytes.
///
/// A byte offset on a scalar boundary becomes a scalar offset by subtracting the continuation bytes
/// (`10xxxxxx`) before it: ``Storage/continuations`` holds, for each word of eight bytes, their
/// number before it and which of its own bytes are some, so that one entry answers (a source that is
/// all ASCII has no table: offsets are equal). Held in one object: the lexer and every expression
/// parser keep a copy, which retains one reference.
struct UTF8Markup: MarkupText {
    private final class Storage {
        /// The source, which text nodes are slices of.
        let source: String
        /// Its UTF-8 bytes.
        let bytes: [UInt8]
        /// At `k`, for `k` in `0...bytes.count / 8` (the last word may be partial, or empty): the
        /// continuation bytes before byte `8k`, shifted left by 8, and in the low 8 bits which bytes of
        /// the word are continuation bytes (bit `j` for byte `8k + j`). Empty when the source is ASCII.
        let continuations: [Int]

        init(_ source: String) {
            self.source = source
            let bytes = Array(source.utf8)
            self.bytes = bytes
            continuations = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return [] }
                let count = buffer.count
                let words = count / 8
                // The first word with a byte of 0x80 or above (their high bits set); `8 * k + 8 <= count`
                // for `k < words` keeps each load within the buffer.
                var first = 0
                while first < words,
                    UnsafeRawPointer(base + 8 * first).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    first += 1
                }
                if first == words {
                    var i = 8 * words
                    while i < count && buffer[i] < 0x80 { i += 1 }
                    guard i < count else { return [] }
                }
                return [Int](unsafeUninitializedCapacity: words + 1) { table, initialized in
                    // The words before `first` are ASCII: no continuation byte.
                    var k = 0
                    while k < first {
                        table.initializeElement(at: k, to: 0)
                        k += 1
                    }
                    var before = 0
                    // `k < words`: the load of word `k` is within the buffer, its entry within the table.
                    while k < words {
                        let word = UInt64(littleEndian: UnsafeRawPointer(base + 8 * k).loadUnaligned(as: UInt64.self))
                        let mask = Self.continuationMask(word)
                        table.initializeElement(at: k, to: before << 8 | mask)
                        before += mask.nonzeroBitCount
                        k += 1
                    }
                    // The last word, partial: its bytes `8 * words ..< count` one by one.
                    var mask = 0
                    for j in 0..<(count - 8 * words) where buffer[8 * words + j] & 0xC0 == 0x80 { mask |= 1 << j }
                    table.initializeElement(at: words, to: before << 8 | mask)
                    initialized = words + 1
                }
            }
        }

        /// Which bytes of `word` (read little-endian) are continuation bytes (`10xxxxxx`): bit `j` set for
        /// byte `j`. The bytes' marks (their high bit set, the next clear), at bits `8j + 7`, are shifted
        /// to `8j` and gathered by one multiplication into bits 49 to 56: the product adds `x << 7m`
        /// for `m` in `0...7`, and byte `j`'s mark lands at bit `49 + j` from `m = 7 - j` alone (every
        /// other term puts it at `8j + 7m`, which is not in `49...56`; no carry reaches them, as no two
        /// terms share a bit).
        static func continuationMask(_ word: UInt64) -> Int {
            let marks = (word & ~(word << 1) & 0x8080_8080_8080_8080) >> 7
            return Int(truncatingIfNeeded: (marks &* 0x0002_0408_1020_4081) >> 49 & 0xFF)
        }
    }

    private let storage: Storage

    init(_ source: String) { storage = Storage(source) }

    private var bytes: [UInt8] { storage.bytes }

    var count: Int { bytes.count }

    subscript(_ index: Int) -> Unicode.Scalar { Unicode.Scalar(bytes[index]) }

    // Inlined into the lexers, which convert two offsets a token: the call cost as much as the answer.
    @inline(__always)
    func scalarOffset(_ offset: Int) -> Int {
        let table = storage.continuations
        guard !table.isEmpty, offset > 0 else { return offset }
        // Past the end (no caller asks), the scalars up to the end and one a byte after: the last entry
        // counts every continuation byte of the source.
        guard offset <= count else {
            let last = table[table.count - 1]
            return offset - (last >> 8) - (last & 0xFF).nonzeroBitCount
        }
        // `offset` is in `1...count`: its word, `offset / 8`, is within the table; the continuation bytes
        // of that word before `offset` are the mask's bits below `offset % 8`.
        let entry = table[offset >> 3]
        let below = (1 << (offset & 7)) - 1
        return offset - (entry >> 8) - (entry & below).nonzeroBitCount
    }

    func scalar(at index: Int) -> (scalar: Unicode.Scalar, width: Int) {
        let lead = bytes[index]
        guard lead >= 0x80 else { return (Unicode.Scalar(lead), 1) }
        let width = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        let end = Swift.min(index + width, bytes.count)
        let scalar = String(decoding: bytes[index..<end], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        return (scalar, end - index)
    }

    func string(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
    }

    func substring(_ range: Range<Int>, slicer: inout SourceSlicer) -> Substring { substring(range) }

    /// The text of the bytes `range` (scalar boundaries within the source), sharing the source's storage.
    func substring(_ range: Range<Int>) -> Substring {
        guard !range.isEmpty else { return "" }
        let source = storage.source
        let utf8 = source.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        // Made from the UTF-8 view's slice: the same bounds and text as `source[start..<end]`, without
        // its check that each bound starts a scalar (they do: `range` is on scalar boundaries).
        return Substring(utf8[start..<end])
    }

    func nextOpening(from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            var i = Swift.max(start, 0)
            // Each `{` found by `memchr`, which reads the `count - i` bytes from `i`, within the buffer;
            // `found + 1 < count` keeps the byte after it within too.
            while i + 1 < count, let pointer = memchr(base + i, Int32(UInt8(ascii: "{")), count - i) {
                let found = base.distance(to: pointer.assumingMemoryBound(to: UInt8.self))
                guard found + 1 < count else { return nil }
                let next = buffer[found + 1]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") { return found }
                i = found + 1
            }
            return nil
        }
    }

    func closing(_ first: Unicode.Scalar, from start: Int) -> Int? {
        guard first.isASCII else { return nil }
        let wanted = UInt8(first.value)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            var i = Swift.max(start, 0)
            // As in `nextOpening`: `memchr` reads within the buffer, `found + 1 < count` the byte after.
            while i + 1 < count, let pointer = memchr(base + i, Int32(wanted), count - i) {
                let found = base.distance(to: pointer.assumingMemoryBound(to: UInt8.self))
                guard found + 1 < count else { return nil }
                if buffer[found + 1] == UInt8(ascii: "}") { return found }
                i = found + 1
            }
            return nil
        }
    }
}

extension UTF8Markup {
    func wordEnd(from start: Int, upTo end: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            // `j < limit <= buffer.count` keeps each read within the buffer.
            let limit = Swift.min(end, buffer.count)
            var j = Swift.max(start, 0)
            while j < limit && Self.isWordByte(buffer[j]) { j += 1 }
            return Swift.max(j, start)
        }
    }

    /// Whether `byte` is a word unit or `-`: `isWordScalar(Unicode.Scalar(byte)) || byte == "-"` (a byte
    /// of 0x80 and above is neither). Setting bit 5 maps `A`–`Z` onto `a`–`z`, and only them and
    /// `a`–`z` themselves land there.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }
}

extension MarkupText {
    /// The end of the run of units from `start` that are word scalars or `-`, at most `end`, read
    /// unit by unit: the definition of ``wordEnd(from:upTo:)``.
    func wordEndByScalars(from start: Int, upTo end: Int) -> Int {
        var j = start
        while j < end && (LiquidDelimiters.isWordScalar(self[j]) || self[j] == "-") { j += 1 }
        return j
    }

    /// The name of the tag whose inside starts at `start` and ends at `end`
    /// (``LiquidDelimiters/tagName(from:upTo:)``), with its range in units.
    func tagName(from start: Int, upTo end: Int) -> (name: String, range: Range<Int>) {
        let range = tagNameRange(from: start, upTo: end)
        return (string(range), range)
    }

    /// The range of ``tagName(from:upTo:)``'s name, without making its text.
    func tagNameRange(from start: Int, upTo end: Int) -> Range<Int> {
        let end = Swift.min(end, count)
        var j = Swift.max(start, 0)
        while j < end && LiquidDelimiters.isWhitespace(self[j]) { j += 1 }
        let nameStart = j
        if j < end && self[j] == "#" {
            j += 1
        } else {
            while j < end && LiquidDelimiters.isWordScalar(self[j]) { j += 1 }
        }
        return nameStart..<j
    }

    /// The name of tag `token`: its ``TagName``'s, or the text of its name range for any other.
    func name(of token: RawToken) -> String {
        token.tag == .other ? string(token.nameRange) : token.tag.rawValue
    }

    /// Whether units `range` are the ASCII text `name`, unit for unit.
    func holds(_ name: String, at range: Range<Int>) -> Bool {
        var i = range.lowerBound
        for byte in name.utf8 {
            guard i < range.upperBound, self[i] == Unicode.Scalar(byte) else { return false }
            i += 1
        }
        return i == range.upperBound
    }

    /// Which construct opens at `index` (`{{` or `{%`), if any.
    func opening(at index: Int) -> LiquidDelimiters.Construct? {
        guard index >= 0, index + 1 < count, self[index] == "{" else { return nil }
        switch self[index + 1] {
        case "{": return .output
        case "%": return .tag
        default: return nil
        }
    }

    /// The offset of the closing delimiter of `construct` (``LiquidDelimiters/closing(_:from:)``).
    func closing(_ construct: LiquidDelimiters.Construct, from start: Int) -> Int? {
        closing(construct == .output ? "}" : "%", from: start)
    }

    /// The first tag named `name` at or after `start` (``LiquidDelimiters/endTag(named:from:)``).
    func endTag(named name: String, from start: Int) -> (start: Int, end: Int?)? {
        let wanted = Array(name.unicodeScalars)
        var search = Swift.max(start, 0)
        while let open = nextOpening(from: search) {
            guard opening(at: open) == .tag else {
                search = open + 1
                continue
            }
            var j = open + 2
            if j < count && self[j] == "-" { j += 1 }
            while j < count && LiquidDelimiters.isWhitespace(self[j]) { j += 1 }
            if matches(wanted, at: j),
                j + wanted.count >= count || !LiquidDelimiters.isWordScalar(self[j + wanted.count])
            {
                return (open, closing(.tag, from: j + wanted.count).map { $0 + 2 })
            }
            search = open + 2
        }
        return nil
    }

    private func matches(_ pattern: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + pattern.count <= count else { return false }
        for offset in pattern.indices where self[index + offset] != pattern[offset] { return false }
        return true
    }
}
