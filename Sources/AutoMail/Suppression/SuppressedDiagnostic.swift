import Diagnostics

/// A diagnostic silenced by a `# automail: ignore` comment: not reported as a problem, but counted (the
/// human summary) and listed (SARIF `suppressions`, with the reason as the justification).
public struct SuppressedDiagnostic: Sendable, Hashable {
    /// The diagnostic that would have been reported.
    public var diagnostic: Diagnostic
    /// The reason the comment gives (empty when it gives none, which is itself an error, AM801).
    public var reason: String
    /// Where the comment is.
    public var comment: SourceRange

    /// Creates a suppressed diagnostic.
    public init(diagnostic: Diagnostic, reason: String, comment: SourceRange) {
        self.diagnostic = diagnostic
        self.reason = reason
        self.comment = comment
    }
}

/// Applies suppression comments to a run's diagnostics.
enum SuppressionFilter {
    /// What applying the comments gave.
    struct Outcome {
        /// The diagnostics still reported, plus one AM802 warning for each code of a comment that
        /// silenced nothing.
        var reported: [Diagnostic]
        /// The silenced diagnostics, in the order given.
        var suppressed: [SuppressedDiagnostic]
    }

    /// Silences each diagnostic of `diagnostics` whose code a comment of `comments` names (and may
    /// silence) and whose range starts on the comment's target line of the same file.
    static func apply(_ comments: [SuppressionComment], to diagnostics: [Diagnostic]) -> Outcome {
        guard !comments.isEmpty else { return Outcome(reported: diagnostics, suppressed: []) }
        struct Line: Hashable {
            var file: String
            var line: Int
        }
        // Comments on one line by (file, line); comments covering a block scalar by file, as disjoint
        // sorted line ranges (block scalars never overlap), so a lookup costs no more than the comments
        // that apply.
        var byLine: [Line: [Int]] = [:]
        var byBlock: [Line: (lines: ClosedRange<Int>, comments: [Int])] = [:]  // keyed by the header line
        for (index, comment) in comments.enumerated() {
            let file = comment.range.file
            let key = Line(file: file, line: comment.targetLines.lowerBound)
            if comment.targetLines.count == 1 {
                byLine[key, default: []].append(index)
            } else {
                byBlock[key, default: (comment.targetLines, [])].comments.append(index)
            }
        }
        var blocks: [String: [(lines: ClosedRange<Int>, comments: [Int])]] = [:]
        for (key, block) in byBlock { blocks[key.file, default: []].append(block) }
        for file in blocks.keys { blocks[file]?.sort { $0.lines.lowerBound < $1.lines.lowerBound } }
        func block(_ file: String, _ line: Int) -> [Int] {
            guard let list = blocks[file] else { return [] }
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle].lines.lowerBound <= line { low = middle + 1 } else { high = middle }
            }
            return low > 0 && list[low - 1].lines.contains(line) ? list[low - 1].comments : []
        }
        var used = Set<[Int]>()  // [comment index, entry index]
        var reported: [Diagnostic] = []
        var suppressed: [SuppressedDiagnostic] = []
        for diagnostic in diagnostics {
            guard let range = diagnostic.range else {
                reported.append(diagnostic)
                continue
            }
            let candidates =
                (byLine[Line(file: range.file, line: range.start.line)] ?? []) + block(range.file, range.start.line)
            var silencedBy: Int?
            for index in candidates {
                let entries = comments[index].entries
                guard
                    let entry = entries.firstIndex(where: {
                        $0.code == diagnostic.code && $0.suppressibility == .allowed
                    })
                else { continue }
                used.insert([index, entry])
                if silencedBy == nil { silencedBy = index }
            }
            if let index = silencedBy {
                suppressed.append(
                    SuppressedDiagnostic(
                        diagnostic: diagnostic, reason: comments[index].reason, comment: comments[index].range))
            } else {
                reported.append(diagnostic)
            }
        }
        for (index, comment) in comments.enumerated() {
            for (entryIndex, entry) in comment.entries.enumerated()
            where entry.suppressibility == .allowed && !used.contains([index, entryIndex]) {
                let others = comment.entries.count > 1
                let target = comment.targetLines
                let lines =
                    target.count == 1 ? "line \(target.lowerBound)" : "lines \(target.lowerBound)–\(target.upperBound)"
                reported.append(
                    .rule(
                        .unusedSuppression,
                        "`# automail: ignore \(entry.code)` silences nothing: no \(entry.code) is reported on \(lines)",
                        at: entry.range,
                        help: others
                            ? "remove `\(entry.code)` from the comment"
                            : "remove the comment: the problem it silenced is gone, or it is on another line"))
            }
        }
        return Outcome(reported: reported, suppressed: suppressed)
    }
}
