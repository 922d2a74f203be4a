import AutoMail
import AutomailReview
import Foundation
import Testing

/// The line diff: exact unified output on small cases; on random texts, that the hunks turn the old
/// text into the new one and that the edit is minimal (checked against a longest-common-subsequence
/// table); on huge, entirely different texts, that the budget bounds the time.
struct TextDiffTests {
    /// The diff in unified form, as `diff -u` prints its hunks.
    static func unified(_ diff: TextDiff) -> String {
        diff.hunks.map { hunk in ([hunk.header] + hunk.lines.flatMap(\.unified)).joined(separator: "\n") + "\n" }
            .joined()
    }

    /// Applies the hunks to `old`, checking every context and removed line against it.
    static func apply(_ diff: TextDiff, to old: String) throws -> String {
        let lines = tokens(old)
        var out: [String] = []
        var index = 0
        for hunk in diff.hunks {
            let start = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart - 1
            try #require(start >= index, "hunks overlap or go backwards")
            out += lines[index..<start]
            index = start
            for line in hunk.lines {
                let token = line.text + (line.missingNewline ? "" : "\n")
                switch line.kind {
                case .context, .removed:
                    try #require(index < lines.count && lines[index] == token, "line \(index + 1) does not match")
                    index += 1
                    if line.kind == .context { out.append(token) }
                case .added:
                    out.append(token)
                }
            }
        }
        out += lines[index...]
        return out.joined()
    }

    /// The lines of `text`, each with its line break (the last may have none).
    static func tokens(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if let last = parts.last {
            parts[parts.count - 1] = String(last.dropLast())
            if last == "\n" { parts.removeLast() }
        }
        return parts
    }

    /// The length of a longest common subsequence of `a` and `b`.
    static func lcs(_ a: [String], _ b: [String]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var diagonal = 0
            for j in 1...max(1, b.count) where j <= b.count {
                let above = row[j]
                row[j] = x == b[j - 1] ? diagonal + 1 : max(row[j], row[j - 1])
                diagonal = above
            }
        }
        return row[b.count]
    }

    @Test func equalTextsHaveNoHunk() {
        let diff = TextDiff.compare("a\nb\n", "a\nb\n")
        #expect(diff.hunks.isEmpty)
        #expect(diff.added == 0 && diff.removed == 0)
    }

    @Test func oneChangedLineWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        #expect(
            Self.unified(TextDiff.compare(old, new)) == """
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line five
                 line 6
                 line 7
                 line 8

                """)
    }

    @Test func distantChangesMakeTwoHunksAndNearOnesOne() {
        let old = (1...20).map { "l\($0)" }.joined(separator: "\n") + "\n"
        let far = old.replacingOccurrences(of: "l2\n", with: "L2\n").replacingOccurrences(of: "l18\n", with: "L18\n")
        #expect(TextDiff.compare(old, far).hunks.map(\.header) == ["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"])
        let near = old.replacingOccurrences(of: "l2\n", with: "L2\n").replacingOccurrences(of: "l8\n", with: "L8\n")
        #expect(TextDiff.compare(old, near).hunks.map(\.header) == ["@@ -1,11 +1,11 @@"])
    }

    @Test func removalsComeBeforeAdditionsInARun() {
        let diff = TextDiff.compare("a\nb\nc\n", "a\nx\ny\nc\n")
        #expect(diff.hunks.first?.lines.map(\.kind) == [.context, .removed, .added, .added, .context])
    }

    @Test func insertionIntoAnEmptyTextAndRemovalOfEverything() {
        #expect(Self.unified(TextDiff.compare("", "a\nb\n")) == "@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(Self.unified(TextDiff.compare("a\n", "")) == "@@ -1 +0,0 @@\n-a\n")
    }

    @Test func aMissingFinalLineBreakIsAChange() {
        #expect(
            Self.unified(TextDiff.compare("a\nb", "a\nb\n")) == """
                @@ -1,2 +1,2 @@
                 a
                -b
                \\ No newline at end of file
                +b

                """)
    }

    /// Random texts over a small alphabet of lines (so that many lines repeat): the diff applies and is
    /// minimal. Seeded, so a failure reproduces.
    @Test func randomTextsApplyAndAreMinimal() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let alphabet = ["a", "b", "c", "d", "", "{% if x %}", "e"]
        for _ in 0..<600 {
            func text() -> String {
                let count = Int(generator.next() % 14)
                let lines = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                let joined = lines.joined(separator: "\n")
                return generator.next() % 4 == 0 ? joined : (lines.isEmpty ? "" : joined + "\n")
            }
            let old = text()
            let new = text()
            let diff = TextDiff.compare(old, new, context: Int(generator.next() % 4))
            #expect(try Self.apply(diff, to: old) == new, "old \(old.debugDescription) new \(new.debugDescription)")
            let a = Self.tokens(old)
            let b = Self.tokens(new)
            let common = Self.lcs(a, b)
            let n = a.count
            let m = b.count
            #expect(
                diff.added + diff.removed == n + m - 2 * common,
                "not minimal: \(old.debugDescription) → \(new.debugDescription)")
        }
    }

    /// Two 60,000-line texts with nothing in common but every 50th line: the budget runs out and the diff
    /// is still correct. An unbounded search would take about 3.6 billion steps; bounded, the search costs
    /// little beside the linear work every diff does (reading and hashing the lines), which a diff with
    /// no search budget at all measures in the same run: a ratio, not a time, so a busy machine cannot fail it.
    @Test func hugeDifferentTextsAreBounded() throws {
        let old = (0..<60_000).map { $0 % 50 == 0 ? "same \($0)" : "old \($0)" }.joined(separator: "\n") + "\n"
        let new = (0..<60_000).map { $0 % 50 == 0 ? "same \($0)" : "new \($0 * 7)" }.joined(separator: "\n") + "\n"
        func fastest(budget: Int) -> (Duration, TextDiff) {
            let clock = ContinuousClock()
            var best = Duration.seconds(1_000_000)
            var diff = TextDiff.compare("", "")
            for _ in 0..<3 {
                let start = clock.now
                diff = TextDiff.compare(old, new, budget: budget)
                best = min(best, clock.now - start)
            }
            return (best, diff)
        }
        let (bounded, diff) = fastest(budget: TextDiff.defaultBudget)
        let (linear, _) = fastest(budget: 0)
        #expect(bounded / linear < 20, "bounded \(bounded), no search \(linear)")
        #expect(try Self.apply(diff, to: old) == new)
    }
}
