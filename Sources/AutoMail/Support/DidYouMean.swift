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
        let target = Array(name.unicodeScalars)
        guard !target.isEmpty, target.count <= 64 else { return nil }
        var best: (distance: Int, name: String)?
        for candidate in candidates where candidate != name {
            // A name has between a quarter of its UTF-8 length and its UTF-8 length in scalars: this
            // skips most candidates of the wrong length without decoding them (the exact test follows).
            let bytes = candidate.utf8.count
            guard bytes + 3 >= target.count, bytes <= 4 * (target.count + 3) else { continue }
            let other = Array(candidate.unicodeScalars)
            guard other.count <= 64 else { continue }
            let limit = min(3, max(1, max(target.count, other.count) / 3))
            guard abs(other.count - target.count) <= limit else { continue }
            let d = distance(target, other, limit: limit)
            guard d <= limit else { continue }
            if let current = best, (current.distance, current.name) <= (d, candidate) { continue }
            best = (d, candidate)
        }
        return best?.name
    }

    /// A help line `did you mean `x`?` for `name`, or `nil`.
    public static func help(for name: String, among candidates: some Sequence<String>) -> String? {
        suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
    }

    /// Optimal string alignment distance, stopping early once every cell of a row exceeds `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var previous2 = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return rowMin }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
