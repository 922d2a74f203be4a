import Diagnostics

/// One `# automail: ignore CODE[, CODE…] — reason` comment of a YAML file, as read.
///
/// The separator before the reason may be `—`, `–`, `--` or `-`. A comment alone on its line applies to
/// the next line that is not itself a comment line; a comment after YAML on the same line applies to that
/// line. It silences the diagnostics with one of its codes whose range starts on that line, or anywhere in
/// a block scalar (`body: |`) whose header is on that line: inside the scalar, a `#` is text.
package struct SuppressionComment: Sendable, Hashable {
    /// One code the comment names, where it is written.
    public struct Entry: Sendable, Hashable {
        /// The code, as catalogued (uppercase).
        public var code: DiagnosticCode
        /// The code's text in the comment.
        public var range: SourceRange
        /// Whether a comment may silence this code at all.
        public var suppressibility: Suppressibility
    }

    /// The comment, from `#` to its last non-blank character.
    public var range: SourceRange
    /// The 1-based lines whose diagnostics it silences: one line, or a block scalar's header and content.
    public var targetLines: ClosedRange<Int>
    /// The known codes it names, in order, without repeats.
    public var entries: [Entry]
    /// The reason after the separator, trimmed; empty when missing.
    public var reason: String
}

/// Reads the text of one comment that starts with `automail:`.
struct SuppressionDirectiveParser {
    /// What one comment gave: the entries and the reason, and the problems found.
    struct Outcome {
        var entries: [SuppressionComment.Entry] = []
        var reason = ""
        var diagnostics: [Diagnostic] = []
        /// Whether the comment is an `ignore` directive at all (else it silences nothing).
        var isDirective = false
    }

    let path: String
    /// The line of the comment being parsed.
    private var line = 1
    /// "did you mean" answers already computed in this file, by unknown code.
    private var suggestions: [String: String?] = [:]

    init(path: String) {
        self.path = path
    }

    /// The rules by code.
    private static let rules: [DiagnosticCode: RuleDescription] = Dictionary(
        RuleCatalog.all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    /// Parses the comment whose scalars are `comment` (from `#`, trailing blanks removed), starting at
    /// 1-based `column` of 1-based `line`.
    mutating func parse(_ comment: [Unicode.Scalar], line: Int, column: Int) -> Outcome {
        self.line = line
        var outcome = Outcome()
        let whole = range(column, column + comment.count)
        var index = 1  // after `#`
        skipBlanks(comment, &index)
        index += Self.prefix.count  // `automail:`, checked by the scanner
        skipBlanks(comment, &index)
        let verbStart = index
        while index < comment.count, !Self.isBlank(comment[index]) { index += 1 }
        let verb = String(String.UnicodeScalarView(comment[verbStart..<index]))
        guard verb.lowercased() == "ignore" else {
            let guess =
                DidYouMean.suggestion(for: verb.lowercased(), among: ["ignore"]) != nil
                ? " (did you mean `ignore`?)" : ""
            outcome.diagnostics.append(
                .rule(
                    .malformedSuppression,
                    verb.isEmpty
                        ? "`# automail:` comment without a directive"
                        : "unknown directive `\(verb)` in an `# automail:` comment",
                    at: whole, help: "write `# automail: ignore CODE — reason`" + guess))
            return outcome
        }
        outcome.isDirective = true
        var seen = Set<DiagnosticCode>()
        var codes = 0
        while true {
            while index < comment.count, Self.isBlank(comment[index]) || comment[index] == "," { index += 1 }
            guard index < comment.count else { break }
            if Self.isSeparator(comment[index]) {
                while index < comment.count, Self.isSeparator(comment[index]) { index += 1 }
                outcome.reason = Self.trimmed(comment[index...])
                break
            }
            let start = index
            while index < comment.count, !Self.isBlank(comment[index]), comment[index] != ",",
                !Self.isSeparator(comment[index])
            {
                index += 1
            }
            let token = String(String.UnicodeScalarView(comment[start..<index]))
            let at = range(column + start, column + index)
            guard codes < Self.maxCodes else {
                outcome.diagnostics.append(
                    .rule(
                        .malformedSuppression, "an `# automail: ignore` comment names more than \(Self.maxCodes) codes",
                        at: whole, help: "silence a few codes a line; fix the rest"))
                return Outcome(diagnostics: outcome.diagnostics)
            }
            guard Self.looksLikeCode(token) else {
                outcome.diagnostics.append(
                    .rule(
                        .malformedSuppression,
                        codes == 0
                            ? "`# automail: ignore` names no diagnostic code"
                            : "expected `—` before the reason of an `# automail: ignore` comment, found `\(token)`",
                        at: codes == 0 ? whole : at,
                        help:
                            "write `# automail: ignore CODE — reason`, for example `# automail: ignore AM612 — the subject is long on purpose`"
                    ))
                return Outcome(diagnostics: outcome.diagnostics)
            }
            codes += 1
            let code = DiagnosticCode(rawValue: token.uppercased())
            guard let rule = Self.rules[code] else {
                let help: String?
                if let known = suggestions[code.rawValue] {
                    help = known
                } else {
                    help = DidYouMean.help(for: code.rawValue, among: RuleCatalog.all.map(\.code.rawValue))
                    suggestions[code.rawValue] = help
                }
                outcome.diagnostics.append(
                    .rule(
                        .unknownSuppressedCode, "unknown diagnostic code `\(token)` in an `# automail: ignore` comment",
                        at: at, help: help ?? "run `automail explain` to list every code"))
                continue
            }
            guard seen.insert(code).inserted else { continue }
            let entry = SuppressionComment.Entry(code: code, range: at, suppressibility: rule.suppressibility)
            if let reason = entry.suppressibility.reason {
                outcome.diagnostics.append(
                    .rule(
                        .unsuppressibleCode, "`\(code)` cannot be suppressed: \(reason)", at: at,
                        notes: [DiagnosticNote("\(code): \(rule.summary)")],
                        help: "fix the problem instead; `automail explain \(code)` shows how"))
            }
            outcome.entries.append(entry)
        }
        if codes == 0 {
            outcome.diagnostics.append(
                .rule(
                    .malformedSuppression, "`# automail: ignore` names no diagnostic code", at: whole,
                    help:
                        "write `# automail: ignore CODE — reason`, for example `# automail: ignore AM612 — the subject is long on purpose`"
                ))
            return Outcome(diagnostics: outcome.diagnostics)
        }
        if outcome.reason.isEmpty, !outcome.entries.isEmpty {
            let example = outcome.entries.map(\.code.rawValue).joined(separator: ", ")
            outcome.diagnostics.append(
                .rule(
                    .suppressionWithoutReason, "`# automail: ignore` without a reason", at: whole,
                    help: "say why after a dash: `# automail: ignore \(example) — <why it is right here>`"))
        }
        return outcome
    }

    /// The most codes one comment may name (which bounds the work a hostile line can cause).
    static let maxCodes = 32

    /// `automail:`, the prefix that makes a comment a directive.
    static let prefix: [Unicode.Scalar] = Array("automail:".unicodeScalars)

    private func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(
            file: path, start: SourcePosition(line: line, column: start), end: SourcePosition(line: line, column: end))
    }

    private func skipBlanks(_ scalars: [Unicode.Scalar], _ index: inout Int) {
        while index < scalars.count, Self.isBlank(scalars[index]) { index += 1 }
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    /// `-`, `—` (em dash) or `–` (en dash): what separates the codes from the reason.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "-" || scalar == "\u{2014}" || scalar == "\u{2013}"
    }

    /// Two ASCII letters then letters and digits, with at least one digit: `AM612`, `am612`, `AM6O7`.
    private static func looksLikeCode(_ token: String) -> Bool {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count >= 3, scalars.count <= 16,
            scalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            return false
        }
        return scalars[0].properties.isAlphabetic && scalars[1].properties.isAlphabetic
            && scalars.contains { ("0"..."9").contains($0) }
    }

    private static func trimmed(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var slice = scalars
        while let first = slice.first, isBlank(first) { slice = slice.dropFirst() }
        while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
        return String(String.UnicodeScalarView(slice))
    }
}
