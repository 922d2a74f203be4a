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
    /// The offset of the next `first` followed by `}` at or after `start` (``LiquidDelimiters/closing(_:from:)``).
    func closing(_ first: Unicode.Scalar, from start: Int) -> Int?
}

extension Array: MarkupText where Element == Unicode.Scalar {
    func scalarOffset(_ offset: Int) -> Int { offset }

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
/// before it: for each scalar of more than one byte, in order, ``Storage/table`` holds its offset and
/// how many continuation bytes the source has up to the end of it, so that a binary search answers (a
/// source that is all ASCII has none: offsets are equal). Held in one object: the lexer and every
/// expression parser keep a copy, which retains one reference.
struct UTF8Markup: MarkupText {
    private final class Storage {
        /// The source, which text nodes are slices of.
        let source: String
        /// Its UTF-8 bytes.
        let bytes: [UInt8]
        /// For the `k`th scalar of two bytes or more: at `2k` its byte offset, at `2k + 1` the
        /// continuation bytes up to its end.
        let table: [Int]

        init(_ source: String) {
            self.source = source
            let bytes = Array(source.utf8)
            self.bytes = bytes
            table = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return [] }
                let count = buffer.count
                // The lead bytes of multi-byte scalars (`11xxxxxx`) counted first, eight bytes at a time, so
                // that the table is allocated once at its size. `i + 8 <= count` keeps each load within the
                // buffer.
                var leads = 0
                var i = 0
                while i + 8 <= count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    leads += (word & (word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
                    i += 8
                }
                while i < count {
                    if buffer[i] >= 0xC0 { leads += 1 }
                    i += 1
                }
                guard leads > 0 else { return [] }
                return [Int](unsafeUninitializedCapacity: 2 * leads) { table, initialized in
                    var n = 0
                    var i = 0
                    var continuations = 0
                    // Records the lead byte at `offset`. The source is valid UTF-8 (a `String`'s bytes): the
                    // lead byte gives the scalar's width, and the continuation bytes up to its end are
                    // counted at its lead. `n + 2 <= 2 * leads`: one entry for each lead byte counted above.
                    func record(_ offset: Int) {
                        guard n + 2 <= 2 * leads else { return }
                        let lead = buffer[offset]
                        continuations += lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3
                        table.initializeElement(at: n, to: offset)
                        table.initializeElement(at: n + 1, to: continuations)
                        n += 2
                    }
                    // Eight bytes at a time (`i + 8 <= count` keeps the load within the buffer): the lead
                    // bytes of a word, the bytes whose two high bits are set, found by their bits in order
                    // (a scalar that runs on into the next word has its lead here and only continuation
                    // bytes, `10xxxxxx`, there).
                    while i + 8 <= count {
                        let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                        var leadBits = word & (word << 1) & 0x8080_8080_8080_8080
                        while leadBits != 0 {
                            // Read little-endian: bit `8k + 7` is byte `i + k`'s high bit.
                            record(i + leadBits.trailingZeroBitCount / 8)
                            leadBits &= leadBits - 1
                        }
                        i += 8
                    }
                    while i < count {
                        if buffer[i] >= 0xC0 { record(i) }
                        i += 1
                    }
                    initialized = n
                }
            }
        }
    }

    private let storage: Storage

    init(_ source: String) { storage = Storage(source) }

    private var bytes: [UInt8] { storage.bytes }

    var count: Int { bytes.count }

    subscript(_ index: Int) -> Unicode.Scalar { Unicode.Scalar(bytes[index]) }

    func scalarOffset(_ offset: Int) -> Int {
        let table = storage.table
        guard table.count >= 2, offset > table[0] else { return offset }
        // The number of multi-byte scalars that start before `offset`: each ends before it too, as
        // `offset` is a scalar boundary.
        var low = 0
        var high = table.count / 2
        while low < high {
            let middle = (low + high) / 2
            if table[2 * middle] < offset { low = middle + 1 } else { high = middle }
        }
        return offset - table[2 * low - 1]
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
        return source[start..<end]
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

extension MarkupText {
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
