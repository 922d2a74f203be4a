import Diagnostics
import YAMLSource

/// A value read from the workspace together with where it was written.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var range: SourceRange

    /// Creates a located value.
    public init(_ value: Value, at range: SourceRange) {
        self.value = value
        self.range = range
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// A text that may hold Liquid, with the YAML scalar it came from, so that a problem at a given
/// character of the text can be pointed at in the file.
///
/// A body written as a literal block scalar (`body: |`) is held as a view of its file's bytes and
/// decoded each time ``text`` is read (``YAMLScalar``), so that a workspace does not hold its bodies
/// twice: read ``text`` once where it is used many times.
public struct SourceText: Sendable, Hashable {
    /// The scalar without its tag: the text (perhaps not decoded yet) and its style.
    private var scalar: YAMLScalar
    /// The range of the whole scalar.
    public var range: SourceRange

    /// The decoded text.
    public var text: String {
        get { scalar.text }
        set { scalar.text = newValue }
    }

    /// Calls `body` with the text's UTF-8 bytes, a block scalar's decoded from its file without making a
    /// `String` (``YAMLScalar/withUTF8(_:)``): for a reader that only hashes, counts or compares the text,
    /// such as a fingerprint of the texts templates repeat.
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try scalar.withUTF8(body)
    }

    /// How the scalar was written (what locating a character inside it depends on).
    public var style: ScalarStyle {
        get { scalar.style }
        set { scalar.style = newValue }
    }

    /// Creates a source text from its scalar node. Only the node's range and style are kept, not the
    /// node: a workspace holds hundreds of thousands of texts.
    public init(text: String, node: YAMLNode) {
        scalar = YAMLScalar(text: text, style: node.scalar?.style ?? .plain)
        range = node.range
    }

    /// Creates a source text from a scalar node, its text kept as the node holds it (a block scalar's
    /// text is not decoded).
    init(scalar: YAMLScalar, node: YAMLNode) {
        self.scalar = scalar.untagged
        range = node.range
    }

    /// The scalar node the text was read from (its tag aside).
    public var node: YAMLNode { YAMLNode(.scalar(scalar), range: range) }
}

/// A text given once per locale (`fr: …`, `en: …`).
public struct LocalizedText: Sendable, Hashable {
    /// The locale key.
    public var locale: Located<String>
    /// The text for that locale.
    public var text: SourceText

    /// Creates a localized text.
    public init(locale: Located<String>, text: SourceText) {
        self.locale = locale
        self.text = text
    }
}
