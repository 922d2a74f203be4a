/// Collects variable and filter references in source order.
///
/// The parser records each construct as it makes it (``visitOutput(_:)``, ``visitAssign(_:binding:)``,
/// ``visit(_:)-(Condition)``, ``visitCase(_:)``, ``bind(_:)``), in the order a walk of the finished tree
/// meets them: that walk, a second pass over every node, stays in `AnalysisDifferentialTests` as the
/// definition.
struct Analysis {
    var variables: [LiquidVariableReference] = []
    var filters: [LiquidFilterReference] = []
    var printed: [LiquidPrintedValue] = []
    private var bound: Set<String> = []

    /// The room made for each kind of reference at its first one, unless ``reserveCapacity(_:extraVariables:)``
    /// made some: a body's few outputs and tags at once, rather than growing from one to two to four.
    static var initialCapacity: Int { 4 }

    /// Makes room for `count` references of each kind, and `extraVariables` more variables (those of
    /// the tags' conditions).
    mutating func reserveCapacity(_ count: Int, extraVariables: Int = 0) {
        variables.reserveCapacity(count + extraVariables)
        filters.reserveCapacity(count)
        printed.reserveCapacity(count)
    }

    /// An output: its path (printed when made of names only) and its filters.
    mutating func visitOutput(_ expression: FilteredExpression) {
        // The path `visit` builds, when made of names only, is the printed one (``staticPath(_:)``).
        let names = visit(expression.base)
        visitFilters(expression)
        if let path = names, let first = path.first, !isBound(first), case .path(_, _, let range) = expression.base {
            if printed.capacity == 0 { printed.reserveCapacity(Self.initialCapacity) }
            printed.append(LiquidPrintedValue(path: path, range: range, firstFilter: expression.filters.first?.name))
        }
    }

    /// An `assign`: its expression, then the name it binds.
    mutating func visitAssign(_ expression: FilteredExpression, binding name: String) {
        visit(expression)
        bind(name)
    }

    /// A name bound by `assign` or `capture` (a `capture`'s once its body is read).
    mutating func bind(_ name: String) { bound.insert(name) }

    /// The condition of an `if`, `elsif` or `unless`.
    mutating func visit(_ condition: Condition) {
        for comparison in condition.comparisons {
            visit(comparison.left)
            if let (_, right) = comparison.comparison { visit(right) }
        }
    }

    /// A `case` subject or a `when` candidate.
    mutating func visitCase(_ expression: Expression) { visit(expression) }

    /// Whether `name` was bound by `assign` or `capture` (most templates bind nothing: no hashing then).
    private func isBound(_ name: String) -> Bool { !bound.isEmpty && bound.contains(name) }

    /// The names of a path made of properties only (`contact.district`, not `contact[key]`): what
    /// `visit` returns for an output's path, kept as its definition (`PrintedPathDifferentialTests`).
    static func staticPath(_ expression: Expression) -> [String]? {
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
        visitFilters(expression)
    }

    private mutating func visitFilters(_ expression: FilteredExpression) {
        for call in expression.filters {
            if filters.capacity == 0 { filters.reserveCapacity(Self.initialCapacity) }
            filters.append(LiquidFilterReference(name: call.name, range: call.range))
            for argument in call.positional { visit(argument) }
            for (_, argument) in call.keywords { visit(argument) }
        }
    }

    /// Records the variable `expression` reads; returns its names when it is a path of names only
    /// (``staticPath(_:)``), whether recorded or not.
    @discardableResult
    private mutating func visit(_ expression: Expression) -> [String]? {
        guard case .path(let root, let segments, let range) = expression else { return nil }
        // A name a segment at most: one allocation, at its size (most paths are all names).
        var path: [String] = []
        path.reserveCapacity(1 + segments.count)
        var isStatic = true
        var namesOnly = true
        switch root {
        case .property(let name, _): path.append(name)
        case .index(let inner):
            visit(inner)
            isStatic = false
            namesOnly = false
        }
        for segment in segments {
            switch segment {
            case .property(let name, _):
                if isStatic { path.append(name) }
            case .index(.literal(.plain(.string(let key)), _)):
                if isStatic { path.append(key) }
                namesOnly = false
            case .index(let inner):
                isStatic = false
                namesOnly = false
                visit(inner)
            }
        }
        if let first = path.first, !isBound(first) {
            if variables.capacity == 0 { variables.reserveCapacity(Self.initialCapacity) }
            variables.append(LiquidVariableReference(path: path, range: range))
        }
        return namesOnly ? path : nil
    }
}
