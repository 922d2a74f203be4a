import AutoMail
import Foundation
import Testing

/// The `automail` command as a user runs it: exit codes and exact output.
@Suite struct CLITests {
    /// A manifest complete per docs/workspace-format.md, so that the checks have nothing to say about it.
    static let manifest = """
        id: test-workspace
        name: Test workspace
        locales: [en]
        sending_domains: [riverside-tenants.org]
        legal:
          publisher: Example association
          postal_address: 1 Main Street, Springfield, USA
          privacy_url: https://riverside-tenants.org/privacy
          data_origin:
            en: You receive this email because you talked with one of our volunteers.
        footer:
          en: |
            {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
            [Privacy]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})

        """

    static let workspaceHelp =
        "  = help: pass the folder that holds `automail.yaml`, or create one (see docs/workspace-format.md)"

    @Test func versionIsTheCompilerVersion() throws {
        let outcome = try AutomailProcess.run(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == Compiler.version + "\n")
        #expect(outcome.standardError == "")
    }

    @Test func checkOnAMissingFolderExitsWith2() throws {
        let scratch = try ScratchFolder()
        let outcome = try AutomailProcess.run(["check", "missing"], in: scratch.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput == "")
        #expect(
            outcome.standardError == """
                error[AM001]: `missing` is not an automail workspace: no such directory
                \(Self.workspaceHelp)


                """)
    }

    @Test func checkOnAFolderWithoutManifestExitsWith2() throws {
        let scratch = try ScratchFolder()
        try scratch.write("ws/templates/a.yaml", "id: a\n")
        let outcome = try AutomailProcess.run(["check", "ws/"], in: scratch.path)
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError == """
                error[AM001]: `ws/` is not an automail workspace: no `automail.yaml`
                \(Self.workspaceHelp)


                """)
    }

    @Test func checkOnAMinimalWorkspaceIsClean() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", Self.manifest)
        let outcome = try AutomailProcess.run(["check"], in: scratch.path)
        #expect(outcome.standardOutput == "")
        #expect(outcome.standardError == "ok: no problems found in 1 file\n")
        #expect(outcome.status == 0)
    }

    @Test func checkReportsLoaderProblemsWithPathsAsGivenAndExits1() throws {
        let scratch = try ScratchFolder()
        try scratch.write("campaign/automail.yaml", Self.manifest)
        try scratch.write("campaign/templates/welcome.yml", "id: welcome\n")
        let outcome = try AutomailProcess.run(["check", "campaign", "--color", "never"], in: scratch.path)
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError.contains(
                """
                error[AM003]: `templates/welcome.yml` is not read: automail reads `.yaml` files
                 --> campaign/templates/welcome.yml:1:1
                  = help: rename it to `templates/welcome.yaml`

                """))
        let summary = outcome.standardError.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasPrefix("error: "))
    }

    @Test func strictFailsOnWarningsOnlyWhenAsked() throws {
        // No warning is stable yet while the checks are being written: assert the flag is accepted.
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", Self.manifest)
        let outcome = try AutomailProcess.run(["check", "--strict"], in: scratch.path)
        #expect(outcome.status == 0 || outcome.status == 1)
    }

    @Test func maxDiagnosticsPrintsTheFirstOnesThenCountsTheRest() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", Self.manifest)
        try scratch.write(
            "triggers/t.yaml",
            "triggers:\n  - id: a\n    when: {task: x}\n    template: y\n  - id: b\n    when: {task: z}\n    template: w\n"
        )
        let all = try AutomailProcess.run(["check", "--jobs", "2"], in: scratch.path)
        let limited = try AutomailProcess.run(["check", "--max-diagnostics", "1", "--jobs", "1"], in: scratch.path)
        #expect(all.status == 1 && limited.status == 1)
        let total = all.standardError.components(separatedBy: "\nerror[").count
        #expect(total >= 3)
        #expect(limited.standardError.components(separatedBy: "\nerror[").count == 1)
        #expect(
            limited.standardError.contains("… and \(total - 1) more (\(total - 1 + 1) errors, 0 warnings in all)\n"))
        #expect(limited.standardError.hasSuffix("error: \(total) errors\n"))
    }

    @Test func colorAlwaysColoursEvenWithoutATerminal() throws {
        let scratch = try ScratchFolder()
        let always = try AutomailProcess.run(["check", "missing", "--color", "always"], in: scratch.path)
        #expect(always.standardError.hasPrefix("\u{1B}[1;31merror[AM001]\u{1B}[0m"))
        let auto = try AutomailProcess.run(["check", "missing"], in: scratch.path)
        #expect(!auto.standardError.contains("\u{1B}"))
    }

    @Test func badUsageExitsWith2() throws {
        let outcome = try AutomailProcess.run(["check", "--no-such-flag"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--no-such-flag"))
        #expect(try AutomailProcess.run(["check", "--color", "sometimes"]).status == 2)
        #expect(try AutomailProcess.run(["frobnicate"]).status == 2)
    }

    @Test func explainAnUnknownCodeExitsWith2() throws {
        let outcome = try AutomailProcess.run(["explain", "AM999"])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput == "")
        #expect(outcome.standardError.hasPrefix("error: unknown rule code `AM999`\nhelp: "))
    }

    @Test func explainWithoutACodeListsEveryRule() throws {
        let outcome = try AutomailProcess.run(["explain"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == RuleExplanation.list(RuleCatalog.all))
    }

    @Test func explainAKnownCodePrintsItsExplanation() throws {
        guard let rule = RuleCatalog.all.first else { return }  // the catalog is still empty
        let outcome = try AutomailProcess.run(["explain", rule.code.rawValue.lowercased()])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == RuleExplanation.explain(rule))
    }

    @Test func buildIntoAMissingFolderExitsWith2AndWritesNothing() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", Self.manifest)
        let outcome = try AutomailProcess.run(["build", "--output", "out/bundle.json"], in: scratch.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput == "")
        #expect(outcome.standardError == "error: cannot write `out/bundle.json`: no directory `out`\n")
        #expect(try scratch.contents() == ["automail.yaml"])
    }

    @Test func aFailedBuildLeavesAnExistingBundleUntouched() throws {
        let scratch = try ScratchFolder()
        try scratch.write("out/bundle.json", "{\"previous\": true}\n")
        try scratch.write("not-a-workspace/templates/a.yaml", "id: a\n")
        let outcome = try AutomailProcess.run(
            ["build", "not-a-workspace", "--output", "out/bundle.json"], in: scratch.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput == "")
        #expect(scratch.read("out/bundle.json") == "{\"previous\": true}\n")
        #expect(try scratch.contents("out") == ["bundle.json"])
    }

    @Test func aBuildWithLoaderErrorsExits1AndLeavesTheBundleUntouched() throws {
        let scratch = try ScratchFolder()
        try scratch.write("ws/automail.yaml", Self.manifest)
        try scratch.write("ws/triggers/t.yml", "triggers: []\n")
        try scratch.write("bundle.json", "old\n")
        let outcome = try AutomailProcess.run(["build", "ws", "-o", "bundle.json"], in: scratch.path)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("error[AM003]: `triggers/t.yml` is not read"))
        #expect(scratch.read("bundle.json") == "old\n")
        #expect(try scratch.contents() == ["bundle.json", "ws"])
    }
}
