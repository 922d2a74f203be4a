/// A problem found while parsing a template: the template is refused when there is any.
public struct LiquidIssue: Sendable, Hashable, Error {
    /// What kind of problem this is.
    public enum Kind: Sendable, Hashable {
        /// Malformed markup or expression.
        case syntax
        /// A tag outside automail's subset, or unknown to Liquid; carries the tag name.
        case unsupportedTag(String)
        /// A filter outside automail's subset, or unknown to Liquid; carries the filter name.
        case unsupportedFilter(String)
        /// A keyword argument the filter does not take, or a wrong number of arguments.
        case unknownFilterArgument(String)
        /// Syntax Liquid accepts but automail refuses (range literals, nesting deeper than the limit).
        case unsupportedSyntax
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// Lowercase, names things in backticks, no trailing period.
    public var message: String
    /// One actionable fix, when there is one (e.g. a did-you-mean suggestion).
    public var help: String?
    /// Where the problem is, in Unicode scalar offsets into the template source.
    public var range: Range<Int>

    /// Creates an issue.
    public init(kind: Kind, message: String, help: String? = nil, range: Range<Int>) {
        self.kind = kind
        self.message = message
        self.help = help
        self.range = range
    }
}

/// An error Liquid would raise while rendering (e.g. comparing a string with a number).
public struct LiquidRenderError: Sendable, Hashable, Error {
    /// Lowercase, names things in backticks, no trailing period.
    public var message: String
    /// The markup being rendered, in Unicode scalar offsets into the template source.
    public var range: Range<Int>

    /// Creates a render error.
    public init(message: String, range: Range<Int>) {
        self.message = message
        self.range = range
    }
}

/// The closest candidate to `name` within a small edit distance, for did-you-mean help.
func closestName(to name: String, in candidates: [String]) -> String? {
    let limit = max(1, min(3, name.count / 3 + 1))
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(Array(name.unicodeScalars), Array(candidate.unicodeScalars))
        if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    return best?.name
}

/// Damerau-Levenshtein distance (optimal string alignment), bounded by the inputs' lengths.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    if a.count > 64 || b.count > 64 { return max(a.count, b.count) }
    var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { rows[i][0] = i }
    for j in 0...b.count { rows[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var value = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                value = min(value, rows[i - 2][j - 2] + 1)
            }
            rows[i][j] = value
        }
    }
    return rows[a.count][b.count]
}
