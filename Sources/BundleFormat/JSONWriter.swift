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
        write(value, into: &out, flushingAbove: nil) { _ in }
        if pretty { out.append(UInt8(ascii: "\n")) }
    }

    /// Appends `value` as the member of an object nested `depth` levels deep (0: the top-level
    /// value): its lines indented as they are inside that object, without the final newline.
    func writeNested(_ value: JSONValue, depth: Int, into out: inout [UInt8]) {
        write(value, into: &out, flushingAbove: nil, baseDepth: depth) { _ in }
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
        var out: [UInt8] = []
        out.reserveCapacity(chunkSize + 4096)
        write(value, into: &out, flushingAbove: chunkSize) { bytes in bytes.withUnsafeBytes(consume) }
        if pretty { out.append(UInt8(ascii: "\n")) }
        out.withUnsafeBytes(consume)
    }

    /// One open array or object: its items (or sorted keys and members) and the next to write.
    private enum Frame {
        case array([JSONValue], next: Int)
        case object(keys: [String], members: [String: JSONValue], next: Int)
    }

    /// Appends `value`, without the final newline, its nesting counted from `baseDepth`.
    private func write(
        _ value: JSONValue, into out: inout [UInt8], flushingAbove limit: Int?, baseDepth: Int = 0,
        flush: ([UInt8]) -> Void
    ) {
        var stack: [Frame] = []
        var pending: JSONValue? = value
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: Self.append("null", to: &out)
                case .bool(let b): Self.append(b ? "true" : "false", to: &out)
                case .int(let i): Self.appendInteger(i, to: &out)
                case .string(let s): Self.appendString(s, to: &out)
                case .array(let items):
                    if items.isEmpty {
                        Self.append("[]", to: &out)
                    } else {
                        out.append(UInt8(ascii: "["))
                        stack.append(.array(items, next: 0))
                    }
                case .object(let members):
                    if members.isEmpty {
                        Self.append("{}", to: &out)
                    } else {
                        out.append(UInt8(ascii: "{"))
                        let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                        stack.append(.object(keys: keys, members: members, next: 0))
                    }
                }
                if let limit, out.count > limit {
                    flush(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            guard let frame = stack.popLast() else { break }
            // The popped frame's depth is the number of frames still below it.
            let depth = baseDepth + stack.count
            switch frame {
            case .array(let items, let next):
                if next == items.count {
                    newlineIndent(depth, to: &out)
                    out.append(UInt8(ascii: "]"))
                    continue
                }
                if next > 0 { out.append(UInt8(ascii: ",")) }
                newlineIndent(depth + 1, to: &out)
                pending = items[next]
                stack.append(.array(items, next: next + 1))
            case .object(let keys, let members, let next):
                if next == keys.count {
                    newlineIndent(depth, to: &out)
                    out.append(UInt8(ascii: "}"))
                    continue
                }
                if next > 0 { out.append(UInt8(ascii: ",")) }
                newlineIndent(depth + 1, to: &out)
                let key = keys[next]
                Self.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                pending = members[key] ?? .null
                stack.append(.object(keys: keys, members: members, next: next + 1))
            }
        }
    }

    private func newlineIndent(_ depth: Int, to out: inout [UInt8]) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends the decimal digits of `value` (with `-` when negative).
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so `Int.min` works too.
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
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

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole.
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
