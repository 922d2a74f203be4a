import AutoMail
import AutomailLanguage
import Testing

/// Rename: an id across every file that uses it; refused for an invalid or taken name.
@Suite struct RenameTests {
    static let lyon = NavigationTests.lyon

    static func rename(_ path: String, _ needle: String, offset: Int, to name: String) -> Result<
        WorkspaceEdit, RenameError
    > {
        lyon.rename(at: LanguageFixtures.at(lyon, path, needle, offset: offset), newName: name)
    }

    static func errors(_ workspace: LanguageWorkspace) -> [String] {
        workspace.diagnostics().all.filter { $0.severity == .error }.map { "\($0.code) \($0.message)" }
    }

    @Test func question() throws {
        let edit = try Self.rename(
            "questionnaires/porte-a-porte.yaml", "id: present_scrutin", offset: 5, to: "present-au-scrutin"
        ).get()
        #expect(edit.changes.keys.sorted() == ["questionnaires/porte-a-porte.yaml", "triggers/porte-a-porte.yaml"])
        let renamed = LanguageFixtures.applying(edit, to: Self.lyon)
        #expect(Self.errors(renamed).isEmpty)
        #expect(
            renamed.text(of: "triggers/porte-a-porte.yaml")?.contains("porte-a-porte/present-au-scrutin/non") == true)
    }

    @Test func contactFieldInLiquid() throws {
        let edit = try Self.rename("templates/merci-soutien.yaml", "contact.quartier", offset: 10, to: "arrondissement")
            .get()
        #expect(edit.changes["automail.yaml"]?.count == 1)
        let renamed = LanguageFixtures.applying(edit, to: Self.lyon)
        #expect(Self.errors(renamed).isEmpty)
        #expect(renamed.diagnostics().all.count == Self.lyon.diagnostics().all.count)
        #expect(renamed.workspace.manifest?.contactFields.contains { $0.id.value == "arrondissement" } == true)
    }

    @Test func senderAndPurpose() throws {
        let sender = try Self.rename("automail.yaml", "id: camille-roux", offset: 5, to: "camille").get()
        #expect(Self.errors(LanguageFixtures.applying(sender, to: Self.lyon)).isEmpty)
        let purpose = try Self.rename("automail.yaml", "id: dons", offset: 5, to: "collecte").get()
        #expect(Self.errors(LanguageFixtures.applying(purpose, to: Self.lyon)).isEmpty)
    }

    @Test func refusals() {
        func message(_ result: Result<WorkspaceEdit, RenameError>) -> String? {
            if case .failure(let error) = result { return error.message }
            return nil
        }
        #expect(
            message(Self.rename("templates/merci-soutien.yaml", "id: merci-soutien", offset: 5, to: "Merci Soutien"))?
                .contains("is not a valid id") == true)
        #expect(
            message(Self.rename("templates/merci-soutien.yaml", "id: merci-soutien", offset: 5, to: "merci-don"))
                == "a template `merci-don` already exists")
        // An answer's name is taken only within its question.
        #expect(
            message(Self.rename("questionnaires/porte-a-porte.yaml", "id: ne-sait-pas", offset: 5, to: "oui")) != nil)
        #expect(
            (try? Self.rename("questionnaires/porte-a-porte.yaml", "id: ne-sait-pas", offset: 5, to: "peut-etre").get())
                != nil)
        #expect(
            message(Self.rename("automail.yaml", "locales: [fr", offset: 11, to: "de"))?.contains("cannot be renamed")
                == true)
        #expect(message(Self.rename("automail.yaml", "sending_domains", offset: 1, to: "x")) == "no id to rename here")
        if case .success(let edit) = Self.rename(
            "templates/merci-soutien.yaml", "id: merci-soutien", offset: 5, to: "merci-soutien")
        {
            #expect(edit.isEmpty)
        } else {
            Issue.record("renaming to the same name changes nothing")
        }
    }

    @Test func prepareRename() throws {
        let location = LanguageFixtures.at(
            Self.lyon, "triggers/porte-a-porte.yaml", "template: procuration", offset: 12)
        let prepared = try Self.lyon.prepareRename(at: location).get()
        #expect(prepared.name == "procuration")
        #expect(
            LanguageFixtures.text(
                Self.lyon, DocumentLocation(path: "triggers/porte-a-porte.yaml", range: prepared.range))
                == "procuration")
    }

    /// A contact field read with brackets is renamed too.
    @Test func contactFieldInBrackets() throws {
        var workspace = LanguageWorkspace(files: LanguageFixtures.base())
        let path = "templates/callback.yaml"
        let text = (workspace.text(of: path) ?? "").replacingOccurrences(
            of: "Un bénévole vous rappellera bientôt.",
            with: "Un bénévole de {{ contact[\"district\"] }} vous rappellera.")
        workspace.change(path: path, text: text)
        let location = LanguageFixtures.at(workspace, path, "district", offset: 2)
        let edit = try workspace.rename(at: location, newName: "quartier").get()
        #expect(edit.changes.keys.sorted() == ["automail.yaml", path])
        let renamed = LanguageFixtures.applying(edit, to: workspace)
        #expect(renamed.text(of: path)?.contains("{{ contact[\"quartier\"] }}") == true)
        #expect(renamed.diagnostics().all.filter { $0.severity == .error }.isEmpty)
    }
}
