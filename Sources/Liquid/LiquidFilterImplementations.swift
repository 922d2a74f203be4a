extension Renderer {
    /// Applies a supported filter; arity was checked at parse time.
    func applyFilter(
        _ name: String, to input: Value, _ positional: [Value], _ keywords: [String: Value]
    ) throws(LiquidRenderError) -> Value {
        func argument(_ index: Int) -> LiquidValue { index < positional.count ? positional[index].lowered : .nil }
        func stringArgument(_ index: Int) throws(LiquidRenderError) -> String { try inputString(argument(index)) }
        func text() throws(LiquidRenderError) -> [Unicode.Scalar] {
            Array(try inputString(input.lowered).unicodeScalars)
        }
        func result(_ scalars: [Unicode.Scalar]) throws(LiquidRenderError) -> Value {
            guard scalars.count <= Self.maximumLength else {
                throw fail("filter `\(name)` builds a string longer than \(Self.maximumLength) characters")
            }
            return .plain(.string(String(String.UnicodeScalarView(scalars))))
        }
        func result(_ string: String) throws(LiquidRenderError) -> Value { try result(Array(string.unicodeScalars)) }

        switch name {
        case "default":
            let allowFalse = keywords["allow_false"]?.isTruthy ?? false
            if allowFalse, case .plain(.bool(false)) = input { return input }
            let isEmpty: Bool
            switch input {
            case .blank, .empty: isEmpty = true
            case .plain(let value): isEmpty = !input.isTruthy || value.isEmptyCollection
            }
            return isEmpty ? (positional.first ?? .plain(.string(""))) : input
        case "upcase":
            return try result(try inputString(input.lowered).uppercased())
        case "downcase":
            return try result(try inputString(input.lowered).lowercased())
        case "capitalize":
            let scalars = try text()
            guard let first = scalars.first else { return try result(scalars) }
            let rest = String(String.UnicodeScalarView(scalars.dropFirst())).lowercased()
            return try result(first.properties.titlecaseMapping + rest)
        case "strip":
            return try result(trimmed(try text(), leading: true, trailing: true))
        case "lstrip":
            return try result(trimmed(try text(), leading: true, trailing: false))
        case "rstrip":
            return try result(trimmed(try text(), leading: false, trailing: true))
        case "escape":
            return try result(escapeHTML(try text(), once: false))
        case "escape_once":
            return try result(escapeHTML(try text(), once: true))
        case "append":
            return try result(try inputString(input.lowered) + stringArgument(0))
        case "prepend":
            return try result(try stringArgument(0) + inputString(input.lowered))
        case "replace", "replace_first", "remove", "remove_first":
            let pattern = Array(try stringArgument(0).unicodeScalars)
            let replacement = name.hasPrefix("remove") ? [] : Array(try stringArgument(1).unicodeScalars)
            let all = !name.hasSuffix("_first")
            return try result(replacing(pattern, with: replacement, in: try text(), all: all))
        case "truncate":
            if input == .nil { return .nil }
            let scalars = try text()
            let length: Int
            if positional.isEmpty {
                length = 50
            } else {
                switch argument(0) {
                case .int(let value): length = value
                case .double(let value) where value.isFinite && abs(value) < 1e15: length = Int(value)
                case .string(let value):
                    guard let parsed = Int(value) else { throw fail("filter `truncate` expects an integer length") }
                    length = parsed
                default: throw fail("filter `truncate` expects an integer length")
                }
            }
            let ellipsis = Array((positional.count > 1 ? try stringArgument(1) : "...").unicodeScalars)
            guard scalars.count > length else { return try result(scalars) }
            // `length` is the template's: `Int.min - 3` must not trap (Ruby: a negative keep is 0).
            let (difference, overflow) = length.subtractingReportingOverflow(ellipsis.count)
            let keep = overflow ? 0 : max(0, difference)
            return try result(Array(scalars.prefix(keep)) + ellipsis)
        case "size":
            switch input.lowered {
            case .string(let string): return .plain(.int(string.unicodeScalars.count))
            case .array(let array): return .plain(.int(array.count))
            case .object(let object): return .plain(.int(object.count))
            case .int, .double: throw fail("filter `size` of a number differs between Liquid engines")
            default: return .plain(.int(0))
            }
        case "strip_newlines":
            return try result(replacingNewlines(try text(), with: []))
        case "newline_to_br":
            return try result(replacingNewlines(try text(), with: Array("<br />\n".unicodeScalars)))
        case "url_encode":
            if input == .nil { return .nil }
            return try result(urlEncoded(try inputString(input.lowered)))
        default:
            throw fail("unsupported filter `\(name)`")
        }
    }
}

/// Ruby's `strip` family: ASCII whitespace and NUL.
func trimmed(_ scalars: [Unicode.Scalar], leading: Bool, trailing: Bool) -> [Unicode.Scalar] {
    func isStrippable(_ scalar: Unicode.Scalar) -> Bool { isWhitespace(scalar) || scalar == "\0" }
    var lower = 0
    var upper = scalars.count
    if leading { while lower < upper && isStrippable(scalars[lower]) { lower += 1 } }
    if trailing { while upper > lower && isStrippable(scalars[upper - 1]) { upper -= 1 } }
    return Array(scalars[lower..<upper])
}

/// Ruby's `CGI.escapeHTML` (``HTMLEscaper/Quoting/all``); with `once`, existing entities such as `&amp;`
/// or `&#39;` are kept.
func escapeHTML(_ scalars: [Unicode.Scalar], once: Bool) -> String {
    var bytes: [UInt8] = []
    var start = 0
    var index = 0
    func flush(upTo end: Int) {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<end])
        HTMLEscaper.append(.all, String(text).utf8, to: &bytes)
    }
    while index < scalars.count {
        if once && scalars[index] == "&" && isEntity(scalars, at: index) {
            flush(upTo: index)
            bytes.append(0x26)
            start = index + 1
        }
        index += 1
    }
    flush(upTo: scalars.count)
    return String(decoding: bytes, as: UTF8.self)
}

/// Whether `&` at `index` starts `&name;` or `&#digits;`.
private func isEntity(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
    var j = index + 1
    if j < scalars.count && scalars[j] == "#" {
        j += 1
        let start = j
        while j < scalars.count && ("0"..."9").contains(scalars[j]) { j += 1 }
        return j > start && j < scalars.count && scalars[j] == ";"
    }
    let start = j
    while j < scalars.count && (("a"..."z").contains(scalars[j]) || ("A"..."Z").contains(scalars[j])) { j += 1 }
    return j > start && j < scalars.count && scalars[j] == ";"
}

/// Ruby's `gsub`/`sub` with a literal pattern; an empty pattern matches between every character.
func replacing(_ pattern: [Unicode.Scalar], with replacement: [Unicode.Scalar], in text: [Unicode.Scalar], all: Bool)
    -> [Unicode.Scalar]
{
    var result: [Unicode.Scalar] = []
    var index = 0
    while index <= text.count {
        guard let match = scalarRange(of: pattern, in: text, from: index) else { break }
        result += text[index..<match.lowerBound]
        result += replacement
        if pattern.isEmpty {
            if match.lowerBound < text.count { result.append(text[match.lowerBound]) }
            index = match.lowerBound + 1
        } else {
            index = match.upperBound
        }
        if !all {
            break
        }
        if result.count > Renderer.maximumLength { return result }
    }
    if index < text.count { result += text[index...] }
    return result
}

/// Replaces every `\r\n` or `\n` (a lone `\r` stays).
func replacingNewlines(_ text: [Unicode.Scalar], with replacement: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    var index = 0
    while index < text.count {
        if text[index] == "\n" {
            result += replacement
        } else if text[index] == "\r" && index + 1 < text.count && text[index + 1] == "\n" {
            result += replacement
            index += 1
        } else {
            result.append(text[index])
        }
        index += 1
    }
    return result
}

/// Ruby's `CGI.escape`: letters, digits and `_.-~` stay, space becomes `+`, the rest is `%XX`.
func urlEncoded(_ text: String) -> String {
    let hex: [Character] = Array("0123456789ABCDEF")
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "-"), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " "):
            result += "+"
        default:
            result += "%"
            result.append(hex[Int(byte >> 4)])
            result.append(hex[Int(byte & 0x0F)])
        }
    }
    return result
}
