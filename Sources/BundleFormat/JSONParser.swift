/// Why a JSON document could not be read: what is wrong and where (1-based line and column, column
/// counted in Unicode scalars, and the byte offset).
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, lowercase, no trailing period.
    public var message: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int
    /// The 0-based byte offset.
    public var offset: Int

    /// Creates an error.
    public init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "\(line):\(column): \(message)" }
}

/// A strict JSON reader (RFC 8259) for the documents automail reads back: bundles, events, contacts.
///
/// It is stricter than the RFC where automail's documents need it: numbers must be integers that fit
/// in 64 bits (a bundle holds no other kind), an object must not repeat a key (two readers could keep
/// different ones), strings must be valid UTF-8 without lone surrogates, and nesting is bounded, so
/// no input can exhaust the stack. It reads bytes once, left to right: linear in the input.
public struct JSONParser: Sendable {
    /// The deepest nesting of arrays and objects accepted.
    public var maximumDepth: Int

    /// Creates a parser.
    public init(maximumDepth: Int = 256) {
        self.maximumDepth = maximumDepth
    }

    /// The value `bytes` hold, or why they hold none.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) -> JSONValue in
            var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
            return try reader.document()
        }
    }

    /// The value `text` holds, or why it holds none.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// One pass over the bytes. Nested values are read with an explicit stack, not recursion.
private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// An open container and what has been read of it. Items are appended in place, through
    /// `stack[top]`, never through a copy bound out of an enum payload: binding `case .array(var items)`
    /// copies the whole array on every append, which made reading quadratic (60,000 items took seconds,
    /// a 1 MB array minutes).
    private struct Frame {
        var isObject: Bool
        var items: [JSONValue] = []
        var members: [String: JSONValue] = [:]
        var key = ""
    }

    mutating func document() throws(JSONParseError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw error("a byte order mark is not allowed", at: 0) }
        let value = try value()
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected content after the JSON value") }
        return value
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        var stack: [Frame] = []
        while true {
            skipWhitespace()
            var completed: JSONValue
            guard index < bytes.count else { throw error("the document ends where a value was expected") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if peek(UInt8(ascii: "}")) {
                    index += 1
                    completed = .object([:])
                } else {
                    guard stack.count < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
                    let key = try memberKey()
                    stack.append(Frame(isObject: true, key: key))
                    continue
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if peek(UInt8(ascii: "]")) {
                    index += 1
                    completed = .array([])
                } else {
                    guard stack.count < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
                    stack.append(Frame(isObject: false))
                    continue
                }
            case UInt8(ascii: "\""): completed = .string(try string())
            case UInt8(ascii: "t"): try literal("true"); completed = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); completed = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); completed = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): completed = .int(try integer())
            default: throw error("expected a value (an object, array, string, integer, true, false or null)")
            }
            // Hand the value to the open containers, closing each one that ends here.
            while true {
                guard let top = stack.indices.last else { return completed }
                skipWhitespace()
                if stack[top].isObject {
                    stack[top].members[stack[top].key] = completed
                    if peek(UInt8(ascii: ",")) {
                        index += 1
                        skipWhitespace()
                        let next = try memberKey()
                        if stack[top].members[next] != nil {
                            throw error("the key \"\(next)\" appears twice in one object")
                        }
                        stack[top].key = next
                    } else if peek(UInt8(ascii: "}")) {
                        index += 1
                        completed = .object(stack.removeLast().members)
                        continue
                    } else {
                        throw error("expected `,` or `}` after an object member")
                    }
                } else {
                    stack[top].items.append(completed)
                    if peek(UInt8(ascii: ",")) {
                        index += 1
                    } else if peek(UInt8(ascii: "]")) {
                        index += 1
                        completed = .array(stack.removeLast().items)
                        continue
                    } else {
                        throw error("expected `,` or `]` after an array item")
                    }
                }
                break
            }
        }
    }

    /// `"key" :` at the current position.
    private mutating func memberKey() throws(JSONParseError) -> String {
        guard peek(UInt8(ascii: "\"")) else { throw error("expected a string key") }
        let key = try string()
        skipWhitespace()
        guard peek(UInt8(ascii: ":")) else { throw error("expected `:` after an object key") }
        index += 1
        return key
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            index + count <= bytes.count && (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw error("expected a value (an object, array, string, integer, true, false or null)") }
        index += count
    }

    private mutating func integer() throws(JSONParseError) -> Int {
        let start = index
        let negative = peek(UInt8(ascii: "-"))
        if negative { index += 1 }
        let digitsStart = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        let digits = index - digitsStart
        guard digits > 0 else { throw error("expected digits after `-`", at: start) }
        if digits > 1 && bytes[digitsStart] == UInt8(ascii: "0") {
            throw error("a number must not start with 0", at: start)
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw error("only integers are allowed here, not fractions or exponents", at: start)
        }
        var magnitude: UInt64 = 0
        for position in digitsStart..<index {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw error("the integer does not fit in 64 bits", at: start) }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw error("the integer does not fit in 64 bits", at: start)
            }
            return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw error("the integer does not fit in 64 bits", at: start) }
        return Int(magnitude)
    }

    private mutating func string() throws(JSONParseError) -> String {
        let start = index
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ end: Int, into scalars: inout String.UnicodeScalarView) throws(JSONParseError) {
            guard runStart < end else { return }
            let run = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
            guard let text = String(validating: run, as: UTF8.self) else {
                throw error("the string is not valid UTF-8", at: start)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw error("the string is not closed", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flushRun(index, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("a control character must be escaped in a string") }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            try flushRun(index, into: &scalars)
            index += 1
            guard index < bytes.count else { throw error("the string is not closed", at: start) }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                let first = try hexQuad()
                var value = UInt32(first)
                if (0xD800...0xDBFF).contains(first) {
                    guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
                    else {
                        throw error("a lone surrogate `\\u\(String(first, radix: 16))` is not a character")
                    }
                    index += 2
                    let second = try hexQuad()
                    guard (0xDC00...0xDFFF).contains(second) else {
                        throw error("a lone surrogate `\\u\(String(first, radix: 16))` is not a character")
                    }
                    value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(first) {
                    throw error("a lone surrogate `\\u\(String(first, radix: 16))` is not a character")
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("`\\u` escape is not a character") }
                scalars.append(scalar)
            default:
                throw error("unknown escape `\\\(Character(Unicode.Scalar(escape)))` in a string", at: index - 2)
            }
            runStart = index
        }
    }

    private mutating func hexQuad() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("`\\u` needs four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("`\\u` needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// An error at `offset` (the current position by default), with its line and column.
    private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for position in 0..<offset where bytes[position] == 0x0A {
            line += 1
            lineStart = position + 1
        }
        // Columns count scalars: every byte that does not continue a UTF-8 sequence starts one.
        let column = 1 + bytes[lineStart..<offset].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
        return JSONParseError(message: message, line: line, column: column, offset: offset)
    }
}
