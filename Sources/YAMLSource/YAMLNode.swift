import Diagnostics

/// How a scalar was written in the source.
public enum ScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded
}

/// A scalar's value resolved by the YAML 1.2 core schema (what editors' YAML servers use):
/// `yes`, `no`, `on`, `off` are strings; only `true`/`false` (any case form the schema allows) are
/// booleans; `null`, `~` and the empty plain scalar are null. Quoted and block scalars are strings.
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
}

/// A scalar node: its text exactly as libyaml decoded it, and how it was written.
///
/// A literal block scalar's text is kept as a view of its file's bytes (``BlockScalarText``) and decoded
/// each time ``text`` is read; every other scalar holds its `String`. Two scalars are equal when their
/// texts, styles and tags are, however each text is held.
public struct YAMLScalar: Sendable, Hashable {
    /// What few scalars have, held apart so that a scalar copies two references, as it did when it
    /// held only a text and a tag: its tag, or its text as a view of the file.
    @usableFromInline
    final class Extra: Sendable {
        let tag: String?
        @usableFromInline let view: BlockScalarText?

        init(tag: String?, view: BlockScalarText?) {
            self.tag = tag
            self.view = view
        }
    }

    /// The text; empty when a view holds it.
    @usableFromInline var storedText: String
    @usableFromInline var extra: Extra?
    /// How it was written.
    public var style: ScalarStyle

    /// The decoded text (escapes processed, block indentation removed). Reading a literal block
    /// scalar's text decodes it from the file's bytes (or takes it from ``DecodedBlockCache``): read it
    /// once where it is used many times.
    public var text: String {
        // Inlined where it is read: most scalars are keys and short values, read through `storedText`.
        @inlinable get {
            if let view = extra?.view { return view.text }
            return storedText
        }
        set {
            storedText = newValue
            if extra?.view != nil { extra = extra?.tag.map { Extra(tag: $0, view: nil) } }
        }
    }

    /// Calls `body` with the text's UTF-8 bytes: a view's decoded without making a `String`
    /// (``BlockScalarText/withDecodedUTF8(_:)``), any other text's in place. For a reader that only hashes,
    /// counts or compares the text.
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let view = extra?.view { return try view.withDecodedUTF8(body) }
        var text = storedText
        return try text.withUTF8(body)
    }

    /// The explicit tag, if any (for example `!!str`); automail refuses tags elsewhere.
    public var tag: String? {
        get { extra?.tag }
        set { extra = newValue == nil && extra?.view == nil ? nil : Extra(tag: newValue, view: extra?.view) }
    }

    /// Creates a scalar.
    public init(text: String, style: ScalarStyle, tag: String? = nil) {
        storedText = text
        extra = tag.map { Extra(tag: $0, view: nil) }
        self.style = style
    }

    /// A literal block scalar whose text is `view`.
    init(view: BlockScalarText, tag: String?) {
        storedText = ""
        extra = Extra(tag: tag, view: view)
        style = .literal
    }

    /// The same text and style, without the tag: what a model keeps of a scalar (the text not decoded).
    public var untagged: YAMLScalar {
        guard extra?.tag != nil else { return self }
        var copy = self
        copy.tag = nil
        return copy
    }

    /// Whether the text is held as a view of the file (for tests).
    var isView: Bool { extra?.view != nil }

    /// Whether the text is `text`, without copying a held text.
    @inlinable
    func hasText(_ text: String) -> Bool {
        if let view = extra?.view { return view.text == text }
        return storedText == text
    }

    public static func == (lhs: YAMLScalar, rhs: YAMLScalar) -> Bool {
        lhs.style == rhs.style && lhs.tag == rhs.tag && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(style)
        hasher.combine(tag)
    }
}

/// One key-value pair of a mapping, in source order.
public struct YAMLPair: Sendable, Hashable {
    /// The key node (a scalar in every valid automail file).
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A YAML node with the range it was read from. Every node keeps its range so that every
/// diagnostic can point at the exact text.
public struct YAMLNode: Sendable, Hashable {
    /// What the node holds. Not `indirect`: the cases that hold nodes hold them in arrays, already out of
    /// line, so a node is its content and its range inline, with no box allocated, retained and freed
    /// for each node (a node is 80 bytes rather than 56, and a tree of 160,000 nodes makes 160,000
    /// fewer allocations).
    public enum Content: Sendable, Hashable {
        case scalar(YAMLScalar)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    /// What the node holds.
    public var content: Content
    /// Where the node is: start at its first character, end just past its last.
    public var range: SourceRange

    /// Creates a node.
    public init(_ content: Content, range: SourceRange) {
        self.content = content
        self.range = range
    }

    /// The scalar, if this node is one.
    @inlinable
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// Whether the node is a scalar whose text is `text`: how a mapping's key is looked up, without
    /// copying the scalar out of the node.
    @inlinable
    public func isScalar(_ text: String) -> Bool {
        if case .scalar(let s) = content { return s.hasText(text) }
        return false
    }

    /// ``isScalar(_:)`` for a `key` that no other text is canonically equivalent to: ASCII without `K`,
    /// `;` or `` ` `` (the only ASCII characters a non-ASCII scalar decomposes to, U+212A, U+037E and
    /// U+1FEF), as every key of automail's mappings is. Such a text equals `key` only byte for byte, so a
    /// held text of another length in UTF-8 is told apart without comparing.
    @inlinable
    public func isScalar(key: String) -> Bool {
        guard case .scalar(let s) = content else { return false }
        if let view = s.extra?.view { return view.text == key }
        return s.storedText.utf8.count == key.utf8.count && s.storedText == key
    }

    /// The pairs, if this node is a mapping.
    @inlinable
    public var pairs: [YAMLPair]? {
        if case .mapping(let p) = content { return p }
        return nil
    }

    /// The items, if this node is a sequence.
    @inlinable
    public var items: [YAMLNode]? {
        if case .sequence(let i) = content { return i }
        return nil
    }

    /// A word for the node's kind as users see it: `mapping`, `sequence`, `string`, `number`,
    /// `boolean` or `null`.
    public var kindDescription: String {
        switch content {
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        case .scalar(let s):
            // Quoted and block scalars are strings: their text is not needed (nor decoded) to say so.
            guard s.style == .plain else { return "string" }
            switch CoreSchema.resolve(s) {
            case .null: return "null"
            case .bool: return "boolean"
            case .int, .float: return "number"
            case .string: return "string"
            }
        }
    }

    /// Whether the node is null by the YAML 1.2 core schema, as `value == .null` says, without resolving
    /// the scalar (a plain `null`, `Null`, `NULL`, `~` or empty scalar).
    ///
    /// A plain scalar's text is never a view (views are literal block scalars): its stored text is read,
    /// once, and compared only with the spellings of its length (a text of one byte can only be `~`, one
    /// of four bytes only a spelling of `null`: no other text is canonically equivalent to an ASCII one
    /// without `K`, `;` or `` ` ``).
    @inlinable
    public var isNull: Bool {
        guard case .scalar(let s) = content, s.style == .plain, s.extra?.view == nil else { return false }
        let text = s.storedText
        switch text.utf8.count {
        case 0: return true
        case 1: return text == "~"
        case 4: return text == "null" || text == "Null" || text == "NULL"
        default: return false
        }
    }

    /// The scalar's value by the YAML 1.2 core schema; `nil` for mappings and sequences.
    public var value: YAMLValue? {
        guard let s = scalar else { return nil }
        return CoreSchema.resolve(s)
    }
}
