/// Finds the known name closest to a misspelt one, for "did you mean" help lines.
///
/// Uses the optimal-string-alignment distance (Levenshtein plus adjacent transpositions) on Unicode
/// scalars; a candidate is suggested only when the distance is at most a third of the longer
/// name's length (at least 1, at most 3), so `tempalte` finds `template` but `x` finds nothing.
/// Cost is bounded: names longer than 64 scalars are never compared.
package enum DidYouMean {
    /// The candidate closest to `name`, or `nil` when none is close enough. Ties go to the
    /// candidate that sorts first, so the answer never depends on the candidates' order.
    public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        Candidates(candidates).suggestion(for: name)
    }

    /// A set of known names prepared once (sorted, decoded) for many lookups: the reference checks
    /// look up every unknown reference among the same thousands of templates or questionnaires.
    ///
    /// A large set is also indexed, so that a lookup costs far less than one distance per candidate:
    /// the names one edit away from the misspelt one are generated and looked up (a candidate at
    /// distance 1 is the answer when there is one), and the others are skipped when a lower bound of
    /// their distance (from counts of their scalars) is already past their bound.
    public struct Candidates: Sendable {
        /// The names, sorted and without duplicates.
        public let sorted: [String]
        private let scalars: [[Unicode.Scalar]]
        /// Each name's scalar counts (see ``ScalarCounts``), `ScalarCounts.words` words a name, for the
        /// lower bound.
        private let counts: [UInt64]
        /// Each name's buckets with at least one scalar, one bit a bucket: a first, cheaper bound.
        private let presence: [UInt64]
        /// The names of at most 64 scalars by their scalars, to their position in `sorted`; `nil` for a
        /// small set (scanning it is cheaper than generating neighbours) or a large alphabet.
        private let positions: [[Unicode.Scalar]: Int]?
        /// Every scalar of the indexed names, sorted: what an insertion or a substitution can bring.
        private let alphabet: [Unicode.Scalar]
        /// The positions of the indexed names of `n` scalars, ascending, for `n` in 0...65.
        private let byLength: [[Int]]

        /// Sets smaller than this are scanned, not indexed.
        static let indexThreshold = 64
        /// Alphabets larger than this are not indexed (too many neighbours to generate).
        static let maxIndexedAlphabet = 64

        /// Prepares `candidates`.
        public init(_ candidates: some Sequence<String>) {
            sorted = Set(candidates).sorted()
            scalars = sorted.map { Array($0.unicodeScalars) }
            var counts: [UInt64] = []
            counts.reserveCapacity(scalars.count * ScalarCounts.words)
            for name in scalars { ScalarCounts.append(name, to: &counts) }
            self.counts = counts
            presence = scalars.map(ScalarCounts.presence)
            var alphabet = Set<Unicode.Scalar>()
            var byLength = [[Int]](repeating: [], count: 66)
            for (position, name) in scalars.enumerated() where name.count <= 64 {
                alphabet.formUnion(name)
                byLength[name.count].append(position)
            }
            self.byLength = byLength
            if sorted.count >= Self.indexThreshold, alphabet.count <= Self.maxIndexedAlphabet {
                var positions: [[Unicode.Scalar]: Int] = [:]
                positions.reserveCapacity(scalars.count)
                for (position, name) in scalars.enumerated() where name.count <= 64 { positions[name] = position }
                self.positions = positions
                self.alphabet = alphabet.sorted { $0.value < $1.value }
            } else {
                positions = nil
                self.alphabet = []
            }
        }

        /// Whether lookups go through the index (a large set with a small alphabet).
        var isIndexed: Bool { positions != nil }

        /// The candidate closest to `name`, or `nil` when none is close enough.
        ///
        /// Candidates are tried in sorted order, so a later one must be strictly closer to win: once one
        /// is found, the distance bound shrinks below it, and a distance of 1 ends the search.
        public func suggestion(for name: String) -> String? {
            var work = 0
            return suggestion(for: name, work: &work)
        }

        /// `suggestion(for:)`, adding to `work` the number of distances computed (for tests).
        func suggestion(for name: String, work: inout Int) -> String? {
            let target = Array(name.unicodeScalars)
            guard !target.isEmpty, target.count <= 64 else { return nil }
            // Distance 0 is not a suggestion, so 1 is the least: the first such name in sorted order wins.
            if let positions {
                if let position = firstOneEditAway(from: target, in: positions) { return sorted[position] }
                return closestOfSimilarLength(to: target, work: &work).map { sorted[$0] }
            }
            var targetCounts: [UInt64] = []
            ScalarCounts.append(target, to: &targetCounts)
            let targetPresence = ScalarCounts.presence(target)
            var best: (distance: Int, index: Int)?
            var rows = Rows()
            for index in sorted.indices {
                let other = scalars[index]
                guard other.count <= 64, other != target else { continue }
                var limit = min(3, max(1, max(target.count, other.count) / 3))
                if let best { limit = min(limit, best.distance - 1) }
                guard abs(other.count - target.count) <= limit,
                    ScalarCounts.lowerBound(presence[index], targetPresence) <= limit,
                    ScalarCounts.lowerBound(counts, index * ScalarCounts.words, targetCounts) <= limit
                else { continue }
                work += 1
                let d = distance(target, other, limit: limit, rows: &rows)
                guard d <= limit else { continue }
                best = (d, index)
                if d <= 1 { break }
            }
            return best.map { sorted[$0.index] }
        }

        /// The position of the closest name to `target` within its bound (ties to the smaller position),
        /// reading only the names whose length is within 3 of the target's (the largest bound): the
        /// answer of the sorted scan, which keeps the first name of the least distance.
        private func closestOfSimilarLength(to target: [Unicode.Scalar], work: inout Int) -> Int? {
            var targetCounts: [UInt64] = []
            ScalarCounts.append(target, to: &targetCounts)
            let targetPresence = ScalarCounts.presence(target)
            var best: (distance: Int, index: Int)?
            var rows = Rows()
            for length in max(1, target.count - 3)...min(64, target.count + 3) {
                for index in byLength[length] {
                    let other = scalars[index]
                    guard other != target else { continue }
                    var limit = min(3, max(1, max(target.count, other.count) / 3))
                    if let best { limit = min(limit, index < best.index ? best.distance : best.distance - 1) }
                    guard abs(other.count - target.count) <= limit,
                        ScalarCounts.lowerBound(presence[index], targetPresence) <= limit,
                        ScalarCounts.lowerBound(counts, index * ScalarCounts.words, targetCounts) <= limit
                    else { continue }
                    work += 1
                    let d = distance(target, other, limit: limit, rows: &rows)
                    guard d <= limit else { continue }
                    best = (d, index)
                }
            }
            return best?.index
        }

        /// The smallest position of a name at distance exactly 1 from `target` (one substitution,
        /// insertion, deletion or swap of neighbours), or `nil`.
        private func firstOneEditAway(from target: [Unicode.Scalar], in positions: [[Unicode.Scalar]: Int]) -> Int? {
            var first: Int?
            var probe = target
            func look(_ candidate: [Unicode.Scalar]) {
                guard candidate.count <= 64, let position = positions[candidate] else { return }
                if first.map({ position < $0 }) ?? true { first = position }
            }
            let n = target.count
            for i in target.indices where !byLength[n].isEmpty {
                // Substitutions.
                for scalar in alphabet where scalar != target[i] {
                    probe[i] = scalar
                    look(probe)
                }
                probe[i] = target[i]
                // Swaps of neighbours (a swap of equal scalars gives the name itself).
                if i + 1 < target.count, target[i] != target[i + 1] {
                    probe.swapAt(i, i + 1)
                    look(probe)
                    probe.swapAt(i, i + 1)
                }
            }
            // Deletions.
            if n > 1, !byLength[n - 1].isEmpty {
                for i in target.indices {
                    probe.remove(at: i)
                    look(probe)
                    probe.insert(target[i], at: i)
                }
            }
            // Insertions.
            for i in 0...n where !byLength[n + 1].isEmpty {
                for scalar in alphabet {
                    probe.insert(scalar, at: i)
                    look(probe)
                    probe.remove(at: i)
                }
            }
            return first
        }
    }

    /// How many scalars of a name fall in each of 64 buckets (digits, lowercase and uppercase ASCII
    /// letters have their own; the rest share two), one byte a bucket in 8 words. Every edit changes
    /// the counts by at most one scalar each way, so the scalars of one name that the other lacks,
    /// counted by bucket, bound the distance from below (a bag distance; sharing buckets only lowers it).
    enum ScalarCounts {
        static let words = 8

        /// Appends the counts of `name` (at most 64 scalars: a byte never overflows) to `storage`.
        static func append(_ name: [Unicode.Scalar], to storage: inout [UInt64]) {
            var bytes = [UInt8](repeating: 0, count: words * 8)
            for scalar in name.prefix(64) { bytes[bucket(scalar)] += 1 }
            for word in 0..<words {
                var value: UInt64 = 0
                for byte in 0..<8 { value |= UInt64(bytes[word * 8 + byte]) << (8 * byte) }
                storage.append(value)
            }
        }

        static func bucket(_ scalar: Unicode.Scalar) -> Int {
            let value = scalar.value
            switch value {
            case 0x30...0x39: return Int(value - 0x30)
            case 0x61...0x7A: return Int(value - 0x61) + 10
            case 0x41...0x5A: return Int(value - 0x41) + 36
            default: return 62 + Int(value & 1)
            }
        }

        /// The buckets where `name` (its first 64 scalars) has a scalar, one bit a bucket.
        static func presence(_ name: [Unicode.Scalar]) -> UInt64 {
            var mask: UInt64 = 0
            for scalar in name.prefix(64) { mask |= 1 << UInt64(bucket(scalar)) }
            return mask
        }

        /// A lower bound of the distance between two names from their `presence` masks (each bucket one
        /// name uses and the other does not holds at least one scalar the other lacks).
        static func lowerBound(_ a: UInt64, _ b: UInt64) -> Int {
            max((a & ~b).nonzeroBitCount, (b & ~a).nonzeroBitCount)
        }

        /// A lower bound of the distance between the names whose counts start at `a` and `b`.
        static func lowerBound(_ counts: [UInt64], _ a: Int, _ b: [UInt64]) -> Int {
            var missing: UInt64 = 0
            var extra: UInt64 = 0
            for word in 0..<words {
                missing &+= excess(counts[a + word], over: b[word])
                extra &+= excess(b[word], over: counts[a + word])
            }
            return Int(max(missing, extra))
        }

        /// The sum over the 8 bytes of `max(0, x - y)`, for bytes of at most 64 (and sums below 256).
        @inline(__always)
        static func excess(_ x: UInt64, over y: UInt64) -> UInt64 {
            let high: UInt64 = 0x8080_8080_8080_8080
            // Each byte: 128 + x - y, in 64...192, so no byte borrows from the next.
            let difference = (x | high) &- y
            // 0xFF where x >= y (the high bit stayed), else 0.
            let keep = ((difference & high) >> 7) &* 0xFF
            let positive = difference & 0x7F7F_7F7F_7F7F_7F7F & keep
            return (positive &* 0x0101_0101_0101_0101) >> 56
        }
    }

    /// A help line `did you mean `x`?` for `name`, or `nil`.
    public static func help(for name: String, among candidates: some Sequence<String>) -> String? {
        suggestion(for: name, among: candidates).map(help(suggesting:))
    }

    /// The help line that suggests `suggestion`: `did you mean `x`?`. Every did-you-mean of the rules is
    /// written by it, so that ``suggestion(inHelp:)`` (an editor's quick fix) reads them all.
    public static func help(suggesting suggestion: String) -> String {
        "did you mean `\(suggestion)`?"
    }

    /// The name a help line written by ``help(suggesting:)`` suggests, or `nil` for any other help.
    public static func suggestion(inHelp help: String?) -> String? {
        guard let help, let start = help.range(of: "did you mean `") else { return nil }
        let rest = help[start.upperBound...]
        guard let end = rest.range(of: "`?") else { return nil }
        let suggestion = String(rest[..<end.lowerBound])
        return suggestion.isEmpty || suggestion.contains("`") ? nil : suggestion
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
