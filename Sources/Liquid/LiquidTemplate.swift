/// A parsed template in automail's Liquid subset, ready to analyse and render.
///
/// Its parts are held in one immutable object: a template is copied into every table of parsed texts
/// and passed through every rule, and a copy retains one reference rather than its seven arrays and
/// strings.
public struct LiquidTemplate: Sendable {
    /// The parts of a template, shared by its copies.
    private final class Storage: Sendable {
        let source: String
        let nodes: [Node]
        let variables: [LiquidVariableReference]
        let filters: [LiquidFilterReference]
        let printed: [LiquidPrintedValue]
        let outputs: [Range<Int>]
        let tags: [LiquidTagReference]
        let readsTextBetweenConstructs: Bool
        let bindsNames: Bool

        init(
            source: String, nodes: [Node], variables: [LiquidVariableReference], filters: [LiquidFilterReference],
            printed: [LiquidPrintedValue], outputs: [Range<Int>], tags: [LiquidTagReference],
            readsTextBetweenConstructs: Bool, bindsNames: Bool
        ) {
            self.source = source
            self.nodes = nodes
            self.variables = variables
            self.filters = filters
            self.printed = printed
            self.outputs = outputs
            self.tags = tags
            self.readsTextBetweenConstructs = readsTextBetweenConstructs
            self.bindsNames = bindsNames
        }
    }

    private let storage: Storage

    init(
        source: String, nodes: [Node], variables: [LiquidVariableReference], filters: [LiquidFilterReference],
        printed: [LiquidPrintedValue], outputs: [Range<Int>], tags: [LiquidTagReference],
        readsTextBetweenConstructs: Bool = false, bindsNames: Bool = false
    ) {
        storage = Storage(
            source: source, nodes: nodes, variables: variables, filters: filters, printed: printed, outputs: outputs,
            tags: tags, readsTextBetweenConstructs: readsTextBetweenConstructs, bindsNames: bindsNames)
    }

    /// The template source.
    public var source: String { storage.source }
    var nodes: [Node] { storage.nodes }
    /// Every variable path the template reads, in source order, except names bound earlier by
    /// `assign` or `capture`. A path stops before its first dynamic index (`a[b]` reads `a` and `b`).
    public var variables: [LiquidVariableReference] { storage.variables }
    /// Every filter applied, in source order.
    public var filters: [LiquidFilterReference] { storage.filters }
    /// Every variable printed by an output (`{{ contact.district | upcase }}`) whose path is made of
    /// names only, in source order: what an output prints, before any filter.
    public var printed: [LiquidPrintedValue] { storage.printed }
    /// The range of every `{{ … }}` output, in source order (comments and `raw` bodies excluded).
    public var outputs: [Range<Int>] { storage.outputs }
    /// Every tag, in source order (comments and `raw` bodies excluded, `comment` itself included).
    public var tags: [LiquidTagReference] { storage.tags }
    /// Whether a tag is one of ``readsTextBetweenConstructs`` (`case`, `comment`, `raw`…), as the parser
    /// found its tags: ``hasConstructs(alikeIn:)`` asks it without hashing every tag's name.
    var readsTextBetweenConstructs: Bool { storage.readsTextBetweenConstructs }
    /// Whether a tag is `assign` or `capture`, as the parser found its tags: without one, ``bindings`` is
    /// empty, known without walking the nodes.
    var bindsNames: Bool { storage.bindsNames }

    /// Parses `source`, collecting every issue found; the template is `nil` when there is any.
    public static func parse(_ source: String) -> LiquidParseResult {
        // A text without `{{` or `{%` (most subjects) is one text node, as ``parseFully(_:)`` finds:
        // no scalars decoded, no tokens.
        guard hasOpening(source) else {
            let template = LiquidTemplate(
                source: source, nodes: source.isEmpty ? [] : [.text(source[...])], variables: [], filters: [],
                printed: [], outputs: [], tags: [])
            return LiquidParseResult(template: template, issues: [])
        }
        return parseFully(source)
    }

    /// Whether `source` holds `{{` or `{%`: without either, ``parse(_:)`` finds one text node at once,
    /// without decoding it (``hasOpening(_:)``).
    public static func hasMarkup(_ source: String) -> Bool { hasOpening(source) }

    /// Whether `source` holds `{{` or `{%` (``LiquidDelimiters/nextOpening(from:)`` finds one), by its
    /// UTF-8 bytes: `{`, `%` are ASCII, and no byte of a multi-byte scalar is.
    static func hasOpening(_ source: String) -> Bool {
        var source = source
        return source.withUTF8 { bytes in
            guard bytes.count > 1 else { return false }
            // `i + 1 < bytes.count` keeps both reads within the buffer.
            var i = 0
            while i + 1 < bytes.count {
                if bytes[i] == UInt8(ascii: "{") {
                    let next = bytes[i + 1]
                    if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// ``parse(_:)`` without its shortcut for a text without markup: the definition its differential
    /// test holds the shortcut to.
    static func parseFully(_ source: String) -> LiquidParseResult {
        parseFully(source, reading: UTF8Markup(source))
    }

    /// ``parseFully(_:)`` on the decoded scalars of `source`: the definition its differential test
    /// holds the parser on bytes to (`ByteParserDifferentialTests`).
    static func parseFullyByScalars(_ source: String) -> LiquidParseResult {
        parseFully(source, reading: ScalarText.scalars(of: source))
    }

    /// Parses `source`, read as `text` (its scalars or its bytes).
    private static func parseFully<Text: MarkupText>(_ source: String, reading text: Text) -> LiquidParseResult {
        var parser = TemplateParser(source: source, text: text)
        let nodes = parser.parse()
        guard parser.issues.isEmpty else { return LiquidParseResult(template: nil, issues: parser.issues) }
        // The references, recorded by the parser as it made the nodes (the walk of `nodes` in
        // `AnalysisDifferentialTests` is their definition).
        let analysis = parser.analysis
        let template = LiquidTemplate(
            source: source, nodes: nodes, variables: analysis.variables, filters: analysis.filters,
            printed: analysis.printed, outputs: parser.outputs, tags: parser.tags,
            readsTextBetweenConstructs: parser.readsTextBetweenConstructs, bindsNames: parser.bindsNames)
        return LiquidParseResult(template: template, issues: [])
    }

    /// Cuts `source` into text, outputs and tags; concatenating the tokens' texts gives `source`.
    /// The body of a `raw` block is one text token; unclosed markup runs to the end of the source.
    public static func tokenize(_ source: String) -> [LiquidToken] {
        let scalars = ScalarText.scalars(of: source)
        return Lexer(scalars).tokens().map { token in
            let kind: LiquidToken.Kind
            switch token.kind {
            case .text, .rawBody: kind = .text
            case .output: kind = .output
            case .tag: kind = .tag(scalars.name(of: token))
            }
            return LiquidToken(kind: kind, range: token.range, text: string(scalars[token.range]))
        }
    }
}

/// What `LiquidTemplate.parse` found: a template, or the issues that refuse it.
public struct LiquidParseResult: Sendable {
    /// The parsed template; `nil` when `issues` is not empty.
    public var template: LiquidTemplate?
    /// Every issue found, in source order.
    public var issues: [LiquidIssue]
}

/// A variable path read by a template, e.g. `["contact", "firstname"]`.
public struct LiquidVariableReference: Sendable, Hashable {
    /// The path's static segments: names and quoted bracket keys, up to the first dynamic index.
    public var path: [String]
    /// The whole path expression, in Unicode scalar offsets.
    public var range: Range<Int>
}

/// A variable printed by an output tag: `contact.interests` in `{{ contact.interests | size }}`.
public struct LiquidPrintedValue: Sendable, Hashable {
    /// The path's names, e.g. `["contact", "interests"]`.
    public var path: [String]
    /// The path expression, in Unicode scalar offsets.
    public var range: Range<Int>
    /// The first filter applied to it, if any.
    public var firstFilter: String?
}

/// A filter applied by a template.
public struct LiquidFilterReference: Sendable, Hashable {
    /// The filter name, e.g. `default`.
    public var name: String
    /// The filter name and its arguments, in Unicode scalar offsets.
    public var range: Range<Int>
}

/// A tag of a template.
public struct LiquidTagReference: Sendable, Hashable {
    /// The tag name, e.g. `if` or `endif`.
    public var name: String
    /// The whole tag `{% … %}`, in Unicode scalar offsets.
    public var range: Range<Int>
}

/// Tags automail supports, and Liquid tags it refuses (for clearer messages).
extension LiquidTemplate {
    /// The filters automail's Liquid subset supports, in the order the documentation lists them: the
    /// single source of every list of filters (`automail explain AM606`, README.md, docs/).
    public static var supportedFilters: [String] { FilterSpec.registry.map(\.name) }
}

enum TagNames {
    static let supported = [
        "if", "elsif", "else", "endif", "unless", "endunless", "case", "when", "endcase",
        "comment", "endcomment", "raw", "endraw", "assign", "capture", "endcapture",
    ]
    /// What other template languages (Jinja, Django, Twig, Handlebars) call a supported tag.
    static let aliases: [String: String] = [
        "set": "assign", "elif": "elsif", "elseif": "elsif", "switch": "case", "endswitch": "endcase",
        "default": "else",
    ]
    static let liquid: Set<String> = [
        "for", "endfor", "break", "continue", "cycle", "tablerow", "endtablerow", "include", "render",
        "liquid", "echo", "increment", "decrement", "ifchanged", "endifchanged", "doc", "enddoc", "#",
        "layout", "block", "endblock", "section", "sections", "paginate", "endpaginate", "form", "endform",
        "style", "endstyle", "javascript", "stylesheet", "schema", "content_for",
    ]
}

/// Builds the node tree from tokens with an explicit stack (no recursion). It reads the template as
/// ``MarkupText`` units (its UTF-8 bytes, or its scalars for the definition); every range it reports
/// is in Unicode scalars.
struct TemplateParser<Text: MarkupText> {
    static var maximumNesting: Int { 100 }
    /// Parsing stops after this many issues, which bounds the work a hostile template causes.
    static var maximumIssues: Int { 100 }

    struct Frame {
        enum Kind: Equatable {
            case root, ifTag, unlessTag, caseTag
            case capture(String)
            case comment
        }
        var kind: Kind
        var range: Range<Int>
        /// The tag that opens the block (`.other` for the root).
        var tag: TagName
        /// The branches of an `if` or `unless`, each with its condition and opening tag; the body of the
        /// last one is the parser's ``TemplateParser/body`` until the next branch or the end (one array a
        /// block, rather than its conditions, tag ranges and bodies apart, zipped into branches at the end).
        var branches: [Node.Branch] = []
        var whens: [[Expression]?] = []
        /// The bodies of a `case` closed so far: the one being filled is the parser's ``TemplateParser/body``.
        var bodies: [[Node]] = []
        /// The body of the enclosing block, set aside while this one is open.
        var enclosing: [Node] = []
        /// The tag that opens each body of a `case` (`when`, `else`), in order; the first is the tag of its
        /// preamble.
        var tagRanges: [Range<Int>] = []
        var caseSubject: Expression?

        var name: String { tag.rawValue }
        /// The tag that closes the block (`.other`, which no closing tag is, for the root).
        var endTag: TagName {
            switch tag {
            case .if: .endif
            case .unless: .endunless
            case .case: .endcase
            case .capture: .endcapture
            case .comment: .endcomment
            default: .other
            }
        }
        var endName: String { endTag.rawValue }
    }

    let scalars: Text
    /// Copies text and `raw` bodies straight from the source's UTF-8 bytes (when read as scalars).
    private var slicer: SourceSlicer
    var issues: [LiquidIssue] = []
    var outputs: [Range<Int>] = []
    var tags: [LiquidTagReference] = []
    /// Whether a tag of ``tags`` is `case`, `when`, `endcase`, `comment`, `raw` or `endraw`
    /// (`LiquidTemplate.readsTextBetweenConstructs`).
    var readsTextBetweenConstructs = false
    /// Whether a tag of ``tags`` is `assign` or `capture` (`LiquidTemplate.bindsNames`).
    var bindsNames = false
    /// The variables and filters of the nodes made so far, in source order (what a walk of them gives once
    /// the template parses without issue: `AnalysisDifferentialTests`).
    var analysis = Analysis()
    /// The open blocks, the root first.
    private var stack: [Frame]
    /// The body being filled, of the innermost open block: held apart from ``stack``, so that a node is
    /// appended to one array rather than through two levels of arrays of the stack.
    private var body: [Node] = []
    /// The tokens of the expression being parsed: one array for every expression of the template.
    private var expressionTokens: [ExpressionToken] = []

    init(source: String, text: Text) {
        scalars = text
        slicer = SourceSlicer(source: source, scalarCount: text.count)
        stack = [Frame(kind: .root, range: 0..<0, tag: .other)]
    }

    private mutating func append(_ node: consuming Node) {
        body.append(node)
    }

    /// Closes the body being filled and opens the next body of the innermost block: an `if` or `unless`
    /// gives the body to its last branch.
    private mutating func startBody() {
        var closed: [Node] = []
        swap(&closed, &body)
        let top = stack.count - 1
        let branch = stack[top].branches.count - 1
        if branch >= 0 {
            stack[top].branches[branch].body = closed
        } else {
            stack[top].bodies.append(closed)
        }
        reserveBody()
    }

    /// Room in a body just opened for a short body's nodes (a text, an output, a text) at once: one
    /// allocation rather than growing from empty two or three times.
    private mutating func reserveBody() { body.reserveCapacity(4) }

    /// Closes the innermost block (never the root): its frame and the body it was filling; the body of
    /// the enclosing block is open again.
    private mutating func pop() -> (frame: Frame, last: [Node])? {
        guard stack.count > 1, var frame = stack.popLast() else { return nil }
        var last: [Node] = []
        swap(&last, &body)
        swap(&body, &frame.enclosing)
        return (frame, last)
    }

    private mutating func report(_ kind: LiquidIssue.Kind, _ message: String, help: String? = nil, _ range: Range<Int>)
    {
        issues.append(LiquidIssue(kind: kind, message: message, help: help, range: range))
    }

    /// The source text of units `range`.
    private mutating func text(_ range: Range<Int>) -> Substring { scalars.substring(range, slicer: &slicer) }

    mutating func parse() -> [Node] {
        var lexer = Lexer(scalars)
        // Room for a short template's nodes, outputs, tags and expression tokens at once (small
        // allocations, each from the allocator's cache of its size).
        body.reserveCapacity(8)
        outputs.reserveCapacity(4)
        tags.reserveCapacity(4)
        expressionTokens.reserveCapacity(16)
        // The tokens are read as the lexer cuts them: the one after the current one (a text is trimmed
        // before a `{{-` or `{%-`) and the last one before it (after a `-}}` or `-%}`).
        var upcoming = lexer.next()
        var previous: RawToken?
        while let token = upcoming, issues.count < Self.maximumIssues {
            upcoming = lexer.next()
            // The last token read (the `endraw` of a `raw` block, which reads its body and its end).
            var last = token
            defer { previous = last }
            if stack.last?.kind == .comment {
                guard token.kind == .tag, token.closed else { continue }
                if token.tag == .comment {
                    push(Frame(kind: .comment, range: token.scalarRange, tag: .comment))
                } else if token.tag == .endcomment {
                    _ = pop()
                    if stack.last?.kind != .comment { append(.comment) }
                }
                continue
            }
            switch token.kind {
            case .text:
                var lower = token.range.lowerBound
                var upper = token.range.upperBound
                if previous?.trimRight == true {
                    while lower < upper && isWhitespace(scalars[lower]) { lower += 1 }
                }
                if upcoming?.trimLeft == true {
                    while upper > lower && isWhitespace(scalars[upper - 1]) { upper -= 1 }
                }
                if lower < upper { append(.text(text(lower..<upper))) }
            case .rawBody:
                append(.raw(text(token.range)))
            case .output:
                guard token.closed else {
                    report(
                        .syntax, "output `{{` is never closed with `}}`",
                        token.scalarRange.lowerBound..<(token.scalarRange.lowerBound + 2))
                    continue
                }
                outputs.append(token.scalarRange)
                do {
                    var parser = try ExpressionParser(scalars, range: token.inner, reusing: &expressionTokens)
                    let expression = try parser.parseFiltered()
                    checkFilters(expression)
                    analysis.visitOutput(expression)
                    append(.output(expression, range: token.scalarRange))
                } catch {
                    issues.append(error)
                    scanFilters(token.inner, after: error.range)
                }
            case .tag:
                guard token.closed else {
                    report(
                        .syntax, "tag `{%` is never closed with `%}`",
                        token.scalarRange.lowerBound..<(token.scalarRange.lowerBound + 2))
                    continue
                }
                tags.append(LiquidTagReference(name: scalars.name(of: token), range: token.scalarRange))
                switch token.tag {
                case .case, .when, .endcase, .comment, .raw, .endraw: readsTextBetweenConstructs = true
                case .assign, .capture: bindsNames = true
                default: break
                }
                if token.tag == .raw {
                    // The lexer always follows `raw` with its body, then `endraw` when there is one.
                    if let next = upcoming, next.kind == .rawBody {
                        append(.raw(text(next.range)))
                        last = next
                        upcoming = lexer.next()
                    }
                    if let next = upcoming, next.kind == .tag, next.tag == .endraw {
                        tags.append(LiquidTagReference(name: "endraw", range: next.scalarRange))
                        last = next
                        upcoming = lexer.next()
                    } else {
                        report(.syntax, "`raw` tag is never closed with `endraw`", token.scalarRange)
                    }
                    continue
                }
                do {
                    try handleTag(token)
                } catch {
                    issues.append(error)
                    scanFilters(token.inner, after: error.range)
                }
            }
        }
        while let (frame, _) = pop() {
            report(.syntax, "`\(frame.name)` tag is never closed with `\(frame.endName)`", frame.range)
        }
        return body
    }

    /// Opens a block: the body being filled is set aside in `frame` until the block closes.
    private mutating func push(_ frame: consuming Frame) {
        if stack.count > Self.maximumNesting {
            report(.unsupportedSyntax, "blocks are nested deeper than \(Self.maximumNesting) levels", frame.range)
        }
        // A comment's body holds no node.
        let holdsNodes = frame.kind != .comment
        swap(&frame.enclosing, &body)
        stack.append(frame)
        if holdsNodes { reserveBody() }
    }

    private mutating func handleTag(_ token: RawToken) throws(LiquidIssue) {
        let markup = token.nameRange.upperBound..<token.inner.upperBound
        func expressionParser() throws(LiquidIssue) -> ExpressionParser<Text> {
            try ExpressionParser(scalars, range: markup, reusing: &expressionTokens)
        }
        func expectNoMarkup() throws(LiquidIssue) {
            let parser = try expressionParser()
            try parser.expectEnd()
        }
        switch token.tag {
        case .if, .unless:
            // Push first so that a malformed condition does not unbalance the blocks that follow.
            push(Frame(kind: token.tag == .if ? .ifTag : .unlessTag, range: token.scalarRange, tag: token.tag))
            // Room for an `else` (or an `elsif`) at once, made in the frame on the stack: a frame filled
            // before it was pushed shared its branches with the copy pushed, and the first change copied them.
            stack[stack.count - 1].branches.reserveCapacity(2)
            stack[stack.count - 1].branches.append(Node.Branch(condition: nil, body: [], tagRange: token.scalarRange))
            var parser = try expressionParser()
            let condition = try parser.parseCondition()
            analysis.visit(condition)
            stack[stack.count - 1].branches[0].condition = condition
        case .elsif:
            guard let top = stack.last, top.kind == .ifTag || top.kind == .unlessTag else {
                throw misplaced(token)
            }
            startBody()
            stack[stack.count - 1].branches.append(Node.Branch(condition: nil, body: [], tagRange: token.scalarRange))
            var parser = try expressionParser()
            let condition = try parser.parseCondition()
            analysis.visit(condition)
            stack[stack.count - 1].branches[stack[stack.count - 1].branches.count - 1].condition = condition
        case .else:
            // Liquid ignores anything after `else`.
            let kind = stack.last?.kind
            guard kind == .ifTag || kind == .unlessTag || kind == .caseTag else { throw misplaced(token) }
            startBody()
            if kind == .caseTag {
                stack[stack.count - 1].whens.append(nil)
                stack[stack.count - 1].tagRanges.append(token.scalarRange)
            } else {
                stack[stack.count - 1].branches.append(
                    Node.Branch(condition: nil, body: [], tagRange: token.scalarRange))
            }
        case .case:
            var frame = Frame(kind: .caseTag, range: token.scalarRange, tag: .case)
            // Room for the preamble and two branches at once: these arrays live only while the block is open.
            frame.tagRanges.reserveCapacity(3)
            frame.tagRanges.append(token.scalarRange)
            frame.whens.reserveCapacity(2)
            frame.bodies.reserveCapacity(3)
            push(frame)
            var parser = try expressionParser()
            let subject = try parser.parsePrimary()
            try parser.expectEnd()
            analysis.visitCase(subject)
            stack[stack.count - 1].caseSubject = subject
        case .when:
            guard stack.last?.kind == .caseTag else { throw misplaced(token) }
            stack[stack.count - 1].whens.append([])
            startBody()
            stack[stack.count - 1].tagRanges.append(token.scalarRange)
            var parser = try expressionParser()
            var candidates = [try parser.parsePrimary()]
            while parser.current.kind == .comma || parser.currentIs("or") {
                parser.advance()
                candidates.append(try parser.parsePrimary())
            }
            try parser.expectEnd()
            for candidate in candidates { analysis.visitCase(candidate) }
            stack[stack.count - 1].whens[stack[stack.count - 1].whens.count - 1] = candidates
        case .comment:
            push(Frame(kind: .comment, range: token.scalarRange, tag: .comment))
        case .assign:
            var parser = try expressionParser()
            let variable = try parseBindingName(&parser, tag: "assign")
            try parser.expect(.assign, "`=`")
            let expression = try parser.parseFiltered()
            checkFilters(expression)
            analysis.visitAssign(expression, binding: variable)
            append(.assign(name: variable, expression, range: token.scalarRange))
        case .capture:
            push(Frame(kind: .capture(""), range: token.scalarRange, tag: .capture))
            var parser = try expressionParser()
            let variable = try parseBindingName(&parser, tag: "capture")
            try parser.expectEnd()
            stack[stack.count - 1].kind = .capture(variable)
        case .endif, .endunless, .endcase, .endcapture, .endcomment, .endraw:
            try expectNoMarkup()
            try close(token)
        case .raw, .other:
            // `raw` never comes here (``parse()`` takes it): any other name is unknown or refused.
            guard !token.nameRange.isEmpty else {
                throw LiquidIssue(kind: .syntax, message: "expected a tag name after `{%`", range: token.scalarRange)
            }
            let name = scalars.name(of: token)
            if TagNames.liquid.contains(name) {
                throw LiquidIssue(
                    kind: .unsupportedTag(name), message: "tag `\(name)` is not supported in automail templates",
                    help: "the supported tags are `if`, `unless`, `case`, `assign`, `capture`, `comment` and `raw`",
                    range: token.scalarNameRange)
            }
            let suggestion = TagNames.aliases[name] ?? closestName(to: name, in: TagNames.supported)
            throw LiquidIssue(
                kind: .unsupportedTag(name), message: "unknown tag `\(name)`",
                help: suggestion.map { "did you mean `\($0)`?" }, range: token.scalarNameRange)
        }
    }

    /// The tag that opens body `index` of `frame` (the block's own tag when it is not recorded).
    private static func tagRange(_ frame: Frame, _ index: Int) -> Range<Int> {
        index < frame.tagRanges.count ? frame.tagRanges[index] : frame.range
    }

    private func misplaced(_ token: RawToken) -> LiquidIssue {
        LiquidIssue(
            kind: .syntax, message: "unexpected `\(token.tag.rawValue)` tag outside of a block that accepts it",
            range: token.scalarRange)
    }

    private func parseBindingName(_ parser: inout ExpressionParser<Text>, tag: String) throws(LiquidIssue) -> String {
        let token = parser.current
        switch token.kind {
        case .word where scalars[token.units.upperBound - 1] != "?":
            parser.advance()
            return parser.text(of: token)
        case .integer(let value) where value >= 0 && !(scalars[token.units.lowerBound] == "-"):
            parser.advance()
            return String(value)
        default:
            throw parser.unexpected("a variable name after `\(tag)`")
        }
    }

    private mutating func close(_ token: RawToken) throws(LiquidIssue) {
        guard let depth = stack.lastIndex(where: { $0.endTag == token.tag }), depth > 0 else {
            throw LiquidIssue(
                kind: .syntax, message: "unexpected `\(token.tag.rawValue)` without an open block",
                range: token.scalarRange)
        }
        while stack.count - 1 > depth, let (frame, _) = pop() {
            report(.syntax, "`\(frame.name)` tag is never closed with `\(frame.endName)`", frame.range)
        }
        guard case (var frame, let last)? = pop() else { return }
        let range = frame.range.lowerBound..<token.scalarRange.upperBound
        switch frame.kind {
        case .root, .comment:
            break
        case .ifTag, .unlessTag:
            // The last branch's body, given in place (`ParserSnapshotTests` holds the branches to those
            // the parser of 749a534 zipped from the conditions, tag ranges and bodies kept apart).
            var branches: [Node.Branch] = []
            swap(&branches, &frame.branches)
            if !branches.isEmpty { branches[branches.count - 1].body = last }
            let isBlank = branches.allSatisfy { $0.body.allSatisfy(\.isBlank) }
            append(
                .conditional(branches: branches, negateFirst: frame.kind == .unlessTag, isBlank: isBlank, range: range))
        case .caseTag:
            // The last body appended in place: a copy of the frame's bodies, shared with the frame, grew a
            // second buffer.
            frame.bodies.append(last)
            let bodies = frame.bodies
            let preamble = bodies.first ?? []
            if !preamble.allSatisfy({ if case .text = $0 { return $0.isBlank } else { return false } }) {
                report(.syntax, "unexpected content between `case` and its first `when`", frame.range)
            }
            let whenBodies = bodies.dropFirst()
            let branches = zip(frame.whens, whenBodies).enumerated().map { index, pair in
                Node.CaseBranch(candidates: pair.0, body: pair.1, tagRange: Self.tagRange(frame, index + 1))
            }
            let isBlank = whenBodies.allSatisfy { $0.allSatisfy(\.isBlank) }
            if let subject = frame.caseSubject {
                append(.caseTag(subject: subject, branches: branches, isBlank: isBlank, range: range))
            }
        case .capture(let name):
            // A capture has one body, the last (no `elsif`, `else` or `when` starts another in it).
            analysis.bind(name)
            append(.capture(name: name, body: last, range: range))
        }
    }

    /// After a syntax error, still reports unsupported filters named in the rest of the markup
    /// (`| name` outside quotes), so that a refusal names every construct outside the subset. `range`
    /// is in units, `error` in scalars.
    private mutating func scanFilters(_ range: Range<Int>, after error: Range<Int>) {
        var quote: Unicode.Scalar?
        var i = range.lowerBound
        while i < range.upperBound {
            let c = scalars[i]
            i += 1
            if let open = quote {
                if c == open { quote = nil }
                continue
            }
            if c == "'" || c == "\"" { quote = c; continue }
            guard c == "|" else { continue }
            while i < range.upperBound && isWhitespace(scalars[i]) { i += 1 }
            let start = i
            while i < range.upperBound && (isWordScalar(scalars[i]) || scalars[i] == "-") { i += 1 }
            guard i > start else { continue }
            let nameRange = scalars.scalarOffset(start)..<scalars.scalarOffset(i)
            guard nameRange.lowerBound >= error.upperBound || error.lowerBound >= nameRange.upperBound else { continue }
            let call = FilterCall(
                name: scalars.string(start..<i), nameRange: nameRange, positional: [], keywords: [], range: nameRange)
            if FilterSpec.supported[call.name] == nil, let issue = FilterSpec.check(call) { issues.append(issue) }
        }
    }

    private mutating func checkFilters(_ expression: FilteredExpression) {
        for call in expression.filters {
            if let issue = FilterSpec.check(call) { issues.append(issue) }
        }
    }
}

/// Cuts ranges of a source, given in Unicode-scalar offsets, as substrings of the source: no copy of
/// the bytes, nor encoding every scalar again (`ScalarText.string`, which a text node cost before,
/// counted and encoded each scalar: two passes a text).
///
/// `scalars` must be `ScalarText.scalars(of: source)`: the source is valid UTF-8, so every scalar
/// decoded from it spans `UTF8.width` bytes of it. When the source is ASCII (as many scalars as
/// bytes) a scalar offset is its byte offset; otherwise a cursor walks the scalars' widths forward,
/// linear in the source when the ranges asked for come in source order (the parser's texts do), and
/// restarting from the start when one goes backwards.
struct SourceSlicer {
    let source: String
    let isASCII: Bool
    private var scalarCursor = 0
    private var byteCursor = 0

    init(source: String, scalarCount: Int) {
        self.source = source
        self.isASCII = source.utf8.count == scalarCount
    }

    /// The UTF-8 offset of scalar offset `offset` (`0...scalars.count`).
    private mutating func byteOffset(_ offset: Int, of scalars: [Unicode.Scalar]) -> Int {
        if isASCII { return offset }
        if offset < scalarCursor {
            scalarCursor = 0
            byteCursor = 0
        }
        guard scalarCursor < offset else { return byteCursor }
        // Walked on the source's UTF-8 bytes, whose scalars `scalars` are: a lead byte gives its scalar's
        // width, and eight ASCII bytes (their high bits clear) are eight scalars at once.
        let target = min(offset, scalars.count)
        var source = source
        (scalarCursor, byteCursor) = source.withUTF8 { [scalarCursor, byteCursor] bytes in
            var n = scalarCursor
            var b = byteCursor
            let count = bytes.count
            guard let base = bytes.baseAddress else { return (n, b) }
            while n < target, b < count {
                // `b + 8 <= count` keeps the load within the bytes; `n + 8 <= target` the scalars within the range.
                if n + 8 <= target, b + 8 <= count,
                    UnsafeRawPointer(base + b).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    n += 8
                    b += 8
                    continue
                }
                let lead = bytes[b]
                b += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                n += 1
            }
            return (n, min(b, count))
        }
        return byteCursor
    }

    /// The text of `range` (scalar offsets within `scalars`): `ScalarText.string(scalars[range])`.
    mutating func text(_ range: Range<Int>, of scalars: [Unicode.Scalar]) -> Substring {
        guard !range.isEmpty else { return "" }
        let lower = byteOffset(range.lowerBound, of: scalars)
        let upper = byteOffset(range.upperBound, of: scalars)
        let utf8 = source.utf8
        // Both offsets fall on scalar boundaries (sums of whole scalars' widths), within the source.
        let start = utf8.index(utf8.startIndex, offsetBy: lower)
        let end = utf8.index(start, offsetBy: upper - lower)
        return source[start..<end]
    }
}
