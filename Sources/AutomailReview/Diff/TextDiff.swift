/// A line diff of two texts in unified form: hunks of changed lines with context around them.
///
/// Lines are compared whole, with Myers' O(ND) algorithm in its linear-space form (the "middle snake"
/// divide and conquer), after the common first and last lines are set aside. The work is bounded: each
/// search for a middle snake spends steps from one budget, and a part of the texts whose search would
/// exceed what is left is written as removed then added whole. The result is always a correct diff
/// (applying it to the old text gives the new one), minimal whenever the budget sufficed, and computed
/// in time proportional to the budget plus the length of the texts, whatever the input.
public struct TextDiff: Sendable, Hashable {
    /// One line of a hunk.
    public struct Line: Sendable, Hashable {
        /// Whether the line is kept, removed or added.
        public enum Kind: String, Sendable, Hashable {
            case context, removed, added
        }

        /// Whether the line is kept, removed or added.
        public var kind: Kind
        /// The line without its line break.
        public var text: String
        /// Whether the line is the last of its text and has no line break after it.
        public var missingNewline: Bool

        /// Creates a line.
        public init(kind: Kind, text: String, missingNewline: Bool = false) {
            self.kind = kind
            self.text = text
            self.missingNewline = missingNewline
        }

        /// The line in unified form: ` `, `-` or `+` then the text, and `\ No newline at end of file`
        /// on a second line when the text ends without a line break there.
        public var unified: [String] {
            let mark: String
            switch kind {
            case .context: mark = " "
            case .removed: mark = "-"
            case .added: mark = "+"
            }
            return [mark + text] + (missingNewline ? ["\\ No newline at end of file"] : [])
        }
    }

    /// A run of changes with its context, as in `@@ -oldStart,oldCount +newStart,newCount @@`.
    public struct Hunk: Sendable, Hashable {
        /// The first old line shown, 1-based (the line before, or 0, when `oldCount` is 0).
        public var oldStart: Int
        /// How many old lines the hunk shows (context and removed).
        public var oldCount: Int
        /// The first new line shown, 1-based (the line before, or 0, when `newCount` is 0).
        public var newStart: Int
        /// How many new lines the hunk shows (context and added).
        public var newCount: Int
        /// The lines, in order.
        public var lines: [Line]

        /// The header line, `@@ -3,7 +3,8 @@` (a count of 1 is left out, as diff and git do).
        public var header: String {
            func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
            return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@"
        }
    }

    /// The hunks, in text order; empty when the texts are equal.
    public var hunks: [Hunk]
    /// How many lines were added.
    public var added: Int
    /// How many lines were removed.
    public var removed: Int

    /// The default number of unchanged lines shown around each change.
    public static let defaultContext = 3
    /// The default number of steps one diff may spend searching for the shortest edit script.
    public static let defaultBudget = 4_000_000

    /// The diff from `old` to `new`, with `context` unchanged lines around each change.
    public static func compare(
        _ old: String, _ new: String, context: Int = defaultContext, budget: Int = defaultBudget
    ) -> TextDiff {
        let a = TextLines(old)
        let b = TextLines(new)
        var table = LineTable()
        let x = a.lines.indices.map { table.id(a.lines[$0], last: $0 == a.lines.count - 1 && a.missingNewline) }
        let y = b.lines.indices.map { table.id(b.lines[$0], last: $0 == b.lines.count - 1 && b.missingNewline) }
        var script = EditScript(a: x, b: y, budget: budget)
        script.run()
        return hunks(removalsFirst(script.operations), a: a, b: b, context: max(0, context))
    }

    /// The script with each run of changes written as its removals then its additions, as diff and git
    /// show them (the script stays valid: the order of a removal and an addition side by side is free).
    private static func removalsFirst(_ operations: [EditScript.Operation]) -> [EditScript.Operation] {
        var out: [EditScript.Operation] = []
        out.reserveCapacity(operations.count)
        var removals = 0
        var additions = 0
        func flush() {
            out.append(contentsOf: repeatElement(.remove, count: removals))
            out.append(contentsOf: repeatElement(.add, count: additions))
            removals = 0
            additions = 0
        }
        for operation in operations {
            switch operation {
            case .remove: removals += 1
            case .add: additions += 1
            case .keep:
                flush()
                out.append(.keep)
            }
        }
        flush()
        return out
    }

    /// Groups an edit script into hunks: changes closer than twice the context share a hunk.
    private static func hunks(_ operations: [EditScript.Operation], a: TextLines, b: TextLines, context: Int)
        -> TextDiff
    {
        var result = TextDiff(hunks: [], added: 0, removed: 0)
        // Positions (old index, new index) of each operation, then the runs of changes.
        var positions: [(Int, Int)] = []
        positions.reserveCapacity(operations.count)
        var i = 0
        var j = 0
        for operation in operations {
            positions.append((i, j))
            switch operation {
            case .keep: i += 1; j += 1
            case .remove: i += 1; result.removed += 1
            case .add: j += 1; result.added += 1
            }
        }
        var index = 0
        while index < operations.count {
            guard operations[index] != .keep else {
                index += 1
                continue
            }
            // A hunk: from `context` lines before this change to `context` lines after the last change
            // that is at most 2 * context kept lines away from the previous one.
            let start = max(0, index - context)
            var end = index
            var scan = index
            while scan < operations.count {
                if operations[scan] != .keep {
                    end = scan
                    scan += 1
                    continue
                }
                var run = scan
                while run < operations.count, operations[run] == .keep { run += 1 }
                if run == operations.count || run - scan > 2 * context { break }
                scan = run
            }
            let stop = min(operations.count, end + 1 + context)
            var hunk = Hunk(oldStart: 0, oldCount: 0, newStart: 0, newCount: 0, lines: [])
            let (firstOld, firstNew) = positions[start]
            for k in start..<stop {
                let (oi, ni) = positions[k]
                switch operations[k] {
                case .keep:
                    hunk.lines.append(Line(kind: .context, text: a.text(oi), missingNewline: a.isUnterminated(oi)))
                    hunk.oldCount += 1
                    hunk.newCount += 1
                case .remove:
                    hunk.lines.append(Line(kind: .removed, text: a.text(oi), missingNewline: a.isUnterminated(oi)))
                    hunk.oldCount += 1
                case .add:
                    hunk.lines.append(Line(kind: .added, text: b.text(ni), missingNewline: b.isUnterminated(ni)))
                    hunk.newCount += 1
                }
            }
            hunk.oldStart = hunk.oldCount == 0 ? firstOld : firstOld + 1
            hunk.newStart = hunk.newCount == 0 ? firstNew : firstNew + 1
            result.hunks.append(hunk)
            index = stop
        }
        return result
    }
}

/// A text cut into lines at `\n`, remembering whether the last line lacks its line break.
private struct TextLines {
    var lines: [Substring]
    var missingNewline: Bool

    init(_ text: String) {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true {
            parts.removeLast()
            missingNewline = false
        } else {
            missingNewline = !parts.isEmpty
        }
        lines = parts
    }

    func text(_ index: Int) -> String { String(lines[index]) }

    func isUnterminated(_ index: Int) -> Bool { missingNewline && index == lines.count - 1 }
}

/// Numbers distinct lines so that the diff compares integers. A last line without its line break is
/// a different line from the same text with one (the diff must show the break appearing or going).
private struct LineTable {
    private var ids: [Substring: Int] = [:]
    private var unterminated: [Substring: Int] = [:]
    private var next = 0

    mutating func id(_ line: Substring, last unterminatedLine: Bool) -> Int {
        if unterminatedLine {
            if let id = unterminated[line] { return id }
            next += 1
            unterminated[line] = next
            return next
        }
        if let id = ids[line] { return id }
        next += 1
        ids[line] = next
        return next
    }
}

/// Myers' linear-space diff over two sequences of line numbers, bounded by a budget of steps.
private struct EditScript {
    enum Operation: Equatable {
        case keep, remove, add
    }

    let a: [Int]
    let b: [Int]
    var budget: Int
    var operations: [Operation] = []

    init(a: [Int], b: [Int], budget: Int) {
        self.a = a
        self.b = b
        self.budget = max(0, budget)
        operations.reserveCapacity(a.count + b.count)
    }

    mutating func run() {
        // An explicit stack of sub-problems (in reverse order of output) keeps the stack depth constant.
        var pending: [Task] = [.solve(0, a.count, 0, b.count)]
        while let task = pending.popLast() {
            switch task {
            case .emit(let operation, let count):
                for _ in 0..<count { operations.append(operation) }
            case .solve(var aLow, var aHigh, var bLow, var bHigh):
                // Common first and last lines.
                var prefix = 0
                while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] {
                    aLow += 1
                    bLow += 1
                    prefix += 1
                }
                var suffix = 0
                while aLow < aHigh, bLow < bHigh, a[aHigh - 1] == b[bHigh - 1] {
                    aHigh -= 1
                    bHigh -= 1
                    suffix += 1
                }
                var parts: [Task] = [.emit(.keep, prefix)]
                if aLow == aHigh {
                    parts.append(.emit(.add, bHigh - bLow))
                } else if bLow == bHigh {
                    parts.append(.emit(.remove, aHigh - aLow))
                } else if let snake = middleSnake(aLow, aHigh, bLow, bHigh) {
                    parts.append(.solve(aLow, snake.x, bLow, snake.y))
                    parts.append(.emit(.keep, snake.u - snake.x))
                    parts.append(.solve(snake.u, aHigh, snake.v, bHigh))
                } else {
                    // Over budget: this part is shown as replaced whole.
                    parts.append(.emit(.remove, aHigh - aLow))
                    parts.append(.emit(.add, bHigh - bLow))
                }
                parts.append(.emit(.keep, suffix))
                pending.append(contentsOf: parts.reversed())
            }
        }
    }

    private enum Task {
        case solve(Int, Int, Int, Int)
        case emit(Operation, Int)
    }

    /// The middle snake of a shortest edit script between `a[aLow..<aHigh]` and `b[bLow..<bHigh]`
    /// (both non-empty, their first and last lines different): it goes from (x, y) to (u, v), in
    /// absolute indices. `nil` when finding it would spend more than the budget left.
    private mutating func middleSnake(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int)
        -> (x: Int, y: Int, u: Int, v: Int)?
    {
        let n = aHigh - aLow
        let m = bHigh - bLow
        let delta = n - m
        let odd = delta & 1 != 0
        // Round d costs about 2d + 2 steps, so the budget left allows about its square root of rounds:
        // the arrays are no larger than what can be searched.
        guard budget > 0 else { return nil }
        let maxD = min((n + m + 1) / 2, Int(Double(budget).squareRoot()) + 1)
        // forward[k]: the furthest x on diagonal k (x - y = k) from the start; backward[c]: the furthest
        // x' on diagonal c of the reversed texts (from the end).
        var forward = Frontier(maxD: maxD)
        var backward = Frontier(maxD: maxD)
        for d in 0...maxD {
            budget -= 2 * d + 2
            if budget < 0 { return nil }
            for k in stride(from: -d, through: d, by: 2) {
                let snake = forward.extend(k, round: d, n: n, m: m) { a[aLow + $0] == b[bLow + $1] }
                budget -= snake.x - snake.startX
                let c = delta - k
                if odd, abs(c) <= d - 1, snake.x + backward[c] >= n {
                    return (aLow + snake.startX, bLow + snake.startY, aLow + snake.x, bLow + snake.y)
                }
            }
            for c in stride(from: -d, through: d, by: 2) {
                let snake = backward.extend(c, round: d, n: n, m: m) { a[aHigh - 1 - $0] == b[bHigh - 1 - $1] }
                budget -= snake.x - snake.startX
                let k = delta - c
                if !odd, abs(k) <= d, snake.x + forward[k] >= n {
                    return (aHigh - snake.x, bHigh - snake.y, aHigh - snake.startX, bHigh - snake.startY)
                }
            }
        }
        return nil
    }
}

/// The furthest-reaching x of each diagonal in one direction of Myers' search.
private struct Frontier {
    private var reach: [Int]
    private let offset: Int

    init(maxD: Int) {
        offset = maxD + 1
        reach = [Int](repeating: 0, count: 2 * offset + 1)
    }

    subscript(diagonal: Int) -> Int { reach[diagonal + offset] }

    /// Extends diagonal `k` in round `round`: one step from the better neighbour, then along equal
    /// lines (`same(x, y)`) as far as they go. Returns where the snake starts and ends.
    mutating func extend(
        _ k: Int, round: Int, n: Int, m: Int, same: (Int, Int) -> Bool
    ) -> (startX: Int, startY: Int, x: Int, y: Int) {
        var x = k == -round || (k != round && self[k - 1] < self[k + 1]) ? self[k + 1] : self[k - 1] + 1
        var y = x - k
        let start = (x, y)
        while x < n, y < m, same(x, y) {
            x += 1
            y += 1
        }
        reach[k + offset] = x
        return (start.0, start.1, x, y)
    }
}
