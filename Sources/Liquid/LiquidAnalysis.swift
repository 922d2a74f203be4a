/// Collects variable and filter references in source order.
struct Analysis {
    var variables: [LiquidVariableReference] = []
    var filters: [LiquidFilterReference] = []
    var printed: [LiquidPrintedValue] = []
    private var bound: Set<String> = []

    /// Makes room for `count` references of each kind.
    mutating func reserveCapacity(_ count: Int) {
        variables.reserveCapacity(count)
        filters.reserveCapacity(count)
        printed.reserveCapacity(count)
    }

    mutating func walk(_ nodes: [Node]) {
        for node in nodes {
            switch node {
            case .text, .raw, .comment:
                break
            case .output(let expression, _):
                visit(expression)
                if let path = Self.staticPath(expression.base), let first = path.first, !isBound(first),
                    case .path(_, _, let range) = expression.base
                {
                    printed.append(
                        LiquidPrintedValue(path: path, range: range, firstFilter: expression.filters.first?.name))
                }
            case .assign(let name, let expression, _):
                visit(expression)
                bound.insert(name)
            case .capture(let name, let body, _):
                walk(body)
                bound.insert(name)
            case .conditional(let branches, _, _, _):
                for branch in branches {
                    for comparison in branch.condition?.comparisons ?? [] {
                        visit(comparison.left)
                        if let (_, right) = comparison.comparison { visit(right) }
                    }
                    walk(branch.body)
                }
            case .caseTag(let subject, let branches, _, _):
                visit(subject)
                for branch in branches {
                    for candidate in branch.candidates ?? [] { visit(candidate) }
                    walk(branch.body)
                }
            }
        }
    }

    /// Whether `name` was bound by `assign` or `capture` (most templates bind nothing: no hashing then).
    private func isBound(_ name: String) -> Bool { !bound.isEmpty && bound.contains(name) }

    /// The names of a path made of properties only (`contact.district`, not `contact[key]`).
    private static func staticPath(_ expression: Expression) -> [String]? {
        guard case .path(.property(let root, _), let segments, _) = expression else { return nil }
        var path = [root]
        for segment in segments {
            guard case .property(let name, _) = segment else { return nil }
            path.append(name)
        }
        return path
    }

    private mutating func visit(_ expression: FilteredExpression) {
        visit(expression.base)
        for call in expression.filters {
            filters.append(LiquidFilterReference(name: call.name, range: call.range))
            for argument in call.positional { visit(argument) }
            for (_, argument) in call.keywords { visit(argument) }
        }
    }

    private mutating func visit(_ expression: Expression) {
        guard case .path(let root, let segments, let range) = expression else { return }
        var path: [String] = []
        var isStatic = true
        switch root {
        case .property(let name, _): path.append(name)
        case .index(let inner):
            visit(inner)
            isStatic = false
        }
        for segment in segments {
            switch segment {
            case .property(let name, _):
                if isStatic { path.append(name) }
            case .index(.literal(.plain(.string(let key)), _)):
                if isStatic { path.append(key) }
            case .index(let inner):
                isStatic = false
                visit(inner)
            }
        }
        if let first = path.first, !isBound(first) {
            variables.append(LiquidVariableReference(path: path, range: range))
        }
    }
}
