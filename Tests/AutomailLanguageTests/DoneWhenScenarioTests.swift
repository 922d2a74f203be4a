import AutoMail
import AutomailLanguage
import Testing

/// Issue 17's "done when", below the transport: a typo in a trigger's `template:` gives the diagnostic,
/// its did-you-mean action fixes it, go-to-definition lands on the template's `id:`, and renaming the
/// template updates every trigger.
@Suite struct DoneWhenScenarioTests {
    @Test func typoQuickFixDefinitionAndRename() throws {
        var workspace = LanguageWorkspace(files: try LanguageFixtures.lyon())
        #expect(workspace.diagnostics().all.filter { $0.severity == .error }.isEmpty)
        let path = "triggers/porte-a-porte.yaml"
        let original = workspace.text(of: path) ?? ""
        // The typo, typed in an unsaved buffer.
        let typo = original.replacingOccurrences(
            of: "template: merci-soutien\n    priority: 430", with: "template: merci-soutein\n    priority: 430")
        #expect(typo != original)
        workspace.open(path: path, text: original)
        workspace.change(path: path, text: typo)

        let diagnostics = workspace.diagnostics(path: path)
        let diagnostic = try #require(diagnostics.first { $0.message.contains("`merci-soutein`") })
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.help == "did you mean `merci-soutien`?")
        #expect(
            LanguageFixtures.text(workspace, DocumentLocation(path: path, range: diagnostic.range)) == "merci-soutein")

        // The quick fix.
        let fix = try #require(workspace.codeActions(for: diagnostic).first { $0.isPreferred })
        #expect(fix.edit.changes.keys.sorted() == [path])
        let fixed = LanguageFixtures.applying(fix.edit, to: workspace)
        #expect(fixed.text(of: path) == original)
        #expect(fixed.diagnostics(path: path).filter { $0.severity == .error }.isEmpty)

        // Go to definition from the trigger's `template:` lands on the template's `id:` value.
        let reference = LanguageFixtures.at(fixed, path, "template: merci-soutien", offset: "template: mer".utf16.count)
        let definitions = fixed.definition(at: reference)
        #expect(definitions.count == 1)
        let definition = try #require(definitions.first)
        #expect(definition.path == "templates/merci-soutien.yaml")
        #expect(LanguageFixtures.text(fixed, definition) == "merci-soutien")
        #expect(definition.range.start == DocumentPosition(line: 1, character: 4))

        // Rename from the reference: the template's id and every trigger that sends it.
        let edit = try fixed.rename(at: reference, newName: "merci-pour-le-soutien").get()
        let renamed = LanguageFixtures.applying(edit, to: fixed)
        let before = fixed.workspace.triggers.filter { $0.template?.value == "merci-soutien" }.map(\.id.value)
        #expect(before.count == 4)
        let after = renamed.workspace.triggers.filter { $0.template?.value == "merci-pour-le-soutien" }.map(\.id.value)
        #expect(after == before)
        #expect(renamed.workspace.templates.contains { $0.id.value == "merci-pour-le-soutien" })
        #expect(renamed.diagnostics().all.filter { $0.severity == .error }.isEmpty)
        #expect(edit.changes.values.reduce(0) { $0 + $1.count } == 5)
    }
}
