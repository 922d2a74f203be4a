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

/// What is wrong with one member of a JSON document that parsed: where (a JSON Pointer) and what.
public struct FormatProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The member at fault.
    public var pointer: JSONPointer
    /// What is wrong, lowercase, no trailing period.
    public var message: String

    /// Creates a problem.
    public init(at pointer: JSONPointer, _ message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// `at /pointer: message` (`at the top level: message` for the whole document).
    public var description: String {
        let place = pointer.tokens.isEmpty ? "at the top level" : "at \(pointer)"
        return "\(place): \(message)"
    }
}

/// A value of a document being decoded, with where it is: every accessor names the member in the
/// problem it throws.
package struct JSONNode {
    package let value: JSONValue
    package let pointer: JSONPointer

    package init(_ value: JSONValue, at pointer: JSONPointer = JSONPointer()) {
        self.value = value
        self.pointer = pointer
    }

    package func problem(_ message: String) -> FormatProblem {
        FormatProblem(at: pointer, message)
    }

    /// What kind of value this is, for messages: `a string`, `an object`...
    package var kindDescription: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    package func wrongKind(_ expected: String) -> FormatProblem {
        problem("expected \(expected), found \(kindDescription)")
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
        return members[key].map { JSONNode($0, at: pointer.appending(key)) }
    }

    /// The member `key` of this object, `nil` when absent or `null`.
    package func optionalNonNull(_ key: String) throws(FormatProblem) -> JSONNode? {
        guard let node = try optional(key) else { return nil }
        if case .null = node.value { return nil }
        return node
    }

    /// The member `key` of this object, which must be present.
    package func required(_ key: String) throws(FormatProblem) -> JSONNode {
        guard let node = try optional(key) else { throw problem("the member `\(key)` is missing") }
        return node
    }

    /// The members of this object as nodes, sorted by key (code point order).
    package func members() throws(FormatProblem) -> [(key: String, node: JSONNode)] {
        let members = try object()
        return members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { key in
            (key, JSONNode(members[key] ?? .null, at: pointer.appending(key)))
        }
    }

    /// The items of this array as nodes.
    package func items() throws(FormatProblem) -> [JSONNode] {
        guard case .array(let items) = value else { throw wrongKind("an array") }
        return items.enumerated().map { JSONNode($1, at: pointer.appending($0)) }
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
            let alphanumeric = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
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
            throw problem("`\(text)` is not an id (lowercase letters, digits, `_` and `-`, at most 64, `^[a-z0-9][a-z0-9_-]{0,63}$`)")
        }
        return text
    }
}
