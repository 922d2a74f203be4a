import Foundation
import Testing

/// One fenced code block of a Markdown document, with the annotation that says what it is
/// (CONTRIBUTING.md, "Examples in the documentation"): `<!-- example: ROLE, KEY: VALUE, … -->` on the
/// last non-blank line before the fence.
struct DocumentationExample: CustomStringConvertible, Sendable {
    /// The document, relative to the repository root (`docs/diagnostics.md`).
    var file: String
    /// The 1-based line of the opening fence.
    var line: Int
    /// The fence's info string (`yaml`, `sh`, or empty).
    var info: String
    /// The block's text, every line ending in a line feed.
    var text: String
    /// The annotation, or `nil` when the block has none.
    var annotation: Annotation?

    /// `file:line`, the identifier the known-issue list and every failure use.
    var description: String { "\(file):\(line)" }

    /// Where a failure of this block points: the opening fence in the document.
    func sourceLocation(repository: String) -> SourceLocation {
        SourceLocation(
            fileID: "CLITests/\((file as NSString).lastPathComponent)", filePath: repository + "/" + file, line: line,
            column: 1)
    }

    /// What an `<!-- example: … -->` comment says.
    struct Annotation: Sendable {
        var role: String
        var values: [String: String]

        subscript(_ key: String) -> String? { values[key] }
    }

    /// The roles and, for each, the keys it takes (`reason` always last: it reads to the end of the comment).
    static let roles: [String: Set<String>] = [
        "workspace-file": ["path", "base", "expect"],
        "template-locale": ["base", "expect"],
        "commands": ["in", "expect-exit"],
        "output": ["format"],
        "copy": ["of"],
        "excerpt": ["of"],
        "json": ["schema"],
        "outline": ["schema"],
        "usage": ["of"],
        "paths": [],
        "tested-elsewhere": ["by"],
        "not-run": ["reason"],
    ]

    /// Every fenced block of `markdown`, in order.
    static func blocks(in markdown: String, file: String) -> [DocumentationExample] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [DocumentationExample] = []
        var index = 0
        while index < lines.count {
            guard let opening = lines[index].firstMatch(of: /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/) else {
                index += 1
                continue
            }
            let fence = String(opening.output.1)
            let start = index
            var body: [String] = []
            index += 1
            while index < lines.count {
                let candidate = lines[index].trimmingCharacters(in: .whitespaces)
                if candidate.hasPrefix(fence), candidate.allSatisfy({ $0 == fence.first }) { break }
                body.append(lines[index])
                index += 1
            }
            index += 1
            var previous = start - 1
            while previous >= 0, lines[previous].trimmingCharacters(in: .whitespaces).isEmpty { previous -= 1 }
            blocks.append(
                DocumentationExample(
                    file: file, line: start + 1, info: opening.output.2.trimmingCharacters(in: .whitespaces),
                    text: body.map { $0 + "\n" }.joined(),
                    annotation: previous >= 0 ? annotation(lines[previous]) : nil))
        }
        return blocks
    }

    /// The annotation of the line `<!-- example: ROLE, KEY: VALUE, … -->`, or `nil` when the line is not one.
    /// Values run to the next `, KEY:`; `reason:` runs to the end.
    static func annotation(_ line: String) -> Annotation? {
        guard let match = line.firstMatch(of: /^\s*<!--\s*example:\s*(.*?)\s*-->\s*$/) else { return nil }
        var rest = String(match.output.1)
        var reason: String?
        if let range = rest.range(of: ", reason:") ?? (rest.hasPrefix("not-run") ? rest.range(of: "reason:") : nil) {
            reason = rest[range.upperBound...].trimmingCharacters(in: .whitespaces)
            rest = String(rest[..<range.lowerBound])
        }
        var parts = rest.split(separator: /,\s*(?=[a-z][a-z-]*:\s)/).map { $0.trimmingCharacters(in: .whitespaces) }
        let role = parts.isEmpty ? "" : parts.removeFirst()
        var values: [String: String] = [:]
        for part in parts {
            guard let colon = part.firstIndex(of: ":") else { continue }
            values[String(part[..<colon])] = part[part.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let reason { values["reason"] = reason }
        return Annotation(role: role, values: values)
    }

    /// What is wrong with the annotation itself, or `nil`.
    var annotationProblem: String? {
        guard let annotation else {
            return "\(self): a fenced block without `<!-- example: … -->` on the line before it: say what it is "
                + "(CONTRIBUTING.md, \"Examples in the documentation\")"
        }
        guard let keys = Self.roles[annotation.role] else {
            return
                "\(self): unknown example role `\(annotation.role)`; one of \(Self.roles.keys.sorted().joined(separator: ", "))"
        }
        if let unknown = Set(annotation.values.keys).subtracting(keys).sorted().first {
            return
                "\(self): `\(unknown):` is not a key of `\(annotation.role)` (\(keys.sorted().joined(separator: ", ")))"
        }
        let required: [String: [String]] = [
            "workspace-file": ["path"], "copy": ["of"], "excerpt": ["of"], "outline": ["schema"], "usage": ["of"],
            "tested-elsewhere": ["by"], "not-run": ["reason"], "template-locale": ["base", "expect"],
        ]
        for key in required[annotation.role] ?? [] where (annotation[key] ?? "").isEmpty {
            return "\(self): `\(annotation.role)` needs `\(key):`"
        }
        return nil
    }
}

/// Output shown in a document matched against what a command printed: the shown lines must be found, in a
/// row, among the printed ones; `…` in a shown line stands for any text; trailing blanks do not count.
enum ShownOutput {
    static func matches(shown: String, printed: String) -> Bool {
        let wanted = lines(shown)
        let got = lines(printed)
        guard !wanted.isEmpty else { return got.isEmpty }
        let patterns = wanted.map(pattern)
        guard got.count >= wanted.count else { return false }
        for start in 0...(got.count - wanted.count)
        where zip(patterns, got[start...]).allSatisfy({ pattern, line in line.wholeMatch(of: pattern) != nil }) {
            return true
        }
        return false
    }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        return lines
    }

    private static func pattern(_ line: String) -> Regex<AnyRegexOutput> {
        let escaped = line.split(separator: "…", omittingEmptySubsequences: false)
            .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".*?")
        // The escaped pattern is built from literal text and `.*?` only, so it always compiles.
        return (try? Regex(escaped)) ?? Regex(/(?!)/)
    }
}
