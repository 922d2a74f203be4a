/// A value a template reads from its context or computes: the JSON-like data model of Liquid.
public indirect enum LiquidValue: Sendable, Hashable {
    /// Liquid's `nil`; also what an undefined variable evaluates to.
    case `nil`
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number.
    case int(Int)
    /// A floating-point number, rendered the way Ruby prints floats (`5.0`, `1.0e+16`).
    case double(Double)
    /// A string.
    case string(String)
    /// An array; rendered as its elements joined without separator.
    case array([LiquidValue])
    /// An object (a hash in Ruby, a dict in Python).
    case object([String: LiquidValue])
}

/// A value during evaluation: a plain value, or one of the special literals `blank` and `empty`.
enum Value: Sendable, Equatable {
    case plain(LiquidValue)
    case blank
    case empty

    static let `nil` = Value.plain(.nil)

    /// The value filters and outputs see: `blank` and `empty` behave as the empty string.
    var lowered: LiquidValue {
        switch self {
        case .plain(let value): return value
        case .blank, .empty: return .string("")
        }
    }

    /// Liquid truthiness: only `nil` and `false` are falsy.
    var isTruthy: Bool {
        switch self {
        case .plain(.nil), .plain(.bool(false)): return false
        default: return true
        }
    }
}

extension LiquidValue {
    /// Whether the value is `""`, `[]` or `{}` (Ruby's `empty?`).
    var isEmptyCollection: Bool {
        switch self {
        case .string(let string): return string.isEmpty
        case .array(let array): return array.isEmpty
        case .object(let object): return object.isEmpty
        default: return false
        }
    }

    /// Whether the value is blank: `nil`, `false`, a whitespace-only string or an empty collection.
    var isBlank: Bool {
        switch self {
        case .nil, .bool(false): return true
        case .string(let string): return string.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
        case .array(let array): return array.isEmpty
        case .object(let object): return object.isEmpty
        default: return false
        }
    }
}

/// Liquid's `==`, including `blank`/`empty` and numeric equality across integers and floats.
func liquidEquals(_ left: Value, _ right: Value) -> Bool {
    switch (left, right) {
    case (.blank, .plain(let value)), (.plain(let value), .blank): return value.isBlank
    case (.empty, .plain(let value)), (.plain(let value), .empty): return value.isEmptyCollection
    case (.plain(let a), .plain(let b)): return liquidEquals(a, b)
    default: return false
    }
}

func liquidEquals(_ left: LiquidValue, _ right: LiquidValue) -> Bool {
    switch (left, right) {
    case (.nil, .nil): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
    case (.double(let a), .double(let b)): return a == b
    case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
    case (.array(let a), .array(let b)):
        return a.count == b.count && zip(a, b).allSatisfy { liquidEquals($0, $1) }
    case (.object(let a), .object(let b)):
        return a.count == b.count && a.allSatisfy { key, value in b[key].map { liquidEquals(value, $0) } ?? false }
    default: return false
    }
}

/// Formats a float the way Ruby's `Float#to_s` does: `5.0`, `0.0001`, `1.0e-05`, `1.0e+16`.
func rubyFloatString(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    var text = value.description
    var sign = ""
    if text.hasPrefix("-") { sign = "-"; text.removeFirst() }
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = text[..<e]
        exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let integerPart = parts.first.map(String.init) ?? ""
    let fractionPart = parts.count > 1 ? String(parts[1]) : ""
    // value = 0.<digits> x 10^point
    var digits = integerPart + fractionPart
    var point = integerPart.count + exponent
    while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    if digits == "0" { return sign + "0.0" }
    if point > 0 && point <= 16 {
        if digits.count <= point {
            return sign + digits + String(repeating: "0", count: point - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<split] + "." + digits[split...]
    }
    if point <= 0 && point > -4 {
        return sign + "0." + String(repeating: "0", count: -point) + digits
    }
    let first = digits.prefix(1)
    let rest = digits.dropFirst()
    let e = point - 1
    let magnitude = String(abs(e))
    let exponentText = (e < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" + magnitude : magnitude)
    return sign + first + "." + (rest.isEmpty ? "0" : rest) + "e" + exponentText
}
