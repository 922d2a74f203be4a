/// A JSON document as automail writes it: integers only (no floats), objects written with keys
/// sorted by Unicode code point, so the same value always gives the same bytes.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, if any.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// Writes ``JSONValue``s as bytes: canonical (compact) or pretty (two-space indent, final newline).
///
/// Strings are escaped minimally: `"` `\\` and the C0 controls (`\b \f \n \r \t`, others `\u00XX`);
/// everything else is written as UTF-8. Keys are sorted by their UTF-8 bytes, which is code point order.
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
        // Iterative writer: an explicit stack instead of recursion, so depth is never a concern.
        enum Step {
            case value(JSONValue, depth: Int)
            case raw(String)
            case newlineIndent(Int)
        }
        var stack: [Step] = [.value(value, depth: 0)]
        while let step = stack.popLast() {
            switch step {
            case .raw(let text):
                out.append(contentsOf: text.utf8)
            case .newlineIndent(let depth):
                if pretty {
                    out.append(UInt8(ascii: "\n"))
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
                }
            case .value(let value, let depth):
                switch value {
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .int(let i): out.append(contentsOf: String(i).utf8)
                case .string(let s): Self.appendString(s, to: &out)
                case .array(let items):
                    if items.isEmpty {
                        out.append(contentsOf: "[]".utf8)
                        continue
                    }
                    out.append(UInt8(ascii: "["))
                    var steps: [Step] = []
                    for (i, item) in items.enumerated() {
                        if i > 0 { steps.append(.raw(",")) }
                        steps.append(.newlineIndent(depth + 1))
                        steps.append(.value(item, depth: depth + 1))
                    }
                    steps.append(.newlineIndent(depth))
                    steps.append(.raw("]"))
                    stack.append(contentsOf: steps.reversed())
                case .object(let members):
                    if members.isEmpty {
                        out.append(contentsOf: "{}".utf8)
                        continue
                    }
                    out.append(UInt8(ascii: "{"))
                    let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                    var steps: [Step] = []
                    for (i, key) in keys.enumerated() {
                        if i > 0 { steps.append(.raw(",")) }
                        steps.append(.newlineIndent(depth + 1))
                        var keyBytes: [UInt8] = []
                        Self.appendString(key, to: &keyBytes)
                        steps.append(.raw(String(decoding: keyBytes, as: UTF8.self) + (pretty ? ": " : ":")))
                        steps.append(.value(members[key] ?? .null, depth: depth + 1))
                    }
                    steps.append(.newlineIndent(depth))
                    steps.append(.raw("}"))
                    stack.append(contentsOf: steps.reversed())
                }
            }
        }
        if pretty { out.append(UInt8(ascii: "\n")) }
        return out
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
