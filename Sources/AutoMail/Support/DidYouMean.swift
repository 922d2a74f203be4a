/// Finds the known name closest to a misspelt one, for "did you mean" help lines.
///
/// Uses the optimal-string-alignment distance (Levenshtein plus adjacent transpositions) on Unicode
/// scalars; a candidate is suggested only when the distance is at most a third of the longer
/// name's length (at least 1, at most 3), so `tempalte` finds `template` but `x` finds nothing.
/// Cost is bounded: names longer than 64 scalars are never compared.
public enum DidYouMean {
    /// The candidate closest to `name`, or `nil` when none is close enough. Ties go to the
    /// candidate that sorts first, so the answer never depends on the candidates' order.
    public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        Candidates(candidates).suggestion(for: name)
    }

    /// A set of known names prepared once (sorted, decoded) for many lookups: the reference checks
    /// look up every unknown reference among the same thousands of templates or questionnaires.
    public struct Candidates: Sendable {
        /// The names, sorted and without duplicates.
        public let sorted: [String]
        private let scalars: [[Unicode.Scalar]]

        /// Prepares `candidates`.
        public init(_ candidates: some Sequence<String>) {
            sorted = Set(candidates).sorted()
            scalars = sorted.map { Array($0.unicodeScalars) }
        }

        /// The candidate closest to `name`, or `nil` when none is close enough.
        ///
        /// Candidates are tried in sorted order, so a later one must be strictly closer to win: once one
        /// is found, the distance bound shrinks below it, and a distance of 1 ends the search.
        public func suggestion(for name: String) -> String? {
            let target = Array(name.unicodeScalars)
            guard !target.isEmpty, target.count <= 64 else { return nil }
            var best: (distance: Int, index: Int)?
            var rows = Rows()
            for index in sorted.indices {
                let other = scalars[index]
                guard other.count <= 64, other != target else { continue }
                var limit = min(3, max(1, max(target.count, other.count) / 3))
                if let best { limit = min(limit, best.distance - 1) }
                guard abs(other.count - target.count) <= limit else { continue }
                let d = distance(target, other, limit: limit, rows: &rows)
                guard d <= limit else { continue }
                best = (d, index)
                if d <= 1 { break }
            }
            return best.map { sorted[$0.index] }
        }
    }

    /// A help line `did you mean `x`?` for `name`, or `nil`.
    public static func help(for name: String, among candidates: some Sequence<String>) -> String? {
        suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
    }

    /// The three rows `distance` works in, kept between calls so a search allocates them once.
    struct Rows {
        var beforePrevious: [Int] = []
        var previous: [Int] = []
        var current: [Int] = []
    }

    /// Optimal string alignment distance, stopping early once every cell of a row exceeds `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        var rows = Rows()
        return distance(a, b, limit: limit, rows: &rows)
    }

    /// Optimal string alignment distance of `a` and `b` when it is at most `limit`; otherwise some value
    /// above `limit`. Only the band of cells within `limit` of the diagonal is computed (a path through
    /// any other cell costs more than `limit`); cells outside it count as `limit + 1`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int, rows: inout Rows) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let over = limit + 1
        guard abs(a.count - b.count) <= limit else { return over }
        let width = b.count + 1
        func fill(_ row: inout [Int]) {
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: repeatElement(over, count: width))
        }
        fill(&rows.beforePrevious)
        fill(&rows.previous)
        fill(&rows.current)
        for j in 0...min(b.count, limit) { rows.previous[j] = j }
        for i in 1...a.count {
            let low = max(1, i - limit)
            let high = min(b.count, i + limit)
            rows.current[0] = i <= limit ? i : over
            if low > 1 { rows.current[low - 1] = over }
            var rowMin = rows.current[0]
            if low <= high {
                for j in low...high {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(rows.previous[j] + 1, rows.current[j - 1] + 1, rows.previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, rows.beforePrevious[j - 2] + 1)
                    }
                    value = min(value, over)
                    rows.current[j] = value
                    rowMin = min(rowMin, value)
                }
            }
            // The next row reads this row one cell past its band: it must count as out of reach.
            if high + 1 <= b.count { rows.current[high + 1] = over }
            if rowMin > limit { return over }
            swap(&rows.beforePrevious, &rows.previous)
            swap(&rows.previous, &rows.current)
        }
        return rows.previous[b.count]
    }
}
