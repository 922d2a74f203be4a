import AutoMail
import Foundation
import Liquid
import Testing

/// Lists the documents repeat are generated from the one list in the code, or checked against it: the
/// Liquid filters of `LiquidTemplate.supportedFilters` (the filter registry in Sources/Liquid), between the
/// markers `<!-- liquid-filters: … -->` and `<!-- /liquid-filters -->`; the rule table of
/// docs/diagnostics.md (`RuleCatalog.all`), between `<!-- rule-list: … -->` and `<!-- /rule-list -->`;
/// the output formats (`ReportFormat`); the tests CONTRIBUTING.md names. `RECORD_SNAPSHOTS=1` rewrites the
/// generated ones.
struct DocumentedListsTests {
    static let documents = ["README.md", "docs/workspace-format.md", "docs/bundle-format.md"]
    static let opening = "<!-- liquid-filters: generated from LiquidTemplate.supportedFilters -->"
    static let closing = "<!-- /liquid-filters -->"

    /// The list as the documents write it.
    static var generated: String { LiquidTemplate.supportedFilters.map { "`\($0)`" }.joined(separator: ", ") }

    @Test(arguments: documents)
    func theFilterListIsTheRegistry(_ document: String) throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent(document)
        var text = try String(contentsOf: url, encoding: .utf8)
        var found = 0
        var searchFrom = text.startIndex
        while let open = text.range(of: Self.opening, range: searchFrom..<text.endIndex) {
            let close = try #require(
                text.range(of: Self.closing, range: open.upperBound..<text.endIndex), "\(document): unclosed marker")
            let listed = String(text[open.upperBound..<close.lowerBound])
            if Fixtures.recording {
                text.replaceSubrange(open.upperBound..<close.lowerBound, with: Self.generated)
            } else {
                #expect(
                    listed == Self.generated,
                    "\(document) lists other filters than the registry; RECORD_SNAPSHOTS=1 rewrites it")
            }
            found += 1
            searchFrom =
                text.range(of: Self.closing, range: open.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
        }
        #expect(found == 1, "\(document) has \(found) generated filter lists, not 1")
        if Fixtures.recording { try text.write(to: url, atomically: true, encoding: .utf8) }
    }

    /// Replaces what lies between `opening` and `closing` in `document` with `generated` when recording;
    /// else expects it to be `generated`. The markers must be there exactly once.
    static func checkGenerated(
        _ document: String, between opening: String, and closing: String, _ generated: String, what: String
    ) throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent(document)
        var text = try String(contentsOf: url, encoding: .utf8)
        let open = try #require(text.range(of: opening), "\(document): no `\(opening)`")
        let close = try #require(
            text.range(of: closing, range: open.upperBound..<text.endIndex), "\(document): unclosed marker")
        #expect(text.components(separatedBy: opening).count == 2, "\(document) has more than one \(what)")
        if Fixtures.recording {
            text.replaceSubrange(open.upperBound..<close.lowerBound, with: "\n" + generated)
            try text.write(to: url, atomically: true, encoding: .utf8)
        } else {
            #expect(
                String(text[open.upperBound..<close.lowerBound]) == "\n" + generated,
                "\(document): the \(what) differs from the code; RECORD_SNAPSHOTS=1 rewrites it")
        }
    }

    /// docs/diagnostics.md's rule table is `automail explain --format markdown`: every rule of the catalog.
    @Test func theRuleTableIsTheCatalog() throws {
        try Self.checkGenerated(
            "docs/diagnostics.md", between: "<!-- rule-list: generated from RuleCatalog.all -->",
            and: "<!-- /rule-list -->", RuleExplanation.listMarkdown(RuleCatalog.all), what: "rule table")
    }

    /// Every output format (``ReportFormat``) is in docs/diagnostics.md: in the `--format` list, in the
    /// list of contents and as a section of its own; and in README's synopsis of `automail check`.
    @Test func everyOutputFormatIsDocumented() throws {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        let names = ReportFormat.allCases.map(\.rawValue)
        #expect(
            text.contains("`--format \(names.joined(separator: "|"))`"), "the `--format` list differs from ReportFormat"
        )
        #expect(
            text.contains("[Output formats](#output-formats): " + names.map { "`\($0)`" }.joined(separator: ", ")),
            "the contents' list of formats differs from ReportFormat")
        for name in names {
            #expect(text.contains("\n### `\(name)`\n"), "docs/diagnostics.md has no section `### \\`\(name)\\``")
        }
        let readme = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(
            readme.contains("[--format \(names.joined(separator: "\\|"))]"),
            "README's `automail check` synopsis lists other formats than ReportFormat")
    }

    /// A line of the documentation that names three output formats or more names every machine format: a
    /// list of formats is complete. `action.yml`'s `format` input names every format.
    @Test func everyListOfOutputFormatsIsComplete() throws {
        let machine = ReportFormat.allCases.filter { $0 != .human }.map(\.rawValue)
        let files = ["README.md", "docs/diagnostics.md", "docs/integration.md", "docs/recipes.md"]
        var lists = 0
        for file in files {
            let url = Fixtures.repositoryRoot.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            for (index, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
                let named = ReportFormat.allCases.map(\.rawValue).filter { line.contains("`\($0)`") }
                guard named.count >= 3 else { continue }
                lists += 1
                let missing = machine.filter { !named.contains($0) }
                #expect(missing.isEmpty, "\(file):\(index + 1) lists output formats without \(missing)")
            }
        }
        #expect(lists >= 4, "the lists of output formats were not found (\(lists))")
        let action = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let input = try #require(
            action.split(separator: "\n").first { $0.contains("`automail check --format`") },
            "action.yml: no `format` input")
        for format in ReportFormat.allCases {
            #expect(input.contains(format.rawValue), "action.yml's `format` input does not name \(format.rawValue)")
        }
    }

    /// Every test CONTRIBUTING.md names as enforcing a step (`` `Suite/test` ``) exists, so a checklist does not
    /// point at a test that was renamed away.
    @Test func theTestsContributingNamesExist() throws {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("CONTRIBUTING.md"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #"`(\w+Tests)/(\w+)`"#)
        var sources = ""
        let tests = Fixtures.repositoryRoot.appendingPathComponent("Tests")
        for case let url as URL in FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)?
            .allObjects ?? [] where url.pathExtension == "swift"
        {
            sources += try String(contentsOf: url, encoding: .utf8)
        }
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(matches.count >= 15)
        for match in matches {
            guard let suite = Range(match.range(at: 1), in: text), let test = Range(match.range(at: 2), in: text) else {
                continue
            }
            #expect(
                sources.contains("struct \(text[suite])"),
                "CONTRIBUTING.md names a suite `\(text[suite])` that does not exist")
            #expect(
                sources.contains("func \(text[test])("),
                "CONTRIBUTING.md names a test `\(text[test])` that does not exist")
        }
    }

    /// `automail explain AM606` lists every supported filter, from the same registry.
    @Test func theExplanationOfAM606ListsTheRegistry() throws {
        let rule = try #require(RuleCatalog.rule("AM606"))
        let flattened = rule.explanation.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flattened.contains(Self.generated))
    }

    /// Every supported filter renders: the registry is what the renderer implements.
    @Test(arguments: LiquidTemplate.supportedFilters)
    func everyListedFilterIsImplemented(_ name: String) throws {
        let arguments: String
        switch name {
        case "append", "prepend", "remove", "remove_first": arguments = ": \"x\""
        case "replace", "replace_first": arguments = ": \"a\", \"b\""
        default: arguments = ""
        }
        let parsed = LiquidTemplate.parse("{{ \"abc\" | \(name)\(arguments) }}")
        let template = try #require(parsed.template, "`\(name)`: \(parsed.issues.map(\.message))")
        guard case .success = template.render(.object([:])) else {
            Issue.record("`\(name)` does not render")
            return
        }
    }
}
