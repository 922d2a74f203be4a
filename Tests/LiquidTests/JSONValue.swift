import Liquid

/// A small JSON reader for fixtures: keeps integers and floats apart (`5` vs `5.0`), as Liquid does.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    struct ParseError: Error { var message: String }

    static func parse(_ text: String) throws -> JSONValue {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.scalars.count else { throw ParseError(message: "trailing content") }
        return value
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    var liquid: LiquidValue {
        switch self {
        case .null: return .nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.liquid))
        case .object(let o): return .object(o.mapValues(\.liquid))
        }
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func skipWhitespace() {
            while index < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[index]) { index += 1 }
        }

        mutating func expect(_ scalar: Unicode.Scalar) throws {
            skipWhitespace()
            guard index < scalars.count, scalars[index] == scalar else {
                throw ParseError(message: "expected \(scalar) at \(index)")
            }
            index += 1
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
            for scalar in word.unicodeScalars { try expect(scalar) }
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 200 else { throw ParseError(message: "too deep") }
            skipWhitespace()
            guard index < scalars.count else { throw ParseError(message: "unexpected end") }
            switch scalars[index] {
            case "{":
                index += 1
                var object: [String: JSONValue] = [:]
                skipWhitespace()
                if index < scalars.count, scalars[index] == "}" { index += 1; return .object(object) }
                repeat {
                    skipWhitespace()
                    guard case .string(let key) = try value(depth: depth + 1) else { throw ParseError(message: "key") }
                    try expect(":")
                    object[key] = try value(depth: depth + 1)
                    skipWhitespace()
                    guard index < scalars.count else { throw ParseError(message: "unexpected end") }
                    index += 1
                    if scalars[index - 1] == "}" { return .object(object) }
                    guard scalars[index - 1] == "," else { throw ParseError(message: "expected , at \(index)") }
                } while true
            case "[":
                index += 1
                var array: [JSONValue] = []
                skipWhitespace()
                if index < scalars.count, scalars[index] == "]" { index += 1; return .array(array) }
                repeat {
                    array.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard index < scalars.count else { throw ParseError(message: "unexpected end") }
                    index += 1
                    if scalars[index - 1] == "]" { return .array(array) }
                    guard scalars[index - 1] == "," else { throw ParseError(message: "expected , at \(index)") }
                } while true
            case "\"":
                index += 1
                var result = String.UnicodeScalarView()
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\" {
                        index += 1
                        guard index < scalars.count else { break }
                        switch scalars[index] {
                        case "n": result.append("\n")
                        case "t": result.append("\t")
                        case "r": result.append("\r")
                        case "b": result.append("\u{08}")
                        case "f": result.append("\u{0C}")
                        case "u":
                            var code = try hex4()
                            if (0xD800..<0xDC00).contains(code), index + 2 < scalars.count,
                                scalars[index + 1] == "\\", scalars[index + 2] == "u"
                            {
                                index += 2
                                let low = try hex4()
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            }
                            result.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                        default: result.append(scalars[index])
                        }
                    } else {
                        result.append(scalars[index])
                    }
                    index += 1
                }
                index += 1
                return .string(String(result))
            case "t": return try literal("true", .bool(true))
            case "f": return try literal("false", .bool(false))
            case "n": return try literal("null", .null)
            default:
                let start = index
                var isFloat = false
                while index < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[index]) {
                    if [".", "e", "E"].contains(scalars[index]) { isFloat = true }
                    index += 1
                }
                let text = String(String.UnicodeScalarView(scalars[start..<index]))
                if !isFloat, let int = Int(text) { return .int(int) }
                guard let double = Double(text) else { throw ParseError(message: "bad number \(text)") }
                return .double(double)
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 < scalars.count else { throw ParseError(message: "bad escape") }
            let text = String(String.UnicodeScalarView(scalars[(index + 1)...(index + 4)]))
            index += 4
            guard let code = UInt32(text, radix: 16) else { throw ParseError(message: "bad escape") }
            return code
        }
    }
}
