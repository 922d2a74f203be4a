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
public struct SourceText: Sendable, Hashable {
    /// The decoded text.
    public var text: String
    /// The range of the whole scalar.
    public var range: SourceRange
    /// How the scalar was written (what locating a character inside it depends on).
    public var style: ScalarStyle

    /// Creates a source text from its scalar node. Only the node's range and style are kept, not the
    /// node: a workspace holds hundreds of thousands of texts.
    public init(text: String, node: YAMLNode) {
        self.text = text
        range = node.range
        style = node.scalar?.style ?? .plain
    }

    /// The scalar node the text was read from (its tag aside).
    public var node: YAMLNode { YAMLNode(.scalar(YAMLScalar(text: text, style: style)), range: range) }
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
