import AutoMail
import Diagnostics
import Testing

/// Golden renderings of ``HumanReporter``: each test holds the exact expected text.
@Suite struct ReportingHumanReporterTests {
    private func range(_ file: String, _ line: Int, _ column: Int, _ endLine: Int, _ endColumn: Int) -> SourceRange {
        SourceRange(
            file: file, start: SourcePosition(line: line, column: column),
            end: SourcePosition(line: endLine, column: endColumn))
    }

    @Test func rendersLikeRustcWithHelpAndNote() {
        let trigger = SourceFile(
            path: "triggers/porte-a-porte.yaml",
            text: """
                triggers:
                  - id: bienvenue-soutien
                    when:
                      answer: porte-a-porte/soutien/oui
                    priority: 10
                    delay: 2h
                    template: welcom

                """)
        let diagnostic = Diagnostic.error(
            "AM301", "unknown template `welcom` in trigger `bienvenue-soutien`",
            at: range("triggers/porte-a-porte.yaml", 7, 15, 7, 21),
            notes: [DiagnosticNote("templates are looked up by their `id`")],
            help: "did you mean `welcome`?")
        let reporter = HumanReporter(useColor: false, sources: [trigger.path: trigger])
        #expect(
            reporter.render([diagnostic]) == """
                error[AM301]: unknown template `welcom` in trigger `bienvenue-soutien`
                 --> triggers/porte-a-porte.yaml:7:15
                  |
                7 |     template: welcom
                  |               ^~~~~~
                  = help: did you mean `welcome`?
                  = note: templates are looked up by their `id`


                """)
    }

    @Test func multiByteCharactersAndTabBeforeTheRangeAndANoteWithItsOwnRange() {
        var lines = (1...11).map { "# line \($0)" }
        lines.append("\tsubject: Été — {{ contact.prenom }}")
        let template = SourceFile(path: "templates/welcome.yaml", text: lines.joined(separator: "\n") + "\n")
        let manifest = SourceFile(path: "automail.yaml", text: "id: lyon\ncontact_fields:\n  - id: firstname\n")
        let diagnostic = Diagnostic.warning(
            "AM607", "unknown variable `contact.prenom`",
            at: range("templates/welcome.yaml", 12, 20, 12, 34),
            notes: [DiagnosticNote("custom fields are declared here", at: range("automail.yaml", 3, 9, 3, 18))],
            help: "did you mean `contact.firstname`?")
        let reporter = HumanReporter(
            useColor: false, sources: [template.path: template, manifest.path: manifest],
            pathPrefix: "workspace-examples/lyon/")
        #expect(
            reporter.render([diagnostic]) == """
                warning[AM607]: unknown variable `contact.prenom`
                  --> workspace-examples/lyon/templates/welcome.yaml:12:20
                   |
                12 |     subject: Été — {{ contact.prenom }}
                   |                       ^~~~~~~~~~~~~~
                   = help: did you mean `contact.firstname`?
                note: custom fields are declared here
                  --> workspace-examples/lyon/automail.yaml:3:9
                   |
                 3 |   - id: firstname
                   |         ^~~~~~~~~


                """)
    }

    @Test func rangeSpanningLinesIsUnderlinedToTheEndOfItsFirstLineWithoutBOMOrCR() {
        let file = SourceFile(path: "automail.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("id: x\r\nname: y\r\n".utf8))
        let reporter = HumanReporter(useColor: false, sources: [file.path: file])
        let diagnostic = Diagnostic.error("AM202", "missing key `locales`", at: range("automail.yaml", 1, 1, 2, 8))
        #expect(
            reporter.render([diagnostic]) == """
                error[AM202]: missing key `locales`
                 --> automail.yaml:1:1
                  |
                1 | id: x
                  | ^~~~~


                """)
    }

    @Test func emptyRangeGetsOneCaretAndControlCharactersAndInvalidUTF8AreMadeVisible() {
        let file = SourceFile(path: "t.yaml", bytes: Array("a: \u{1B}[31m".utf8) + [0xFF] + Array(" b\n".utf8))
        let reporter = HumanReporter(useColor: false, sources: [file.path: file])
        let diagnostic = Diagnostic.error("AM106", "invalid UTF-8", at: range("t.yaml", 1, 9, 1, 9))
        #expect(
            reporter.render([diagnostic]) == """
                error[AM106]: invalid UTF-8
                 --> t.yaml:1:9
                  |
                1 | a: \u{241B}[31m\u{FFFD} b
                  |         ^


                """)
    }

    @Test func unknownSourceOrNoRangeShowsNoSnippet() {
        let reporter = HumanReporter(useColor: false, sources: [:])
        let diagnostics: [Diagnostic] = [
            .error("AM001", "`x` is not an automail workspace: no `automail.yaml`", at: nil, help: "create one"),
            .error("AM003", "`templates/a.yml` is not read", at: .startOf(file: "templates/a.yml")),
        ]
        #expect(
            reporter.render(diagnostics) == """
                error[AM001]: `x` is not an automail workspace: no `automail.yaml`
                  = help: create one

                error[AM003]: `templates/a.yml` is not read
                 --> templates/a.yml:1:1


                """)
    }

    @Test func colourUsesANSIEscapesOnlyWhenAsked() {
        let file = SourceFile(path: "a.yaml", text: "id: x\n")
        let diagnostic = Diagnostic.error("AM204", "bad id", at: range("a.yaml", 1, 5, 1, 6))
        let plain = HumanReporter(useColor: false, sources: [file.path: file]).render([diagnostic])
        let coloured = HumanReporter(useColor: true, sources: [file.path: file]).render([diagnostic])
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.hasPrefix("\u{1B}[1;31merror[AM204]\u{1B}[0m\u{1B}[1m: bad id\u{1B}[0m\n"))
        #expect(coloured.contains("\u{1B}[1;34m1 |\u{1B}[0m id: x\n"))
        #expect(coloured.contains("\u{1B}[1;31m^\u{1B}[0m"))
    }

    @Test func summaryCountsErrorsAndWarnings() {
        let files = ["a.yaml": SourceFile(path: "a.yaml", text: ""), "b.yaml": SourceFile(path: "b.yaml", text: "")]
        let reporter = HumanReporter(useColor: false, sources: files)
        let error = Diagnostic.error("AM201", "e", at: nil)
        let warning = Diagnostic.warning("AM703", "w", at: nil)
        #expect(reporter.summary([error, error, warning]) == "error: 2 errors, 1 warning")
        #expect(reporter.summary([error]) == "error: 1 error")
        #expect(reporter.summary([warning, warning]) == "warning: 2 warnings, no errors")
        #expect(reporter.summary([]) == "ok: no problems found in 2 files")
        #expect(HumanReporter(useColor: false, sources: [:]).summary([]) == "ok: no problems found in 0 files")
        #expect(
            HumanReporter(useColor: true, sources: files).summary([])
                == "\u{1B}[1;32mok\u{1B}[0m: no problems found in 2 files")
    }

    @Test(arguments: [
        (".", ""), ("./", ""), ("", ""), ("ws", "ws/"), ("workspace-examples/lyon/", "workspace-examples/lyon/"),
        ("/abs/ws", "/abs/ws/"),
    ])
    func pathPrefixForAWorkspaceArgument(argument: String, prefix: String) {
        #expect(HumanReporter.pathPrefix(forWorkspace: argument) == prefix)
    }
}
