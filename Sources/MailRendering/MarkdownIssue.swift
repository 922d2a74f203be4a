/// A problem found in the Markdown source of an email body or footer.
///
/// Issues are collected, never thrown: rendering always produces output (sanitised when the
/// source is unsafe) together with every issue found.
public struct MarkdownIssue: Sendable, Hashable {
    /// What kind of problem this is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A raw HTML tag, comment or declaration outside code spans and code blocks.
        case rawHTML
        /// A link or image target that is not `http:`, `https:`, `mailto:` or a Liquid output.
        case unsafeLinkURL
        /// A link or image with an empty target.
        case emptyLinkURL
        /// An image with no alternative text.
        case imageWithoutAlt
        /// A custom layout without exactly one `{{ content }}` slot, or with more than one
        /// `{{ footer }}` slot.
        case layoutSlot
        /// Markdown past ``MarkdownBounds`` (too long, or too many open `[`): not rendered.
        case tooComplex
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// A one-line description: starts lowercase, names the thing in backticks, no trailing period.
    public var message: String
    /// One actionable fix.
    public var help: String
    /// Where the problem is, in Unicode-scalar offsets into the checked source.
    public var range: Range<Int>

    /// Creates an issue.
    public init(kind: Kind, message: String, help: String, range: Range<Int>) {
        self.kind = kind
        self.message = message
        self.help = help
        self.range = range
    }
}
