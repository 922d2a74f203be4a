import AutoMail
import Foundation
import Testing

/// `--format`, `--report`, the exit codes of `check`, `build` and `explain`, and report paths, through the
/// built binary (docs/diagnostics.md).
@Suite struct CLIReportTests {
    /// A template no trigger uses: one warning (AM703).
    static let unusedTemplate = "id: hello\nlocales:\n  en:\n    subject: Hello\n    body: |\n      Hello.\n"
    /// A trigger naming an unknown task and an unknown template: two errors (AM307, AM301).
    static let brokenTrigger = "triggers:\n  - id: t\n    when:\n      task: call\n    template: hello\n"

    enum Kind: String, CaseIterable, Sendable { case clean, warnings, errors }

    static func workspace(_ kind: Kind, in scratch: ScratchFolder, at folder: String = ".") throws {
        try scratch.write("\(folder)/automail.yaml", CLITests.manifest)
        switch kind {
        case .clean: break
        case .warnings: try scratch.write("\(folder)/templates/hello.yaml", unusedTemplate)
        case .errors: try scratch.write("\(folder)/triggers/t.yaml", brokenTrigger)
        }
    }

    /// Exit 0 clean, 1 errors, 0 warnings (1 with `--strict`), in every format, for `check` and `build`.
    @Test(arguments: ["check", "build"], ReportFormat.allCases.map(\.rawValue))
    func exitCodes(command: String, format: String) throws {
        for kind in Kind.allCases {
            let scratch = try ScratchFolder()
            try Self.workspace(kind, in: scratch)
            let plain = try AutomailProcess.run([command, "--format", format], in: scratch.path)
            let strict = try AutomailProcess.run([command, "--format", format, "--strict"], in: scratch.path)
            switch kind {
            case .clean: #expect(plain.status == 0 && strict.status == 0, "\(plain.standardError)")
            case .warnings: #expect(plain.status == 0 && strict.status == 1, "\(kind)")
            case .errors: #expect(plain.status == 1 && strict.status == 1, "\(kind)")
            }
        }
    }

    @Test func checkWritesMachineFormatsToStdoutAndHumanToStderr() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.errors, in: scratch)
        let human = try AutomailProcess.run(["check"], in: scratch.path)
        #expect(human.standardOutput == "" && human.standardError.contains("error[AM301]"))
        let json = try AutomailProcess.run(["check", "--format", "json"], in: scratch.path)
        #expect(json.standardError == "")
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(array.map { $0["code"] as? String } == ["AM307", "AM301"])
        #expect(array.first?["file"] as? String == "triggers/t.yaml")
        let github = try AutomailProcess.run(["check", "--format", "github"], in: scratch.path)
        #expect(
            github.standardOutput.hasPrefix(
                "::error file=triggers/t.yaml,line=4,col=13,endLine=4,endColumn=17,title=AM307::"))
        #expect(
            github.standardOutput.contains(
                "\n::error file=triggers/t.yaml,line=5,col=15,endLine=5,endColumn=20,title=AM301::"))
        let sarif = try AutomailProcess.run(["check", "--format", "sarif"], in: scratch.path)
        #expect(sarif.standardOutput.contains("\"version\": \"2.1.0\"") && sarif.status == 1)
    }

    @Test func buildKeepsStdoutForTheBundleAndReportsOnStderrOrToAFile() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.warnings, in: scratch)
        let run = try AutomailProcess.run(["build", "--format", "json"], in: scratch.path)
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("{"))  // the bundle
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardError.utf8)) as? [[String: Any]])
        #expect(array.map { $0["code"] as? String } == ["AM703"])
        let toFile = try AutomailProcess.run(
            ["build", "--format", "sarif", "--report", "report.sarif", "--output", "bundle.json"], in: scratch.path)
        // The report is in its file: stderr has only the closing line, for people (none with --quiet).
        #expect(toFile.status == 0 && toFile.standardOutput == "" && toFile.standardError.hasPrefix("built "))
        #expect(scratch.read("report.sarif")?.contains("\"ruleId\": \"AM703\"") == true)
        #expect(scratch.read("bundle.json")?.hasPrefix("{") == true)
    }

    @Test func checkReportToAFile() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.errors, in: scratch)
        let run = try AutomailProcess.run(
            ["check", "--format", "github", "--report", "annotations.txt"], in: scratch.path)
        #expect(run.status == 1 && run.standardOutput == "" && run.standardError == "")
        #expect(scratch.read("annotations.txt")?.hasPrefix("::error file=triggers/t.yaml,") == true)
    }

    /// Exit 2: an unknown format, a report into a missing folder, a missing workspace, in any format.
    @Test func badUsageExitsWith2() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.clean, in: scratch)
        for arguments in [
            ["check", "--format", "xml"], ["build", "--format", "sarif2"], ["check", "--report", "missing/r.json"],
            ["build", "--report", "missing/r.json"], ["check", "--format", "json", "no-such-folder"],
            ["explain", "--format", "yaml"],
        ] {
            let run = try AutomailProcess.run(arguments, in: scratch.path)
            #expect(run.status == 2, "\(arguments): \(run.standardError)")
            #expect(run.standardOutput == "", "\(arguments)")
        }
        let unknown = try AutomailProcess.run(["check", "--format", "xml"], in: scratch.path)
        #expect(unknown.standardError.contains("'human', 'json', 'sarif', 'github' or 'gitlab'"))
    }

    /// Exit 3: the report cannot be written (its path is a folder).
    @Test func anUnwritableReportExitsWith3() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.clean, in: scratch)
        try FileManager.default.createDirectory(atPath: scratch.path + "/taken", withIntermediateDirectories: true)
        for command in ["check", "build"] {
            let run = try AutomailProcess.run(
                [command, "--format", "json", "--report", "taken", "--output", "b.json"].filter {
                    command == "build" || ($0 != "--output" && $0 != "b.json")
                }, in: scratch.path)
            #expect(run.status == 3, "\(command): \(run.standardError)")
            #expect(run.standardError.hasPrefix("error: cannot write `taken`: "))
        }
    }

    /// In a git repository, machine formats give paths from the repository root wherever automail runs;
    /// the human format keeps the path as given.
    @Test func machineFormatsUsePathsFromTheRepositoryRoot() throws {
        let scratch = try ScratchFolder()
        try scratch.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        try Self.workspace(.errors, in: scratch, at: "repo/sites/lyon")
        for (directory, argument) in [("repo/sites/lyon", "."), ("repo", "sites/lyon"), (".", "repo/sites/lyon/")] {
            let json = try AutomailProcess.run(
                ["check", "--format", "json", argument], in: scratch.path + "/" + directory)
            let array = try #require(
                try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
            #expect(array.first?["file"] as? String == "sites/lyon/triggers/t.yaml", "from \(directory)")
        }
        let human = try AutomailProcess.run(["check", "."], in: scratch.path + "/repo/sites/lyon")
        #expect(human.standardError.contains(" --> triggers/t.yaml:4:13"))
        let outside = try AutomailProcess.run(
            ["check", "--format", "github", "lyon"], in: scratch.path + "/repo/sites")
        #expect(outside.standardOutput.hasPrefix("::error file=sites/lyon/triggers/t.yaml,"))
    }

    @Test func outsideARepositoryPathsAreAsGiven() throws {
        let scratch = try ScratchFolder()
        try Self.workspace(.errors, in: scratch, at: "ws")
        let json = try AutomailProcess.run(["check", "--format", "json", "ws"], in: scratch.path)
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(array.first?["file"] as? String == "ws/triggers/t.yaml")
    }

    @Test func suppressedDiagnosticsAreCountedAndListedInSARIF() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", CLITests.manifest)
        try scratch.write(
            "templates/hello.yaml",
            "id: hello  # automail: ignore AM703 — sent by hand for now\n"
                + Self.unusedTemplate.dropFirst("id: hello\n".count))
        let human = try AutomailProcess.run(["check", "--strict"], in: scratch.path)
        #expect(human.status == 0)
        #expect(human.standardError == "ok: no problems found in 2 files (1 suppressed)\n")
        let sarif = try AutomailProcess.run(["check", "--format", "sarif"], in: scratch.path)
        #expect(sarif.standardOutput.contains("\"justification\": \"sent by hand for now\""))
        #expect(sarif.standardOutput.contains("\"kind\": \"inSource\""))
    }

    // MARK: - explain

    @Test func explainListsEveryRuleWithItsSeverity() throws {
        let run = try AutomailProcess.run(["explain"])
        #expect(run.status == 0)
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == RuleCatalog.all.count)
        #expect(lines.contains("AM611  warning  an image has no alternative text"))
        #expect(lines.contains("AM401  error    a footer has no unsubscribe link"))
    }

    /// `--format markdown`: the rule table of docs/diagnostics.md, or one rule as SARIF's `help.markdown`.
    @Test func explainWritesMarkdown() throws {
        let list = try AutomailProcess.run(["explain", "--format", "markdown"])
        #expect(list.status == 0)
        #expect(list.standardOutput == RuleExplanation.listMarkdown(RuleCatalog.all))
        #expect(list.standardOutput.contains("| `AM611` | warning | an image has no alternative text | yes |"))
        let one = try AutomailProcess.run(["explain", "AM611", "--format", "markdown"])
        #expect(one.status == 0)
        #expect(one.standardOutput.hasPrefix("**AM611** (warning): an image has no alternative text\n"))
    }

    @Test func explainSaysWhetherACodeCanBeSuppressed() throws {
        let unsafe = try AutomailProcess.run(["explain", "AM503"])
        #expect(unsafe.status == 0)
        #expect(
            unsafe.standardOutput.contains("AM503 cannot be suppressed: sending with this problem would break the law"))
        let allowed = try AutomailProcess.run(["explain", "am611"])
        #expect(allowed.standardOutput.contains("AM611 can be suppressed with `# automail: ignore AM611 — reason`"))
        #expect(allowed.standardOutput.contains("Example that triggers AM611"))
        #expect(allowed.standardOutput.contains("Example that passes:"))
    }

    @Test func explainAnUnknownCodeSuggestsTheClosest() throws {
        let run = try AutomailProcess.run(["explain", "am6O1"])
        #expect(run.status == 2)
        #expect(run.standardOutput == "")
        #expect(run.standardError == "error: unknown rule code `am6O1`\nhelp: did you mean `AM601`?\n")
    }

    @Test func explainAsJSON() throws {
        let list = try AutomailProcess.run(["explain", "--format", "json"])
        let rules = try #require(
            try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
        #expect(rules.count == RuleCatalog.all.count)
        let one = try AutomailProcess.run(["explain", "AM401", "--format", "json"])
        let rule = try #require(try JSONSerialization.jsonObject(with: Data(one.standardOutput.utf8)) as? [String: Any])
        #expect(rule["code"] as? String == "AM401" && rule["suppressible"] as? Bool == false)
        #expect((rule["text"] as? String)?.hasPrefix("AM401 (error): ") == true)
    }
}
