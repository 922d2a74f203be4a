import AutoMail
import AutomailLanguage
import Testing

/// Quick fixes: a did-you-mean applied, a suppression comment added (only for suppressible codes), a
/// missing locale added for translation.
@Suite struct CodeActionTests {
    /// The base workspace with `path` open as `text`.
    static func workspace(_ path: String, _ text: String) -> LanguageWorkspace {
        var workspace = LanguageWorkspace(files: LanguageFixtures.base())
        workspace.open(path: path, text: text)
        return workspace
    }

    static func codes(_ workspace: LanguageWorkspace) -> [String] { workspace.diagnostics().all.map(\.code) }

    @Test func didYouMeanOnAVariable() throws {
        let path = "templates/welcome.yaml"
        let original = RuleCatalog.baseWorkspace[path] ?? ""
        let typo = original.replacingOccurrences(
            of: "Bonjour {{ contact.firstname", with: "Bonjour {{ contact.firstnme")
        let workspace = Self.workspace(path, typo)
        let diagnostic = try #require(workspace.diagnostics(path: path).first { $0.code == "AM607" })
        let fix = try #require(workspace.codeActions(for: diagnostic).first { $0.isPreferred })
        #expect(fix.title == "replace `contact.firstnme` with `contact.firstname`")
        // Asked by range, as an LSP client asks.
        #expect(workspace.codeActions(path: path, range: DocumentRange(at: diagnostic.range.end)).contains(fix))
        #expect(
            workspace.codeActions(path: path, range: DocumentRange(at: DocumentPosition(line: 0, character: 0))).isEmpty
        )
        let fixed = LanguageFixtures.applying(fix.edit, to: workspace)
        #expect(fixed.text(of: path) == original)
        #expect(Self.codes(fixed).isEmpty)
    }

    @Test func noDidYouMeanWithoutSuggestion() throws {
        let path = "templates/callback.yaml"
        let text = (RuleCatalog.baseWorkspace[path] ?? "").replacingOccurrences(
            of: "sender: team", with: "sender: zzzzzzzz")
        let workspace = Self.workspace(path, text)
        let diagnostic = try #require(workspace.diagnostics(path: path).first)
        #expect(diagnostic.help?.contains("did you mean") == false)
        #expect(!workspace.codeActions(for: diagnostic).contains { $0.isPreferred })
        // An unknown sender is an error no comment may silence.
        #expect(!workspace.codeActions(for: diagnostic).contains { $0.title.hasPrefix("ignore") })
    }

    @Test func suppressionOnALine() throws {
        let path = "templates/unused.yaml"
        let text = (RuleCatalog.baseWorkspace["templates/callback.yaml"] ?? "").replacingOccurrences(
            of: "id: callback", with: "id: unused")
        let workspace = Self.workspace(path, text)
        let diagnostic = try #require(workspace.diagnostics(path: path).first { $0.code == "AM703" })
        let action = try #require(workspace.codeActions(for: diagnostic).first { $0.title.hasPrefix("ignore") })
        let fixed = LanguageFixtures.applying(action.edit, to: workspace)
        #expect(fixed.text(of: path)?.hasPrefix("# automail: ignore AM703 — REASON\nid: unused\n") == true)
        #expect(!Self.codes(fixed).contains("AM703"))
        #expect(!Self.codes(fixed).contains { $0.hasPrefix("AM8") })
    }

    @Test func suppressionInsideABlockScalar() throws {
        let path = "templates/callback.yaml"
        let text = (RuleCatalog.baseWorkspace[path] ?? "").replacingOccurrences(
            of: "Un bénévole vous rappellera bientôt.",
            with: "Un bénévole vous rappellera bientôt.\n      ![](https://lyonvote.fr/a.png)")
        let workspace = Self.workspace(path, text)
        let diagnostic = try #require(workspace.diagnostics(path: path).first { $0.code == "AM611" })
        let action = try #require(workspace.codeActions(for: diagnostic).first { $0.title.hasPrefix("ignore") })
        let fixed = LanguageFixtures.applying(action.edit, to: workspace)
        #expect(fixed.text(of: path)?.contains("    body: |  # automail: ignore AM611 — REASON\n") == true)
        #expect(!Self.codes(fixed).contains("AM611"))
        #expect(!Self.codes(fixed).contains { $0.hasPrefix("AM8") })
    }

    @Test func missingLocale() throws {
        let path = "templates/callback.yaml"
        let original = RuleCatalog.baseWorkspace[path] ?? ""
        let frenchOnly = String(original[..<(original.range(of: "  en:")?.lowerBound ?? original.endIndex)])
        let workspace = Self.workspace(path, frenchOnly)
        let diagnostic = try #require(workspace.diagnostics(path: path).first { $0.code == "AM601" })
        let actions = workspace.codeActions(for: diagnostic)
        let action = try #require(actions.first { $0.title.hasPrefix("add the `en` locale") })
        // AM601 is an error: no suppression.
        #expect(!actions.contains { $0.title.hasPrefix("ignore") })
        let fixed = LanguageFixtures.applying(action.edit, to: workspace)
        let text = fixed.text(of: path) ?? ""
        #expect(
            text.contains(
                "  # TODO: translate into `en`: copied from `fr`\n  en:\n    subject: Nous allons vous rappeler\n"))
        #expect(!Self.codes(fixed).contains("AM601"))
        #expect(fixed.diagnostics().all.filter { $0.severity == .error }.isEmpty)
        // Other diagnostics have no such action.
        #expect(
            fixed.diagnostics().all.allSatisfy { diagnostic in
                !fixed.codeActions(for: diagnostic).contains { $0.title.hasPrefix("add the") }
            })
    }

    /// Every rule example whose diagnostic carries a did-you-mean is fixed by its action: the diagnostic
    /// is gone once the edit is applied. The one exception is a diagnostic whose range is more than the
    /// misspelt word (AM805 underlines the whole comment): no action rather than a wrong one.
    @Test func everyDidYouMeanOfTheRuleExamples() {
        var fixed = Set<String>()
        for example in LanguageDiagnosticsTests.examples {
            let workspace = LanguageWorkspace(files: example.files, options: LanguageDiagnosticsTests.exampleOptions)
            for diagnostic in workspace.diagnostics().all where diagnostic.help?.contains("did you mean `") == true {
                guard let action = workspace.codeActions(for: diagnostic).first(where: \.isPreferred) else {
                    #expect(diagnostic.code == "AM805", "\(example.name): no action for \(diagnostic.message)")
                    continue
                }
                let after = LanguageFixtures.applying(action.edit, to: workspace).diagnostics().all
                #expect(
                    !after.contains { $0.code == diagnostic.code && $0.message == diagnostic.message },
                    "\(example.name): \(action.title) leaves \(diagnostic.message)")
                fixed.insert(diagnostic.code)
            }
        }
        #expect(
            fixed.isSuperset(of: [
                "AM201", "AM205", "AM301", "AM302", "AM303", "AM304", "AM306", "AM307", "AM606", "AM607",
            ]))
    }

    /// Every diagnostic of the rule examples that a comment may silence gets a suppression action, which
    /// silences it without any new suppression-comment diagnostic (AM8xx); no other diagnostic gets one.
    @Test func everySuppressionOfTheRuleExamples() {
        var silenced = Set<String>()
        for example in LanguageDiagnosticsTests.examples {
            let workspace = LanguageWorkspace(files: example.files, options: LanguageDiagnosticsTests.exampleOptions)
            let before = workspace.diagnostics().all
            for diagnostic in before {
                let code = diagnostic.source.code
                let allowed =
                    Suppressibility.of(code, severity: RuleCatalog.rule(code)?.severity ?? diagnostic.severity)
                    == .allowed
                let action = workspace.codeActions(for: diagnostic).first { $0.title.hasPrefix("ignore") }
                #expect((action != nil) == allowed, "\(example.name): \(diagnostic.code)")
                guard let action else { continue }
                let after = LanguageFixtures.applying(action.edit, to: workspace).diagnostics().all
                #expect(
                    !after.contains { $0.code == diagnostic.code && $0.message == diagnostic.message },
                    "\(example.name)")
                let comments = { (list: [LanguageDiagnostic]) in list.filter { $0.code.hasPrefix("AM8") }.map(\.message)
                }
                #expect(comments(after) == comments(before), "\(example.name): \(diagnostic.code)")
                silenced.insert(diagnostic.code)
            }
        }
        #expect(silenced.count >= 12)
    }

    /// On the Lyon example: a body with blank lines inside its block scalar is copied whole.
    @Test func missingLocaleWithABlockBody() throws {
        var workspace = NavigationTests.lyon
        let path = "templates/merci-soutien.yaml"
        let original = workspace.text(of: path) ?? ""
        let frenchOnly = String(original[..<(original.range(of: "  en:\n")?.lowerBound ?? original.endIndex)])
        workspace.change(path: path, text: frenchOnly)
        let diagnostic = try #require(workspace.diagnostics(path: path).first { $0.code == "AM601" })
        let action = try #require(
            workspace.codeActions(for: diagnostic).first { $0.title.hasPrefix("add the `en` locale") })
        let fixed = LanguageFixtures.applying(action.edit, to: workspace)
        let text = fixed.text(of: path) ?? ""
        let english = try #require(
            fixed.workspace.templates.first { $0.file == path }?.locales.first { $0.locale.value == "en" })
        let french = try #require(
            fixed.workspace.templates.first { $0.file == path }?.locales.first { $0.locale.value == "fr" })
        #expect(english.body?.text == french.body?.text)
        #expect(english.subject?.text == french.subject?.text)
        #expect(text.hasPrefix(frenchOnly))
        #expect(!fixed.diagnostics(path: path).contains { $0.code == "AM601" })
    }
}
