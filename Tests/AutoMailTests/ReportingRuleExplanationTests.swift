import AutoMail
import Diagnostics
import Testing

/// The text `automail explain` prints, for a rule made up here (the catalog is tested with the rules).
@Suite struct ReportingRuleExplanationTests {
    let rule = RuleDescription(
        code: "AM301", severity: .error, summary: "a trigger names an unknown template",
        explanation: "A trigger's `template` must be the `id` of a template.\n",
        examples: [
            RuleExample(triggers: false, files: ["triggers/t.yaml": "triggers:\n  - template: welcome\n"]),
            RuleExample(triggers: true, files: ["triggers/t.yaml": "triggers:\n\n  - template: «welcom»\n"]),
        ])

    @Test func explainsSummaryExplanationAndFirstExamples() {
        #expect(
            RuleExplanation.explain(rule) == """
                AM301 (error): a trigger names an unknown template

                A trigger's `template` must be the `id` of a template.

                AM301 cannot be suppressed: the compiler cannot build a bundle that does what the workspace says until it is fixed.

                Example that triggers AM301 («» marks where it is reported):

                    # triggers/t.yaml
                    triggers:

                      - template: «welcom»

                Example that passes:

                    # triggers/t.yaml
                    triggers:
                      - template: welcome

                """)
    }

    @Test func listsEveryRuleByCode() {
        let other = RuleDescription(
            code: "AM110", severity: .error, summary: "file too large", explanation: "", examples: [])
        let warning = RuleDescription(
            code: "AM611", severity: .warning, summary: "no alt text", explanation: "", examples: [])
        #expect(
            RuleExplanation.list([rule, warning, other])
                == "AM110  error    file too large\nAM301  error    a trigger names an unknown template\nAM611  warning  no alt text\n"
        )
    }

    @Test func saysWhetherARuleCanBeSuppressed() {
        let warning = RuleDescription(
            code: "AM611", severity: .warning, summary: "no alt text", explanation: "", examples: [])
        #expect(
            RuleExplanation.suppression(warning)
                == "AM611 can be suppressed with `# automail: ignore AM611 — reason` on the line before, or at the end of, the line it is reported on."
        )
        let footer = RuleDescription(
            code: "AM401", severity: .error, summary: "no unsubscribe link", explanation: "", examples: [])
        #expect(
            RuleExplanation.suppression(footer)
                == "AM401 cannot be suppressed: sending with this problem would break the law or put recipients at risk."
        )
        #expect(
            RuleExplanation.markdown(rule).hasPrefix(
                "**AM301** (error): a trigger names an unknown template\n\nA trigger's"))
    }

    @Test func lookupIsCaseInsensitiveAndSuggestsACloseCode() throws {
        #expect(try RuleExplanation.lookup("am301", in: [rule]).get().code == "AM301")
        guard case .failure(let unknown) = RuleExplanation.lookup("AM310", in: [rule]) else {
            Issue.record("AM310 should be unknown")
            return
        }
        #expect(unknown.message == "unknown rule code `AM310`")
        #expect(unknown.help == "did you mean `AM301`?")
    }
}

/// `automail explain CODE` prints, for every rule, a failing and a passing example that a terminal
/// can show safely.
struct RuleExplanationExampleTests {
    @Test(arguments: RuleCatalog.all.map(\.code.rawValue))
    func everyExplanationShowsSafeExamples(_ code: String) throws {
        let rule = try #require(RuleCatalog.rule(DiagnosticCode(rawValue: code)))
        let text = RuleExplanation.explain(rule)
        let severity =
            rule.buildSeverity.map { "\(rule.severity.rawValue); \($0.rawValue) for build" } ?? rule.severity.rawValue
        #expect(text.hasPrefix("\(code) (\(severity)): \(rule.summary)\n"))
        if rule.examples.contains(where: { !$0.triggers }) {
            #expect(text.contains("Example that passes:"))
        }
        if rule.examples.contains(where: \.triggers) {
            #expect(text.contains("Example that triggers \(code)"))
        }
        let controls = text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F }
        #expect(controls.isEmpty, "explain \(code) prints raw control characters")
    }

    @Test func passingExampleShowsTheFixedLinesOfTheSameFile() throws {
        let rule = try #require(RuleCatalog.rule(.footerMissingUnsubscribe))
        let text = RuleExplanation.explain(rule)
        let passing = try #require(text.components(separatedBy: "Example that passes:").last)
        #expect(passing.contains("# automail.yaml"))
        #expect(passing.contains("[Unsubscribe]({{ unsubscribe_url }})"))
        #expect(passing.contains("…"))
    }
}
