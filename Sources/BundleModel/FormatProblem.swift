import BundleFormat

/// A JSON Pointer (RFC 6901) to one member of a document: `/templates/bienvenue/locales/fr/subject`,
/// `/contact/history/2/at`. Written with `~0` for `~` and `~1` for `/` inside a key; the empty pointer
/// is the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped: object keys and array indices.
    public private(set) var tokens: [String]

    /// The pointer made of `tokens` (the whole document when empty).
    public init(_ tokens: [String] = []) {
        self.tokens = tokens
    }

    /// This pointer followed by the object key `key`.
    public func appending(_ key: String) -> JSONPointer {
        JSONPointer(tokens + [key])
    }

    /// This pointer followed by the array index `index`.
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(tokens + [String(index)])
    }

    /// The RFC 6901 string; `""` for the whole document.
    public var description: String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }
}

/// The kind of a JSON value, as a problem records it. The words are the reader's of the problem:
/// ``description`` is the runtime's (`an integer`); a diff says `a number`.
public enum JSONKind: String, Sendable, Hashable, CustomStringConvertible {
    case null, boolean, integer, string, array, object

    /// The kind of `value`.
    public init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .int: self = .integer
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }

    /// The runtime's words: `null`, `a boolean`, `an integer`, `a string`, `an array`, `an object`.
    public var description: String {
        switch self {
        case .null: return "null"
        case .boolean: return "a boolean"
        case .integer: return "an integer"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// What is wrong with one member of a JSON document that parsed: where (a JSON Pointer) and what, as
/// data (``reason``). ``message`` words it the runtime's way; another reader words it its own way
/// (`automail diff` says `templates.x.subject: missing`).
public struct FormatProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, as data.
    public enum Reason: Sendable, Hashable {
        /// The object at ``FormatProblem/pointer`` has no member of this key.
        case missingMember(String)
        /// The value at ``FormatProblem/pointer`` is of another kind: `expected` says what was wanted, in
        /// words (`a string`, `true or false`), `found` what is there.
        case wrongKind(expected: String, found: JSONKind)
        /// The major `format` is not one the reader reads.
        case unsupportedFormat(found: Int, readable: ClosedRange<Int>)
        /// Anything else, in words: lowercase, no trailing period.
        case invalid(String)
    }

    /// The member at fault (for ``Reason/missingMember(_:)``, the object that lacks it).
    public var pointer: JSONPointer
    /// What is wrong.
    public var reason: Reason

    /// Creates a problem of reason ``Reason/invalid(_:)``.
    public init(at pointer: JSONPointer, _ message: String) {
        self.init(at: pointer, reason: .invalid(message))
    }

    /// Creates a problem.
    public init(at pointer: JSONPointer, reason: Reason) {
        self.pointer = pointer
        self.reason = reason
    }

    /// What is wrong in the runtime's words, lowercase, no trailing period: `the member `x` is missing`,
    /// `expected a string, found an integer`.
    public var message: String {
        switch reason {
        case .missingMember(let key):
            return "the member `\(key)` is missing"
        case .wrongKind(let expected, let found):
            return "expected \(expected), found \(found)"
        case .unsupportedFormat(let found, let readable):
            let formats =
                readable.count == 1
                ? "format \(readable.lowerBound) only" : "formats \(readable.lowerBound) to \(readable.upperBound)"
            return "format \(found) is not read here: this reader reads \(formats)"
        case .invalid(let message):
            return message
        }
    }

    /// `at /pointer: message` (`at the top level: message` for the whole document).
    public var description: String {
        let place = pointer.tokens.isEmpty ? "at the top level" : "at \(pointer)"
        return "\(place): \(message)"
    }
}

/// Which members of a document a reading looked at, to list the ones it did not (``unread(in:)``): a
/// reviewer compares them as plain JSON. One log serves one reading, on one thread.
package final class ReadLog {
    /// The members looked at: their value was read, or they were entered to read their members.
    private var visited: Set<JSONPointer> = [JSONPointer()]
    /// The members read whole, members and all (`globals.fr`).
    private var whole: Set<JSONPointer> = []

    package init() {}

    func visit(_ pointer: JSONPointer) { visited.insert(pointer) }
    func readWhole(_ pointer: JSONPointer) { whole.insert(pointer) }

    /// The members of `document` not looked at, by pointer: the outermost member not looked at, not
    /// each of its own members.
    package func unread(in document: JSONValue) -> [JSONPointer: JSONValue] {
        var out: [JSONPointer: JSONValue] = [:]
        collect(document, at: JSONPointer(), into: &out)
        return out
    }

    private func collect(_ value: JSONValue, at pointer: JSONPointer, into out: inout [JSONPointer: JSONValue]) {
        guard !whole.contains(pointer) else { return }
        func child(_ member: JSONValue, _ memberPointer: JSONPointer) {
            if visited.contains(memberPointer) {
                collect(member, at: memberPointer, into: &out)
            } else {
                out[memberPointer] = member
            }
        }
        switch value {
        case .object(let members):
            for (key, member) in members { child(member, pointer.appending(key)) }
        case .array(let items):
            for (index, item) in items.enumerated() { child(item, pointer.appending(index)) }
        case .null, .bool, .int, .string:
            break
        }
    }
}

/// A value of a document being decoded, with where it is: every accessor names the member in the
/// problem it throws, and records in the ``ReadLog`` (when there is one) the members it looks at.
package struct JSONNode {
    package let value: JSONValue
    package let pointer: JSONPointer
    /// Where the members looked at are recorded, if anywhere.
    package let log: ReadLog?

    package init(_ value: JSONValue, at pointer: JSONPointer = JSONPointer(), log: ReadLog? = nil) {
        self.value = value
        self.pointer = pointer
        self.log = log
    }

    /// The member `value` at `pointer`, recorded as looked at.
    private func child(_ value: JSONValue, at pointer: JSONPointer) -> JSONNode {
        log?.visit(pointer)
        return JSONNode(value, at: pointer, log: log)
    }

    /// The whole value, its members included, recorded as read.
    package func wholeValue() -> JSONValue {
        log?.readWhole(pointer)
        return value
    }

    package func problem(_ message: String) -> FormatProblem {
        FormatProblem(at: pointer, message)
    }

    /// What kind of value this is.
    package var kind: JSONKind { JSONKind(of: value) }

    /// The problem of this value not being `expected` (`a string`).
    package func wrongKind(_ expected: String) -> FormatProblem {
        FormatProblem(at: pointer, reason: .wrongKind(expected: expected, found: kind))
    }

    /// The members of an object, which must hold no key outside `allowed` when it is given.
    package func object(allowing allowed: Set<String>? = nil) throws(FormatProblem) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw wrongKind("an object") }
        if let allowed {
            for key in members.keys.sorted() where !allowed.contains(key) {
                let known = allowed.sorted().map { "`\($0)`" }.joined(separator: ", ")
                throw FormatProblem(at: pointer.appending(key), "unknown member `\(key)`; expected one of \(known)")
            }
        }
        return members
    }

    /// The member `key` of this object, `nil` when absent (a `null` member is returned as is).
    package func optional(_ key: String) throws(FormatProblem) -> JSONNode? {
        let members = try object()
        return members[key].map { child($0, at: pointer.appending(key)) }
    }

    /// The member `key` of this object, `nil` when absent or `null`.
    package func optionalNonNull(_ key: String) throws(FormatProblem) -> JSONNode? {
        guard let node = try optional(key) else { return nil }
        if case .null = node.value { return nil }
        return node
    }

    /// The member `key` of this object, which must be present.
    package func required(_ key: String) throws(FormatProblem) -> JSONNode {
        guard let node = try optional(key) else { throw FormatProblem(at: pointer, reason: .missingMember(key)) }
        return node
    }

    /// The members of this object as nodes, sorted by key (code point order).
    package func members() throws(FormatProblem) -> [(key: String, node: JSONNode)] {
        let members = try object()
        return members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { key in
            (key, child(members[key] ?? .null, at: pointer.appending(key)))
        }
    }

    /// The items of this array as nodes.
    package func items() throws(FormatProblem) -> [JSONNode] {
        guard case .array(let items) = value else { throw wrongKind("an array") }
        return items.enumerated().map { child($1, at: pointer.appending($0)) }
    }

    package func string() throws(FormatProblem) -> String {
        guard case .string(let string) = value else { throw wrongKind("a string") }
        return string
    }

    package func int() throws(FormatProblem) -> Int {
        guard case .int(let int) = value else { throw wrongKind("an integer") }
        return int
    }

    package func bool() throws(FormatProblem) -> Bool {
        guard case .bool(let bool) = value else { throw wrongKind("true or false") }
        return bool
    }
}

/// The lexical rules shared by bundles and events.
package enum Lexical {
    /// An id of the workspace format: `^[a-z0-9][a-z0-9_-]{0,63}$`.
    package static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if alphanumeric { continue }
            if index > 0 && (byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")) { continue }
            return false
        }
        return true
    }
}

extension JSONNode {
    /// A string that is an id of the workspace format.
    package func identifier() throws(FormatProblem) -> String {
        let text = try string()
        guard Lexical.isIdentifier(text) else {
            throw problem(
                "`\(text)` is not an id (lowercase letters, digits, `_` and `-`, at most 64, `^[a-z0-9][a-z0-9_-]{0,63}$`)"
            )
        }
        return text
    }
}
