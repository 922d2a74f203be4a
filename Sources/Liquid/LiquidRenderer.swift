extension LiquidTemplate {
    /// Renders the template with `context` (an object of global variables) the way Liquid does.
    /// Fails where Liquid would raise, and where engines disagree (e.g. printing a non-empty object).
    public func render(_ context: LiquidValue) -> Result<String, LiquidRenderError> {
        var globals: [String: LiquidValue] = [:]
        if case .object(let object) = context { globals = object }
        var renderer = Renderer(globals: globals)
        var output = ""
        do {
            try renderer.render(nodes, into: &output)
            return .success(output)
        } catch {
            return .failure(error)
        }
    }
}

/// Walks the node tree; the tree is at most `TemplateParser.maximumNesting` deep.
struct Renderer {
    /// The longest string a template may build, in Unicode scalars: bounds hostile templates.
    static let maximumLength = 4_000_000

    let globals: [String: LiquidValue]
    var locals: [String: Value] = [:]
    var currentRange: Range<Int> = 0..<0
    /// When set, blocks whose outcome depends on the contact take the branch it chooses, not the one
    /// their condition selects (``LiquidTemplate/renderEveryPath(_:knownRoots:limit:)``).
    var chooser: PathChooser?

    init(globals: [String: LiquidValue]) { self.globals = globals }

    func fail(_ message: String) -> LiquidRenderError {
        LiquidRenderError(message: message, range: currentRange)
    }

    func checkLength(_ text: String) throws(LiquidRenderError) {
        // A text of at most `maximumLength` bytes has at most that many scalars: counted only past it.
        let bytes = text.utf8.count
        if bytes > Self.maximumLength * 4
            || (bytes > Self.maximumLength && text.unicodeScalars.count > Self.maximumLength)
        {
            throw fail("rendered text is longer than \(Self.maximumLength) characters")
        }
    }

    mutating func render(_ nodes: [Node], into output: inout String) throws(LiquidRenderError) {
        for node in nodes {
            switch node {
            case .text(let text), .raw(let text):
                output.append(contentsOf: text)
            case .comment:
                break
            case .output(let expression, let range):
                currentRange = range
                output += try outputString(evaluate(expression))
            case .assign(let name, let expression, let range):
                currentRange = range
                locals[name] = try evaluate(expression)
            case .capture(let name, let body, _):
                var captured = ""
                try render(body, into: &captured)
                locals[name] = .plain(.string(captured))
            case .conditional(let branches, let negateFirst, let isBlank, let range):
                for (index, branch) in branches.enumerated() {
                    currentRange = range
                    var holds = true
                    if let condition = branch.condition {
                        if chooser != nil, !isKnown(condition) {
                            holds = choose(arity: 2, tag: branch.tagRange) == 0
                        } else {
                            holds = try evaluate(condition)
                            if index == 0 && negateFirst { holds.toggle() }
                        }
                    }
                    if holds {
                        try renderBlock(branch.body, isBlank: isBlank, into: &output)
                        break
                    }
                }
            case .caseTag(let subject, let branches, let isBlank, let range)
            where chooser != nil
                && !(isKnown(subject) && branches.allSatisfy { ($0.candidates ?? []).allSatisfy(isKnown) }):
                // One `when` matches, or none and every `else` renders.
                let whens = branches.indices.filter { branches[$0].candidates != nil }
                let choice = choose(arity: whens.count + 1, tag: choiceTag(branches, whens, range))
                for (position, branch) in branches.enumerated() {
                    let renders =
                        branch.candidates == nil ? choice == whens.count : whens.firstIndex(of: position) == choice
                    if renders { try renderBlock(branch.body, isBlank: isBlank, into: &output) }
                }
            case .caseTag(let subject, let branches, let isBlank, let range):
                currentRange = range
                let value = try evaluate(subject)
                var matchedBefore = false
                for branch in branches {
                    guard let candidates = branch.candidates else {
                        if !matchedBefore { try renderBlock(branch.body, isBlank: isBlank, into: &output) }
                        continue
                    }
                    for candidate in candidates {
                        currentRange = range
                        if liquidEquals(value, try evaluate(candidate)) {
                            matchedBefore = true
                            try renderBlock(branch.body, isBlank: isBlank, into: &output)
                        }
                    }
                }
            }
            try checkLength(output)
        }
    }

    // MARK: Paths

    /// Asks the chooser for one of `arity` outcomes at the block tag `tag`.
    private mutating func choose(arity: Int, tag: Range<Int>) -> Int {
        guard var current = chooser else { return 0 }
        let choice = current.choose(arity: arity, tag: tag)
        chooser = current
        return choice
    }

    /// The tag a `case` outcome is reported at: the chosen `when`, or the `case` itself for none.
    private func choiceTag(_ branches: [Node.CaseBranch], _ whens: [Int], _ range: Range<Int>) -> Range<Int> {
        let next = chooser?.nextChoice ?? 0
        return next < whens.count ? branches[whens[next]].tagRange : range.lowerBound..<range.lowerBound
    }

    /// Whether an expression's value is the same for every contact: literals, and paths from a known
    /// root that no `assign` or `capture` has shadowed.
    private func isKnown(_ expression: Expression) -> Bool {
        switch expression {
        case .literal: return true
        case .path(let root, let segments, _):
            guard case .property(let name, _) = root, locals[name] == nil,
                chooser?.knownRoots.contains(name) == true
            else { return false }
            return segments.allSatisfy {
                if case .index(let inner) = $0 { return isKnown(inner) }
                return true
            }
        }
    }

    private func isKnown(_ condition: Condition) -> Bool {
        condition.comparisons.allSatisfy { comparison in
            isKnown(comparison.left) && (comparison.comparison.map { isKnown($0.1) } ?? true)
        }
    }

    /// A blank block (only whitespace, assignments and comments) keeps its effects but not its text.
    private mutating func renderBlock(_ body: [Node], isBlank: Bool, into output: inout String)
        throws(LiquidRenderError)
    {
        if isBlank {
            var discarded = ""
            try render(body, into: &discarded)
        } else {
            try render(body, into: &output)
        }
    }

    // MARK: Expressions

    mutating func evaluate(_ expression: FilteredExpression) throws(LiquidRenderError) -> Value {
        var value = try evaluate(expression.base)
        for call in expression.filters {
            var positional: [Value] = []
            for argument in call.positional { positional.append(try evaluate(argument)) }
            var keywords: [String: Value] = [:]
            for (name, argument) in call.keywords { keywords[name] = try evaluate(argument) }
            value = try applyFilter(call.name, to: value, positional, keywords)
        }
        return value
    }

    func evaluate(_ expression: Expression) throws(LiquidRenderError) -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .path(let root, let segments, _):
            var value: Value
            switch root {
            case .property(let name, _):
                value = locals[name] ?? .plain(globals[name] ?? .nil)
            case .index(let inner):
                guard case .plain(.string(let name)) = try evaluate(inner) else { return .nil }
                value = locals[name] ?? .plain(globals[name] ?? .nil)
            }
            for segment in segments {
                let current = value.lowered
                switch segment {
                case .property(let name, _):
                    value = .plain(try property(name, of: current))
                case .index(let inner):
                    value = .plain(index(current, by: try evaluate(inner).lowered))
                }
            }
            return value
        }
    }

    /// `.name`, with Liquid's `size`, `first` and `last` when there is no such key.
    private func property(_ name: String, of value: LiquidValue) throws(LiquidRenderError) -> LiquidValue {
        if case .object(let object) = value, let found = object[name] { return found }
        switch (name, value) {
        case ("size", .string(let string)): return .int(string.unicodeScalars.count)
        case ("size", .array(let array)): return .int(array.count)
        case ("size", .object(let object)): return .int(object.count)
        case ("size", .int), ("size", .double):
            throw fail("`size` of a number differs between Liquid engines")
        case ("first", .array(let array)): return array.first ?? .nil
        case ("last", .array(let array)): return array.last ?? .nil
        case ("first", .object(let object)) where !object.isEmpty:
            throw fail("`first` of an object differs between Liquid engines")
        default: return .nil
        }
    }

    private func index(_ value: LiquidValue, by key: LiquidValue) -> LiquidValue {
        switch (value, key) {
        case (.object(let object), .string(let name)): return object[name] ?? .nil
        case (.array(let array), .int(let position)):
            let resolved = position < 0 ? array.count + position : position
            return array.indices.contains(resolved) ? array[resolved] : .nil
        default: return .nil
        }
    }

    // MARK: Conditions

    func evaluate(_ condition: Condition) throws(LiquidRenderError) -> Bool {
        // `a and b or c` is `a and (b or c)`: evaluate left to right, stopping when the rest cannot matter.
        for (index, comparison) in condition.comparisons.enumerated() {
            let result = try evaluate(comparison)
            guard index < condition.joinedByAnd.count else { return result }
            if condition.joinedByAnd[index] {
                if !result { return false }
            } else if result {
                return true
            }
        }
        return false
    }

    private func evaluate(_ comparison: Condition.Comparison) throws(LiquidRenderError) -> Bool {
        let left = try evaluate(comparison.left)
        guard let (op, rightExpression) = comparison.comparison else { return left.isTruthy }
        let right = try evaluate(rightExpression)
        switch op {
        case .equal: return liquidEquals(left, right)
        case .notEqual, .lessGreater: return !liquidEquals(left, right)
        case .contains: return contains(left, right)
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard case .plain(let a) = left, case .plain(let b) = right else { return false }
            let order: Int
            switch (a, b) {
            case (.int(let x), .int(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
            case (.int, .double), (.double, .int), (.double, .double):
                let x = a.doubleValue, y = b.doubleValue
                order = x < y ? -1 : (x == y ? 0 : 1)
            case (.string(let x), .string(let y)):
                order =
                    x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
                    ? -1
                    : (x.unicodeScalars.elementsEqual(y.unicodeScalars) ? 0 : 1)
            case (.string, .int), (.string, .double), (.int, .string), (.double, .string):
                throw fail("cannot compare a string with a number using `\(op.rawValue)`")
            default:
                return false
            }
            switch op {
            case .less: return order < 0
            case .greater: return order > 0
            case .lessOrEqual: return order <= 0
            default: return order >= 0
            }
        }
    }

    private func contains(_ left: Value, _ right: Value) -> Bool {
        guard case .plain(let container) = left, right.isTruthy else { return false }
        let item = right.lowered
        switch container {
        case .string(let string):
            guard let needle = try? inputString(item) else { return false }
            return string.unicodeScalars.containsSubsequence(needle.unicodeScalars)
        case .array(let array): return array.contains { liquidEquals($0, item) }
        case .object(let object):
            if case .string(let key) = item { return object[key] != nil }
            return false
        default: return false
        }
    }

    // MARK: Strings

    /// How an output statement prints a value: arrays are joined, `nil` is empty.
    func outputString(_ value: Value) throws(LiquidRenderError) -> String {
        var result = ""
        try appendOutput(value.lowered, to: &result, depth: 0)
        return result
    }

    private func appendOutput(_ value: LiquidValue, to result: inout String, depth: Int) throws(LiquidRenderError) {
        switch value {
        case .array(let array):
            guard depth < 100 else { throw fail("arrays are nested too deeply to print") }
            for element in array { try appendOutput(element, to: &result, depth: depth + 1) }
        default:
            result += try inputString(value)
        }
    }

    /// How filters see a value as a string (Ruby's `to_s`); fails where engines disagree.
    func inputString(_ value: LiquidValue) throws(LiquidRenderError) -> String {
        switch value {
        case .nil: return ""
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .double(let double): return rubyFloatString(double)
        case .string(let string): return string
        case .array(let array):
            if array.isEmpty { return "[]" }
            throw fail("an array cannot be used as a string here; Liquid engines print it differently")
        case .object(let object):
            if object.isEmpty { return "{}" }
            throw fail("an object cannot be printed; Liquid engines print it differently")
        }
    }
}

extension LiquidValue {
    var doubleValue: Double {
        switch self {
        case .int(let int): return Double(int)
        case .double(let double): return double
        default: return 0
        }
    }
}

extension String.UnicodeScalarView {
    /// Whether `needle` occurs in the view as a contiguous run of scalars.
    func containsSubsequence(_ needle: String.UnicodeScalarView) -> Bool {
        scalarRange(of: Array(needle), in: Array(self)) != nil
    }
}

/// The offsets of the first occurrence of `needle` in `haystack` at or after `from`.
func scalarRange(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int = 0) -> Range<Int>? {
    if needle.isEmpty { return from <= haystack.count ? from..<from : nil }
    guard haystack.count >= needle.count else { return nil }
    var i = from
    while i + needle.count <= haystack.count {
        if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i..<(i + needle.count)
        }
        i += 1
    }
    return nil
}
