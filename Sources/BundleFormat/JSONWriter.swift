/// Writes ``JSONValue``s as bytes: canonical (compact) or pretty (two-space indent, final newline).
///
/// Strings are escaped minimally: `"` `\\` and the C0 controls (`\b \f \n \r \t`, others `\u00XX`);
/// everything else is written as UTF-8. Keys are sorted by their UTF-8 bytes, which is code point order.
///
/// The writer walks the value with an explicit stack of frames (no recursion, so depth is never a
/// concern) and appends bytes straight into one buffer: no intermediate strings.
public struct JSONWriter {
    /// Whether to indent.
    public var pretty: Bool

    /// Creates a writer.
    public init(pretty: Bool) {
        self.pretty = pretty
    }

    /// The bytes of `value`.
    public func write(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, into: &out)
        return out
    }

    /// Appends the bytes of `value` to `out`.
    public func write(_ value: JSONValue, into out: inout [UInt8]) {
        var single = OneForm(pretty: pretty)
        swap(&single.bytes, &out)
        Self.walk(value, into: &single, flushingAbove: nil) { _ in }
        swap(&single.bytes, &out)
        if pretty { out.append(UInt8(ascii: "\n")) }
    }

    /// Appends `value` as the member of an object nested `depth` levels deep (0: the top-level
    /// value): its lines indented as they are inside that object, without the final newline.
    func writeNested(_ value: JSONValue, depth: Int, into out: inout [UInt8]) {
        var single = OneForm(pretty: pretty)
        swap(&single.bytes, &out)
        Self.walk(value, into: &single, flushingAbove: nil, baseDepth: depth) { _ in }
        swap(&single.bytes, &out)
    }

    /// ``writeNested(_:depth:into:)`` into the pretty form, recording in `gaps` where it put white space
    /// between tokens: the canonical form is the pretty one without those ranges (the two forms differ in
    /// nothing else), so it is never written, only copied out of the pretty one (``WrittenEntry``).
    static func writeNested(_ value: JSONValue, depth: Int, pretty: inout [UInt8], gaps: inout [Range<Int>]) {
        var output = PrettyWithGaps()
        swap(&output.pretty, &pretty)
        swap(&output.gaps, &gaps)
        walk(value, into: &output, flushingAbove: nil, baseDepth: depth) { _ in }
        swap(&output.pretty, &pretty)
        swap(&output.gaps, &gaps)
    }

    /// Appends what comes before the member `key` of an object nested `depth` levels deep: a comma
    /// unless it is the first, the line break and indentation, the key and its colon.
    func writeMemberStart(_ key: String, first: Bool, depth: Int, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        newlineIndent(depth + 1, to: &out)
        Self.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
    }

    /// Appends the `}` that closes an object nested `depth` levels deep, opened by `{` and holding
    /// `count` members (`{}` when empty, as ``write(_:)`` writes it).
    func writeObjectEnd(count: Int, depth: Int, into out: inout [UInt8]) {
        if count > 0 { newlineIndent(depth, to: &out) }
        out.append(UInt8(ascii: "}"))
    }

    /// Writes `value` in chunks: `consume` receives the bytes whenever more than `chunkSize` are
    /// pending, and once more at the end; the concatenated chunks are `write(value)`.
    public func stream(_ value: JSONValue, chunkSize: Int = 1 << 16, _ consume: (UnsafeRawBufferPointer) -> Void) {
        var out = OneForm(pretty: pretty)
        out.bytes.reserveCapacity(chunkSize + 4096)
        Self.walk(value, into: &out, flushingAbove: chunkSize) { bytes in bytes.withUnsafeBytes(consume) }
        if pretty { out.bytes.append(UInt8(ascii: "\n")) }
        out.bytes.withUnsafeBytes(consume)
    }

    /// One open array or object: its items (or sorted keys and members) and the next to write.
    private enum Frame {
        case array([JSONValue], next: Int)
        case object(keys: [String], members: [String: JSONValue], next: Int)
    }

    /// Appends `value`, without the final newline, its nesting counted from `baseDepth`.
    private static func walk<Output: JSONOutput>(
        _ value: JSONValue, into out: inout Output, flushingAbove limit: Int?, baseDepth: Int = 0,
        flush: ([UInt8]) -> Void
    ) {
        var stack: [Frame] = []
        var pending: JSONValue? = value
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: out.append("null")
                case .bool(let b): out.append(b ? "true" : "false")
                case .int(let i): out.appendInteger(i)
                case .string(let s): out.appendString(s)
                case .array(let items):
                    if items.isEmpty {
                        out.append("[]")
                    } else {
                        out.append(byte: UInt8(ascii: "["))
                        stack.append(.array(items, next: 0))
                    }
                case .object(let members):
                    if members.isEmpty {
                        out.append("{}")
                    } else {
                        out.append(byte: UInt8(ascii: "{"))
                        let keys = members.keys.sorted(by: keyPrecedes)
                        stack.append(.object(keys: keys, members: members, next: 0))
                    }
                }
                if let limit, out.pendingCount > limit { out.flush(flush) }
            }
            guard let frame = stack.popLast() else { break }
            // The popped frame's depth is the number of frames still below it.
            let depth = baseDepth + stack.count
            switch frame {
            case .array(let items, let next):
                if next == items.count {
                    out.newlineIndent(depth)
                    out.append(byte: UInt8(ascii: "]"))
                    continue
                }
                if next > 0 { out.append(byte: UInt8(ascii: ",")) }
                out.newlineIndent(depth + 1)
                pending = items[next]
                stack.append(.array(items, next: next + 1))
            case .object(let keys, let members, let next):
                if next == keys.count {
                    out.newlineIndent(depth)
                    out.append(byte: UInt8(ascii: "}"))
                    continue
                }
                if next > 0 { out.append(byte: UInt8(ascii: ",")) }
                out.newlineIndent(depth + 1)
                let key = keys[next]
                out.appendString(key)
                out.append(byte: UInt8(ascii: ":"))
                out.space()
                pending = members[key] ?? .null
                stack.append(.object(keys: keys, members: members, next: next + 1))
            }
        }
    }

    /// Whether the key `a` sorts before `b` in what this writer writes: by their UTF-8 bytes (which is code
    /// point order), as `a.utf8.lexicographicallyPrecedes(b.utf8)` says, compared over contiguous bytes
    /// rather than through the generic sequence walk.
    public static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let compared = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                // Both buffers are read below `min(a.count, b.count)` only.
                for index in 0..<min(a.count, b.count) where a[index] != b[index] { return a[index] < b[index] }
                return a.count < b.count
            }
        }
        if let compared, let compared { return compared }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private func newlineIndent(_ depth: Int, to out: inout [UInt8]) {
        if pretty { Self.appendNewlineIndent(depth, to: &out) }
    }

    /// A line break then `depth` levels of two-space indentation.
    static func appendNewlineIndent(_ depth: Int, to out: inout [UInt8]) {
        let length = 1 + depth * 2
        guard length <= newlineIndentation.count else {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
            return
        }
        // One copy out of a constant line break and indentation (`length` is within it).
        newlineIndentation.withUnsafeBufferPointer {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<length]))
        }
    }

    /// A line break and 32 levels of indentation, of which ``appendNewlineIndent(_:to:)`` copies the start.
    private static let newlineIndentation = [UInt8(ascii: "\n")] + [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// Appends the decimal digits of `value` (with `-` when negative).
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so `Int.min` works too.
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// Appends `string` quoted and escaped (see ``JSONWriter``).
    static func appendString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendEscaped($0, quoted: true, to: &out) }
    }

    /// Appends `bytes` escaped as in a JSON string (see ``JSONWriter``), between quotes when `quoted`.
    ///
    /// One pass over the bytes, eight at a time (``escapeMask(_:)``), writing through a pointer into the
    /// output grown beforehand by the text's length and some room for escapes (more room made in the rare
    /// case it runs out), then cut to what was written. Each word of eight bytes is stored whole at the
    /// write position before it is looked at: a word with nothing to escape (nearly all) costs a load, a
    /// store and the mask; in one with an escape, the bytes before the first flagged one are kept, the
    /// escape is written after them and the scan resumes just past the escaped byte (so no run is copied
    /// twice, and none with a call).
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, quoted: Bool, to out: inout [UInt8]) {
        let count = bytes.count
        let quote = UInt8(ascii: "\"")
        if quoted { out.append(quote) }
        // A text with nothing to escape (keys, most short values) is copied with one append.
        let first = bytes.baseAddress.map { firstEscape(in: $0, count: count) } ?? count
        guard first < count else {
            out.append(contentsOf: bytes)
            if quoted { out.append(quote) }
            return
        }
        let closing = quoted ? 1 : 0
        // Where the next write goes, and the first source byte not yet written: the bytes before the first
        // escape are written by the copy that makes the room.
        var outerWritten = out.count + first
        var outerIndex = first
        out.append(contentsOf: bytes)
        appendPadding(count / 16 + 7, to: &out)
        while true {
            let finished = out.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let target = buffer.baseAddress, let source = bytes.baseAddress else { return true }
                let limit = buffer.count
                // The state in locals (registers) for the loop, handed back on the way out. The invariant
                // of the loop, checked before every escape is written: `written + (count - index) + closing
                // <= limit`, what is left of the source fits unescaped, the closing quote after it.
                var (written, index) = (outerWritten, outerIndex)
                defer { (outerWritten, outerIndex) = (written, index) }
                // The invariant with an escape of up to 6 bytes in place of the byte at `index`, in one
                // comparison: `written + 6 + (count - index - 1) + closing <= limit`. Every sum below is of
                // offsets within the buffers, far from overflowing.
                let slack = limit &- count &- closing &- 5
                // A word is loaded only when 8 bytes remain from `index` (`index + 8 <= count`), and stored
                // at `written`, where `written + 8 <= written + count - index <= limit` by the invariant.
                while count &- index >= 8 {
                    let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                    UnsafeMutableRawPointer(target + written).storeBytes(of: word, as: UInt64.self)
                    let mask = escapeMask(UInt64(littleEndian: word))
                    if mask == 0 {
                        index &+= 8
                        written &+= 8
                        continue
                    }
                    // The lowest flag is the first byte to escape (``escapeMask(_:)``): the bytes before it
                    // are written already.
                    let clean = mask.trailingZeroBitCount &>> 3
                    index &+= clean
                    written &+= clean
                    let byte = source[index]
                    guard needsEscape(byte) else {
                        index &+= 1
                        written &+= 1
                        continue
                    }
                    guard written &- index <= slack else { return false }
                    written &+= writeEscape(of: byte, at: target + written)
                    index &+= 1
                }
                while index < count {
                    let byte = source[index]
                    if needsEscape(byte) {
                        guard written &- index <= slack else { return false }
                        written &+= writeEscape(of: byte, at: target + written)
                    } else {
                        // `written < written + count - index + closing <= limit`.
                        target[written] = byte
                        written &+= 1
                    }
                    index &+= 1
                }
                if quoted {
                    target[written] = quote
                    written += 1
                }
                return true
            }
            if finished { break }
            // Out of room: more, then the scan resumes at the escape that did not fit.
            appendPadding(count / 4 + 8, to: &out)
        }
        out.removeLast(out.count - outerWritten)
    }

    /// Room for escapes: `count` bytes (their value does not matter, they are overwritten or cut), appended
    /// from a constant buffer rather than element by element.
    private static func appendPadding(_ count: Int, to out: inout [UInt8]) {
        var left = count
        while left > 0 {
            let part = min(left, padding.count)
            padding.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<part])) }
            left -= part
        }
    }

    private static let padding = [UInt8](repeating: UInt8(ascii: "\""), count: 256)

    /// The offset of the first byte of `source` (`count` bytes) that needs an escape, `count` when none does
    /// (or, should ``escapeMask(_:)`` flag a byte that does not need one, at most that byte's offset: the
    /// caller checks each byte it escapes).
    @inline(__always)
    static func firstEscape(in source: UnsafePointer<UInt8>, count: Int) -> Int {
        var index = 0
        // A word is loaded only when 8 bytes remain from `index` (`index + 8 <= count`).
        while count &- index >= 8 {
            let mask = escapeMask(UInt64(littleEndian: UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)))
            if mask != 0 { return index &+ mask.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        while index < count, !needsEscape(source[index]) { index &+= 1 }
        return index
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The length of the escape of `byte` (a C0 control, `"` or `\\`): 2, or 6 for `\u00XX`.
    @inline(__always)
    private static func escapeLength(of byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x0C, 0x0A, 0x0D, 0x09: 2
        default: 6
        }
    }

    /// Writes the escape of `byte` at `target`: a backslash, then `"`, a backslash, `b`, `f`, `n`, `r` or
    /// `t`, or `u00` and two lowercase hex digits; `target` has room for ``escapeLength(of:)`` bytes.
    /// Returns that length.
    @inline(__always)
    private static func writeEscape(of byte: UInt8, at target: UnsafeMutablePointer<UInt8>) -> Int {
        target[0] = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""): target[1] = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): target[1] = UInt8(ascii: "\\")
        case 0x08: target[1] = UInt8(ascii: "b")
        case 0x0C: target[1] = UInt8(ascii: "f")
        case 0x0A: target[1] = UInt8(ascii: "n")
        case 0x0D: target[1] = UInt8(ascii: "r")
        case 0x09: target[1] = UInt8(ascii: "t")
        default:
            target[1] = UInt8(ascii: "u")
            target[2] = UInt8(ascii: "0")
            target[3] = UInt8(ascii: "0")
            target[4] = hexDigit(byte >> 4)
            target[5] = hexDigit(byte & 0xF)
            return 6
        }
        return 2
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// The high bit of each of the 8 bytes of `word` (little-endian: the first byte lowest) that is a C0
    /// control, `"` or `\\`, possibly with false flags above the lowest one. SWAR ("Bit Twiddling Hacks":
    /// a byte less than n, a zero byte): a borrow only starts at a byte that matches, so zero means none
    /// matches and the lowest flag is the first match; bytes of 0x80 and above never match.
    @inline(__always)
    static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & high
    }
}

/// Where ``JSONWriter``'s walk writes: one form, or the canonical and pretty forms at once.
protocol JSONOutput {
    /// The bytes written and not yet flushed (the pretty form's, when both are written).
    var pendingCount: Int { get }
    mutating func append(byte: UInt8)
    mutating func append(_ literal: StaticString)
    mutating func appendInteger(_ value: Int)
    mutating func appendString(_ string: String)
    /// A line break then `depth` levels of indentation, in the pretty form only.
    mutating func newlineIndent(_ depth: Int)
    /// The space after a key's colon, in the pretty form only.
    mutating func space()
    /// Hands the pending bytes to `flush` and forgets them.
    mutating func flush(_ flush: ([UInt8]) -> Void)
}

/// One form, canonical or pretty.
struct OneForm: JSONOutput {
    var bytes: [UInt8] = []
    let pretty: Bool

    init(pretty: Bool) { self.pretty = pretty }

    var pendingCount: Int { bytes.count }
    mutating func append(byte: UInt8) { bytes.append(byte) }
    mutating func append(_ literal: StaticString) { literal.withUTF8Buffer { bytes.append(contentsOf: $0) } }
    mutating func appendInteger(_ value: Int) { JSONWriter.appendInteger(value, to: &bytes) }
    mutating func appendString(_ string: String) { JSONWriter.appendString(string, to: &bytes) }

    mutating func newlineIndent(_ depth: Int) {
        if pretty { JSONWriter.appendNewlineIndent(depth, to: &bytes) }
    }

    mutating func space() {
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    mutating func flush(_ flush: ([UInt8]) -> Void) {
        flush(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// The pretty form, and the ranges of it that are white space between tokens (a line break and its
/// indentation, the space after a key's colon): what the canonical form leaves out.
struct PrettyWithGaps: JSONOutput {
    var pretty: [UInt8] = []
    var gaps: [Range<Int>] = []

    var pendingCount: Int { pretty.count }
    mutating func append(byte: UInt8) { pretty.append(byte) }
    mutating func append(_ literal: StaticString) { literal.withUTF8Buffer { pretty.append(contentsOf: $0) } }
    mutating func appendInteger(_ value: Int) { JSONWriter.appendInteger(value, to: &pretty) }
    mutating func appendString(_ string: String) { JSONWriter.appendString(string, to: &pretty) }

    /// The string the texts of `pieces` join into, quoted and escaped: the pieces escaped beforehand copied.
    mutating func appendString(joining pieces: [JSONStringPiece]) {
        pretty.append(UInt8(ascii: "\""))
        for piece in pieces {
            switch piece {
            case .text(var text): text.withUTF8 { JSONWriter.appendEscaped($0, quoted: false, to: &pretty) }
            case .escaped(let escaped): pretty.append(contentsOf: escaped.escaped)
            case .utf8(let bytes):
                bytes.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, quoted: false, to: &pretty) }
            }
        }
        pretty.append(UInt8(ascii: "\""))
    }

    mutating func newlineIndent(_ depth: Int) {
        let start = pretty.count
        JSONWriter.appendNewlineIndent(depth, to: &pretty)
        gaps.append(start..<pretty.count)
    }

    mutating func space() {
        gaps.append(pretty.count..<(pretty.count + 1))
        pretty.append(UInt8(ascii: " "))
    }

    /// Not used: the stream writer hands on the entry whole.
    mutating func flush(_ flush: ([UInt8]) -> Void) {}
}
