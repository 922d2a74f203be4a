import AutoMail
import Diagnostics
import Foundation
import TestSupport
import Testing

/// `# automail: ignore CODE — reason` comments: where they apply, what they may silence, and what is not
/// a comment. Each case is the base workspace's `callback` template with its English locale replaced,
/// and the codes expected to remain reported and to be suppressed.
@Suite struct SuppressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The English locale of `templates/callback.yaml` (two-space indented, as in the base file).
        var english: String
        /// `CODE@line` of each reported diagnostic, in order.
        var reported: [String]
        /// `CODE@line` of each suppressed diagnostic, in order.
        var suppressed: [String]
        var testDescription: String { name }
    }

    /// The base `callback.yaml` up to its English locale (8 lines, so the English locale starts on line 9).
    static let head = """
        id: callback
        sender: team
        purpose: news
        locales:
          fr:
            subject: Nous allons vous rappeler
            body: |
              Un bénévole vous rappellera bientôt.

        """

    static let image = "      ![](https://example.org/logo.png)\n"

    static let cases: [Case] = [
        Case(
            name: "a comment alone on the line before",
            english: "  en:\n    subject: Hi\n    # automail: ignore AM611 — decorative\n    body: |\n      Hi.\n"
                + image,
            reported: [], suppressed: ["AM611@14"]),
        Case(
            name: "a comment on the line before a stack of comments",
            english:
                "  en:\n    subject: Hi\n    # automail: ignore AM611 — decorative\n    # another comment\n    body: |\n      Hi.\n"
                + image,
            reported: [], suppressed: ["AM611@15"]),
        Case(
            name: "a block scalar's header line covers its content",
            english: "  en:\n    subject: Hi\n    body: |  # automail: ignore AM611 - decorative\n      Hi.\n" + image,
            reported: [], suppressed: ["AM611@13"]),
        Case(
            name: "the line before does not reach past a blank line",
            english: "  en:\n    subject: Hi\n    # automail: ignore AM611 -- decorative\n\n    body: |\n      Hi.\n"
                + image,
            reported: ["AM611@15", "AM802@11"], suppressed: []),
        Case(
            name: "several codes and an en dash",
            english: "  en:\n    subject: Hi\n    body: |  # automail: ignore AM611, AM612 – decorative\n      Hi.\n"
                + image,
            reported: ["AM802@11"], suppressed: ["AM611@13"]),
        Case(
            name: "a `#` inside a quoted scalar is text",
            english: "  en:\n    subject: \"Hi # automail: ignore AM611 — decorative\"\n    body: |\n      Hi.\n"
                + image,
            reported: ["AM611@13"], suppressed: []),
        Case(
            name: "a `#` inside a block scalar is text",
            english: "  en:\n    subject: Hi\n    body: |\n      # automail: ignore AM611 — decorative\n" + image,
            reported: ["AM611@13"], suppressed: []),
        Case(
            name: "a comment after a quoted scalar holding `#`",
            english:
                "  en:\n    subject: 'Hi #1'  # automail: ignore AM612 — checked by hand\n    body: |\n      Hi.\n",
            reported: ["AM802@10"], suppressed: []),
        Case(
            name: "a `#` glued to text does not start a comment",
            english: "  en:\n    subject: Hi#automail:ignore AM612 — x\n    body: |\n      Hi.\n",
            reported: [], suppressed: []),
        Case(
            name: "an unsafe code cannot be silenced",
            english: "  en:\n    subject: Hi\n    body: |  # automail: ignore AM608 — we trust it\n      <b>Hi</b>\n",
            reported: ["AM804@11", "AM608@12"], suppressed: []),
        Case(
            name: "a missing reason still silences, and is an error",
            english: "  en:\n    subject: Hi\n    body: |  # automail: ignore AM611\n      Hi.\n" + image,
            reported: ["AM801@11"], suppressed: ["AM611@13"]),
    ]

    static func check(_ english: String, extra: [String: String] = [:]) -> CompilationResult {
        var files = RuleCatalog.baseWorkspace
        files["templates/callback.yaml"] = head + english
        files.merge(extra) { $1 }
        return Compiler.check(files.map { SourceFile(path: $0.key, text: $0.value) })
    }

    static func describe(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.code)@\($0.range?.start.line ?? 0)" }
    }

    @Test(arguments: cases)
    func suppression(_ testCase: Case) {
        let result = Self.check(testCase.english)
        #expect(
            Set(Self.describe(result.diagnostics)) == Set(testCase.reported), "\(result.diagnostics.map(\.message))")
        #expect(Self.describe(result.suppressed.map(\.diagnostic)) == testCase.suppressed)
    }

    @Test func theReasonAndTheCommentAreKept() throws {
        let result = Self.check(
            "  en:\n    subject: Hi\n    # automail: ignore AM611 — the logo is decorative\n    body: |\n      Hi.\n"
                + Self.image)
        let suppressed = try #require(result.suppressed.first)
        #expect(suppressed.reason == "the logo is decorative")
        #expect(suppressed.comment.description == "templates/callback.yaml:11:5")
        #expect(suppressed.comment.end.column == 54)
    }

    /// A suppressed error that the compiler can build around does not stop the build; one it cannot
    /// build around cannot be suppressed, so the build still fails.
    @Test func aSuppressedAllowedErrorLetsTheBuildGoOn() {
        var files = RuleCatalog.baseWorkspace
        files["templates/callback.yaml"] =
            (files["templates/callback.yaml"] ?? "")
            + "x-owner: comms  # automail: ignore AM201 — read by our own tooling\n"
        let built = Compiler.build(files.map { SourceFile(path: $0.key, text: $0.value) })
        #expect(built.diagnostics.isEmpty)
        #expect(Self.describe(built.suppressed.map(\.diagnostic)) == ["AM201@13"])
        #expect(built.bundle != nil)
    }

    @Test func everyRuleHasASuppressibilityAndTheUnsafeOnesAreErrors() {
        for rule in RuleCatalog.all {
            switch rule.suppressibility {
            case .allowed: #expect(rule.severity != .error || Suppressibility.allowedErrors.contains(rule.code))
            case .unsafe: #expect(Suppressibility.unsafeCodes.contains(rule.code))
            case .unfaithful, .unreadable, .suppressionComment: #expect(rule.suppressibility.reason != nil)
            }
        }
        for code in Suppressibility.unsafeCodes.union(Suppressibility.allowedErrors) {
            #expect(RuleCatalog.rule(code) != nil, "\(code) is not a rule")
        }
        // What the issue names: the legal footer, consent, header injection.
        for code: DiagnosticCode in ["AM401", "AM402", "AM403", "AM404", "AM405", "AM406", "AM410", "AM411", "AM503"] {
            #expect(RuleCatalog.rule(code)?.suppressibility == .unsafe)
        }
    }

    /// A hostile stack of comments, codes and block lines costs linear time: `n` stacked comments on one
    /// line and `n / 10` block-scalar lines holding comment-like text. Measured as the ratio of the cost per
    /// byte at 2,500 and at 10,000 comments (thread CPU time, fastest of two), never as an absolute time:
    /// a busy machine stretches both sizes alike, quadratic work makes the ratio about 4.
    @Test func manyCommentsStayLinear() {
        func workspace(_ count: Int) -> String {
            let stack = String(repeating: "    # automail: ignore AM611, AM612 — decorative\n", count: count)
            let block = (0..<(count / 10)).map { "      line \($0) # automail: ignore AM611 — text\n" }.joined()
            return "  en:\n    subject: Hi\n" + stack + "    body: |\n" + block + Self.image
        }
        let (growth, warnings) = Growth.measure(size: 2_500, repeats: 2, make: workspace) { text in
            let result = Self.check(text)
            // At most `maxPerFileAndCode` of them are kept, the last counting the rest (SECURITY.md).
            let capped =
                result.suppressed.count == 1 && result.diagnostics.count == DiagnosticBag.maxPerFileAndCode
                && result.diagnostics.count { $0.code == .unusedSuppression } == DiagnosticBag.maxPerFileAndCode
            return capped ? result.diagnostics.total(of: .warning) : -1
        }
        #expect(warnings == [2_500, 10_000])
        #expect(growth.perUnitRatio < 2.5, "\(growth)")
    }

    /// A file without `automail:` is not scanned, and a workspace without comments gives nothing.
    @Test func theExamplesAndTheBaseWorkspaceHaveNoSuppressions() {
        let result = Compiler.check(RuleCatalog.baseWorkspace.map { SourceFile(path: $0.key, text: $0.value) })
        #expect(result.suppressed.isEmpty && result.diagnostics.isEmpty)
    }
}

/// docs/diagnostics.md lists exactly the codes a comment may silence.
@Suite struct SuppressionDocumentationTests {
    @Test func theDocumentedSuppressibleCodesAreTheCatalogs() throws {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Suppressible codes: ") })
        let documented = line.dropFirst("Suppressible codes: ".count).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "`.")))
        }
        let actual = RuleCatalog.all.filter { $0.suppressibility == .allowed }.map(\.code.rawValue)
        #expect(documented == actual)
        for code in Suppressibility.unsafeCodes.map(\.rawValue).sorted() where !("AM402"..."AM407").contains(code) {
            #expect(text.contains("`\(code)`"), "docs/diagnostics.md does not name the unsafe code \(code)")
        }
    }
}
