/// A path segment: `.name` or `[expression]`.
///
/// An index is the one case boxed (`indirect`), which makes ``Expression`` a value of its own size: a
/// name is a segment inline, and a bracket (rare) holds its expression out of line.
enum PathSegment: Sendable {
    case property(String, Range<Int>)
    indirect case index(Expression)
}

/// A primary expression: a literal or a variable path.
///
/// Not `indirect`: no box is allocated (and freed) for each expression of a template. A copy retains
/// what the case holds (a path's segments and its root's name, most often a small string held inline,
/// which counts no reference; a literal's string) rather than one box.
enum Expression: Sendable {
    case literal(Value, Range<Int>)
    /// A variable path: a root (a name or a bracketed expression) and segments.
    case path(root: PathSegment, segments: [PathSegment], range: Range<Int>)

    var range: Range<Int> {
        switch self {
        case .literal(_, let range), .path(_, _, let range): return range
        }
    }
}

/// One filter application: `| name: positional, keyword: value`.
struct FilterCall: Sendable {
    var name: String
    var nameRange: Range<Int>
    var positional: [Expression]
    var keywords: [(name: String, value: Expression)]
    var range: Range<Int>
}

/// An expression followed by filters, as in outputs and `assign`.
struct FilteredExpression: Sendable {
    var base: Expression
    var filters: [FilterCall]
}

/// A comparison operator of `if`, `elsif` and `unless`.
enum ComparisonOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case lessGreater = "<>"
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case contains
}

/// A condition: comparisons joined by `and`/`or`, evaluated right to left as Liquid does.
struct Condition: Sendable {
    struct Comparison: Sendable {
        var left: Expression
        var comparison: (ComparisonOperator, Expression)?
    }
    var comparisons: [Comparison]
    /// `true` for `and`, `false` for `or`; one fewer than `comparisons`.
    var joinedByAnd: [Bool]
}

/// A token inside markup. It holds no reference: a word's or a string's text is read from its units
/// (``ExpressionParser/text(of:)``) when the expression keeps it, so that the tokens of an expression
/// are an array of plain values, one array reused for every expression of a template.
struct ExpressionToken {
    enum Kind: Equatable {
        /// A name or a keyword: the token's units.
        case word
        /// A quoted string: the token's units without their quotes.
        case string
        case integer(Int)
        case float(Double)
        case dot, dotDot, leftBracket, rightBracket, leftParen, rightParen, pipe, colon, comma, assign
        case comparison(ComparisonOperator)
        case end
    }
    var kind: Kind
    /// Where it is, in Unicode-scalar offsets.
    var range: Range<Int>
    /// Where it is, in units of the text lexed (``MarkupText``).
    var units: Range<Int>
}

/// Parses the expression language inside `{{ }}` and tags, strictly (like Liquid's strict mode).
struct ExpressionParser<Text: MarkupText> {
    static var maximumDepth: Int { 100 }

    let scalars: Text
    private(set) var tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    /// Lexes `range` (in units) of `scalars`; throws on a character that cannot start a token.
    init(_ scalars: Text, range: Range<Int>) throws(LiquidIssue) {
        // Most markup is a handful of tokens: one allocation instead of growing from empty.
        var buffer: [ExpressionToken] = []
        buffer.reserveCapacity(min(range.count + 1, 16))
        try self.init(scalars, range: range, reusing: &buffer)
    }

    /// Lexes `range` (in units) of `scalars` into `buffer`, emptied first and shared with the parser:
    /// once the parser is gone, the next expression's tokens fill the same storage (the template parser
    /// lexes all its expressions into one array). Throws on a character that cannot start a token.
    init(_ scalars: Text, range: Range<Int>, reusing buffer: inout [ExpressionToken]) throws(LiquidIssue) {
        self.scalars = scalars
        buffer.removeAll(keepingCapacity: true)
        try Self.lex(scalars, range: range, into: &buffer)
        tokens = buffer
    }

    private static func lex(_ scalars: Text, range: Range<Int>, into tokens: inout [ExpressionToken])
        throws(LiquidIssue)
    {
        var i = range.lowerBound
        let end = range.upperBound
        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < end ? scalars[i + offset] : nil }
        // Ranges are reported in scalars: the text's units converted.
        func scalarRange(_ units: Range<Int>) -> Range<Int> {
            scalars.scalarOffset(units.lowerBound)..<scalars.scalarOffset(units.upperBound)
        }
        while i < end {
            let c = scalars[i]
            let start = i
            if isWhitespace(c) { i += 1; continue }
            func add(_ kind: ExpressionToken.Kind, _ length: Int) {
                let units = start..<(start + length)
                tokens.append(ExpressionToken(kind: kind, range: scalarRange(units), units: units))
                i += length
            }
            switch c {
            case "'", "\"":
                var j = i + 1
                while j < end && scalars[j] != c { j += 1 }
                guard j < end else {
                    throw LiquidIssue(
                        kind: .syntax, message: "unterminated string literal", range: scalarRange(start..<end))
                }
                add(.string, j + 1 - i)
            case ".":
                if peek(1) == "." { add(.dotDot, 2) } else { add(.dot, 1) }
            case "[": add(.leftBracket, 1)
            case "]": add(.rightBracket, 1)
            case "(": add(.leftParen, 1)
            case ")": add(.rightParen, 1)
            case "|": add(.pipe, 1)
            case ":": add(.colon, 1)
            case ",": add(.comma, 1)
            case "=":
                if peek(1) == "=" { add(.comparison(.equal), 2) } else { add(.assign, 1) }
            case "!":
                guard peek(1) == "=" else {
                    throw LiquidIssue(
                        kind: .syntax, message: "unexpected character `!`", range: scalarRange(start..<(start + 1)))
                }
                add(.comparison(.notEqual), 2)
            case "<":
                if peek(1) == "=" {
                    add(.comparison(.lessOrEqual), 2)
                } else if peek(1) == ">" {
                    add(.comparison(.lessGreater), 2)
                } else {
                    add(.comparison(.less), 1)
                }
            case ">":
                if peek(1) == "=" { add(.comparison(.greaterOrEqual), 2) } else { add(.comparison(.greater), 1) }
            case "-", "0"..."9":
                var j = i + 1
                if c == "-" {
                    guard let next = peek(1), ("0"..."9").contains(next) else {
                        throw LiquidIssue(
                            kind: .syntax, message: "unexpected character `-`", range: scalarRange(start..<(start + 1)))
                    }
                }
                while j < end && ("0"..."9").contains(scalars[j]) { j += 1 }
                var isFloat = false
                if j + 1 < end && scalars[j] == "." && ("0"..."9").contains(scalars[j + 1]) {
                    isFloat = true
                    j += 1
                    while j < end && ("0"..."9").contains(scalars[j]) { j += 1 }
                }
                let text = scalars.string(i..<j)
                if j < end && (isWordScalar(scalars[j]) || scalars[j] == "-") {
                    // `foo1` never starts with a digit but `123abc` is not a number either (`scalars[j]` is
                    // ASCII: one unit).
                    throw LiquidIssue(
                        kind: .syntax, message: "invalid number `\(scalars.string(i..<(j + 1)))`",
                        range: scalarRange(start..<(j + 1)))
                }
                if isFloat {
                    guard let value = Double(text) else {
                        throw LiquidIssue(
                            kind: .syntax, message: "invalid number `\(text)`", range: scalarRange(start..<j))
                    }
                    add(.float(value), j - i)
                } else {
                    guard let value = Int(text) else {
                        throw LiquidIssue(
                            kind: .syntax, message: "integer `\(text)` is too large", range: scalarRange(start..<j))
                    }
                    add(.integer(value), j - i)
                }
            case "a"..."z", "A"..."Z", "_":
                var j = scalars.wordEnd(from: i + 1, upTo: end)
                if j < end && scalars[j] == "?" { j += 1 }
                add(.word, j - i)
            default:
                // On bytes, the whole scalar that starts here (a multi-byte one spans several units).
                let (scalar, width) = scalars.scalar(at: i)
                throw LiquidIssue(
                    kind: .syntax, message: "unexpected character `\(String(scalar))`",
                    range: scalarRange(start..<(start + width)))
            }
        }
        let endOffset = scalars.scalarOffset(end)
        tokens.append(ExpressionToken(kind: .end, range: endOffset..<endOffset, units: end..<end))
    }

    var current: ExpressionToken { tokens[min(position, tokens.count - 1)] }
    var atEnd: Bool { current.kind == .end }

    /// The text of word `token`, or of string `token` without its quotes.
    func text(of token: ExpressionToken) -> String {
        let units = token.units
        guard token.kind == .string else { return scalars.string(units) }
        // A string token spans its two one-unit ASCII quotes.
        return scalars.string((units.lowerBound + 1)..<(units.upperBound - 1))
    }

    /// Whether `token` is the word `word` (ASCII), compared on its units without making its text.
    func isWord(_ token: ExpressionToken, _ word: String) -> Bool {
        token.kind == .word && scalars.holds(word, at: token.units)
    }

    /// Whether the current token is the word `word` (ASCII).
    func currentIs(_ word: String) -> Bool { isWord(current, word) }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    func describe(_ token: ExpressionToken) -> String {
        token.kind == .end ? "end of markup" : "`\(scalars.string(token.units))`"
    }

    func unexpected(_ expected: String) -> LiquidIssue {
        LiquidIssue(kind: .syntax, message: "expected \(expected), found \(describe(current))", range: current.range)
    }

    mutating func expect(_ kind: ExpressionToken.Kind, _ what: String) throws(LiquidIssue) {
        guard current.kind == kind else { throw unexpected(what) }
        advance()
    }

    func expectEnd() throws(LiquidIssue) {
        guard atEnd else { throw unexpected("end of markup") }
    }

    /// A literal or a variable path.
    mutating func parsePrimary() throws(LiquidIssue) -> Expression {
        let token = current
        switch token.kind {
        case .string: advance(); return .literal(.plain(.string(text(of: token))), token.range)
        case .integer(let value): advance(); return .literal(.plain(.int(value)), token.range)
        case .float(let value): advance(); return .literal(.plain(.double(value)), token.range)
        case .leftParen:
            // The whole literal `(1..3)`, up to its closing parenthesis when there is one.
            let close = tokens[position...].first { $0.kind == .rightParen }
            let end = close?.range.upperBound ?? token.range.upperBound
            throw LiquidIssue(
                kind: .unsupportedSyntax, message: "range literals are not supported in automail templates",
                range: token.range.lowerBound..<max(end, token.range.upperBound))
        case .word:
            advance()
            if let value = keywordValue(token) { return .literal(value, token.range) }
            return try parsePathRest(root: .property(text(of: token), token.range), start: token.range.lowerBound)
        case .leftBracket:
            let root = try parseIndex()
            return try parsePathRest(root: root, start: token.range.lowerBound)
        default:
            throw unexpected("a value")
        }
    }

    /// The value of word `token` when it is a literal keyword (`true`, `false`, `nil`, `null`, `empty`,
    /// `blank`), told apart by its length first.
    private func keywordValue(_ token: ExpressionToken) -> Value? {
        switch token.units.count {
        case 3: return isWord(token, "nil") ? .nil : nil
        case 4: return isWord(token, "true") ? .plain(.bool(true)) : isWord(token, "null") ? .nil : nil
        case 5:
            if isWord(token, "false") { return .plain(.bool(false)) }
            if isWord(token, "empty") { return .empty }
            return isWord(token, "blank") ? .blank : nil
        default: return nil
        }
    }

    private mutating func parseIndex() throws(LiquidIssue) -> PathSegment {
        let open = current
        try expect(.leftBracket, "`[`")
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw LiquidIssue(
                kind: .unsupportedSyntax, message: "brackets are nested deeper than \(Self.maximumDepth) levels",
                range: open.range)
        }
        let inner = try parsePrimary()
        try expect(.rightBracket, "`]`")
        return .index(inner)
    }

    private mutating func parsePathRest(root: PathSegment, start: Int) throws(LiquidIssue) -> Expression {
        var segments: [PathSegment] = []
        var end = tokens[max(0, position - 1)].range.upperBound
        while true {
            switch current.kind {
            case .dot:
                advance()
                guard current.kind == .word else { throw unexpected("a property name after `.`") }
                segments.append(.property(text(of: current), current.range))
                end = current.range.upperBound
                advance()
            case .leftBracket:
                segments.append(try parseIndex())
                end = tokens[max(0, position - 1)].range.upperBound
            default:
                return .path(root: root, segments: segments, range: start..<end)
            }
        }
    }

    /// An expression with optional filters, up to the end of markup.
    mutating func parseFiltered() throws(LiquidIssue) -> FilteredExpression {
        let base = try parsePrimary()
        var filters: [FilterCall] = []
        while current.kind == .pipe {
            advance()
            guard current.kind == .word else { throw unexpected("a filter name after `|`") }
            let name = text(of: current)
            let nameRange = current.range
            advance()
            var call = FilterCall(name: name, nameRange: nameRange, positional: [], keywords: [], range: nameRange)
            if current.kind == .colon {
                advance()
                repeat {
                    if current.kind == .comma { advance() }
                    if current.kind == .word, tokens[position + 1].kind == .colon {
                        let keyword = text(of: current)
                        advance()
                        advance()
                        call.keywords.append((keyword, try parsePrimary()))
                    } else {
                        call.positional.append(try parsePrimary())
                    }
                } while current.kind == .comma
            }
            call.range = nameRange.lowerBound..<tokens[max(0, position - 1)].range.upperBound
            filters.append(call)
        }
        try expectEnd()
        return FilteredExpression(base: base, filters: filters)
    }

    /// A condition of `if`, `elsif` or `unless`, up to the end of markup.
    mutating func parseCondition() throws(LiquidIssue) -> Condition {
        var condition = Condition(comparisons: [], joinedByAnd: [])
        while true {
            let left = try parsePrimary()
            var comparison = Condition.Comparison(left: left, comparison: nil)
            if case .comparison(let op) = current.kind {
                advance()
                comparison.comparison = (op, try parsePrimary())
            } else if currentIs("contains") {
                advance()
                comparison.comparison = (.contains, try parsePrimary())
            }
            condition.comparisons.append(comparison)
            if currentIs("and") {
                condition.joinedByAnd.append(true)
            } else if currentIs("or") {
                condition.joinedByAnd.append(false)
            } else {
                try expectEnd()
                return condition
            }
            advance()
        }
    }
}
