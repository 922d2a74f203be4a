/// A node of a parsed template.
///
/// Not `indirect`: the cases that hold nodes hold them in arrays, already out of line, so each node is
/// stored inline in its array rather than in a box of its own (one allocation a node, 50,000 for the
/// generated M's texts, and a reference count to touch at each copy).
///
/// A text or `raw` body is a `Substring` of the template's source: it shares the source's storage
/// rather than copying its bytes (a body's texts are most of its bytes).
enum Node: Sendable {
    case text(Substring)
    case output(FilteredExpression, range: Range<Int>)
    case assign(name: String, FilteredExpression, range: Range<Int>)
    case capture(name: String, body: [Node], range: Range<Int>)
    /// `if` and `unless`: the first branch whose condition holds renders; `nil` is `else`.
    case conditional(branches: [Branch], negateFirst: Bool, isBlank: Bool, range: Range<Int>)
    /// `case`: every matching `when` renders; an `else` renders when nothing matched before it.
    case caseTag(subject: Expression, branches: [CaseBranch], isBlank: Bool, range: Range<Int>)
    /// A `raw` body or a comment (empty text).
    case raw(Substring)
    case comment

    struct Branch: Sendable {
        var condition: Condition?
        var body: [Node]
        /// The tag that opens the branch (`{% if … %}`, `{% elsif … %}`, `{% else %}`).
        var tagRange: Range<Int>
    }

    struct CaseBranch: Sendable {
        /// `nil` for `else`.
        var candidates: [Expression]?
        var body: [Node]
        /// The tag that opens the branch (`{% when … %}`, `{% else %}`).
        var tagRange: Range<Int>
    }

    /// Whether the node renders only whitespace at most (Liquid's `blank?`): a block made only of
    /// such nodes renders nothing at all.
    var isBlank: Bool {
        switch self {
        case .text(let text): return text.unicodeScalars.allSatisfy(isWhitespace)
        case .output: return false
        case .assign, .capture, .comment: return true
        case .conditional(_, _, let isBlank, _), .caseTag(_, _, let isBlank, _): return isBlank
        case .raw(let text): return text.isEmpty
        }
    }
}
