/// Resolves plain scalars by the YAML 1.2 core schema.
///
/// - null: `null`, `Null`, `NULL`, `~` and the empty plain scalar.
/// - bool: `true`, `True`, `TRUE`, `false`, `False`, `FALSE` (`yes`, `no`, `on`, `off`, `y`, `n` are
///   strings, unlike YAML 1.1).
/// - int: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`. A decimal integer outside `Int`'s range
///   becomes the nearest `.float` (as a JSON reader would read it); an octal or hexadecimal one
///   outside `Int`'s range stays a `.string`, since a float would silently lose bits of what is
///   usually an identifier or mask.
/// - float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`,
///   `\.nan|\.NaN|\.NAN`.
/// - everything else, and every quoted or block scalar, is a string.
public enum CoreSchema {
    /// The value of `scalar` by the YAML 1.2 core schema.
    public static func resolve(_ scalar: YAMLScalar) -> YAMLValue {
        guard scalar.style == .plain else { return .string(scalar.text) }
        return resolvePlain(scalar.text)
    }

    /// The value of a plain scalar whose text is `text`.
    public static func resolvePlain(_ text: String) -> YAMLValue {
        // Every special form below has at most 5 bytes, and every number starts with a sign, a dot or a
        // digit: any other text is a string, decided without comparing or copying it.
        if text.utf8.count > 5, let first = text.utf8.first, !startsNumber(first) { return .string(text) }
        // A decimal integer of at most 18 digits (a priority, a count) is read on its bytes: what the path
        // below gives it (`Int(text)`), without an array of its bytes.
        if let value = smallDecimal(text) { return .int(value) }
        var utf8 = Array(text.utf8)
        // Every special form starts with a byte that is not a digit: a number (`1000`, a priority) skips
        // the comparisons with them.
        if utf8.first.map(isDigit) != true {
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
            case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
            case ".nan", ".NaN", ".NAN": return .float(.nan)
            default: break
            }
        }
        guard let first = utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || isDigit(first)
        else { return .string(text) }

        if utf8.count > 2, utf8[0] == UInt8(ascii: "0") {
            if utf8[1] == UInt8(ascii: "o"), utf8.dropFirst(2).allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                return Int(String(decoding: utf8.dropFirst(2), as: UTF8.self), radix: 8).map { .int($0) }
                    ?? .string(text)
            }
            if utf8[1] == UInt8(ascii: "x"), utf8.dropFirst(2).allSatisfy(isHexDigit) {
                return Int(String(decoding: utf8.dropFirst(2), as: UTF8.self), radix: 16).map { .int($0) }
                    ?? .string(text)
            }
        }
        let signLength = (first == UInt8(ascii: "-") || first == UInt8(ascii: "+")) ? 1 : 0
        let digits = utf8.dropFirst(signLength)
        if !digits.isEmpty, digits.allSatisfy(isDigit) {
            if let value = Int(text) { return .int(value) }
            if let value = Double(text) { return .float(value) }
            return .string(text)
        }
        guard isCoreFloat(utf8[...]) else { return .string(text) }
        // Swift's parser wants a digit after a trailing `.` in some forms; `1.` and `1.e5` are
        // completed to `1.0` and `1.0e5`.
        if let dot = utf8.firstIndex(of: UInt8(ascii: ".")),
            dot + 1 == utf8.count || !isDigit(utf8[dot + 1])
        {
            utf8.insert(UInt8(ascii: "0"), at: dot + 1)
        }
        if let value = Double(String(decoding: utf8, as: UTF8.self)) { return .float(value) }
        return .string(text)
    }

    /// The value of `text` when it matches `[-+]?[0-9]{1,18}`: `Int(text)`, which never overflows for 18
    /// digits; `nil` for any other text (`CoreSchemaTests` holds it to `Int(text)`).
    static func smallDecimal(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard let first = utf8.first, utf8.count <= 19 else { return nil }
        let negative = first == UInt8(ascii: "-")
        let signed = negative || first == UInt8(ascii: "+")
        let digits = utf8.count - (signed ? 1 : 0)
        guard digits >= 1, digits <= 18 else { return nil }
        var value = 0
        for byte in utf8.dropFirst(signed ? 1 : 0) {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return negative ? -value : value
    }

    /// Whether `s` matches `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    private static func isCoreFloat(_ s: ArraySlice<UInt8>) -> Bool {
        var i = s.startIndex
        let end = s.endIndex
        if i < end, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { i += 1 }
        var intDigits = 0
        while i < end, isDigit(s[i]) { i += 1; intDigits += 1 }
        if i < end, s[i] == UInt8(ascii: ".") {
            i += 1
            var fracDigits = 0
            while i < end, isDigit(s[i]) { i += 1; fracDigits += 1 }
            if intDigits == 0, fracDigits == 0 { return false }
        } else if intDigits == 0 {
            return false
        }
        if i < end, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { i += 1 }
            var expDigits = 0
            while i < end, isDigit(s[i]) { i += 1; expDigits += 1 }
            if expDigits == 0 { return false }
        }
        return i == end
    }

    private static func startsNumber(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || isDigit(b)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }
}
