import AutoMail
import AutomailLanguage
import Testing

/// Definition, references, document symbols and links over the Lyon example and the base workspace.
@Suite struct NavigationTests {
    static let lyon: LanguageWorkspace = {
        LanguageWorkspace(files: (try? LanguageFixtures.lyon()) ?? [])
    }()

    /// Where go-to-definition from `needle` (+ `offset`) in `path` lands, as `path:text`.
    static func definition(_ path: String, _ needle: String, offset: Int = 1, occurrence: Int = 0) -> [String] {
        let location = LanguageFixtures.at(lyon, path, needle, occurrence: occurrence, offset: offset)
        return lyon.definition(at: location).map { "\($0.path):\(LanguageFixtures.text(lyon, $0))" }
    }

    @Test func answerPathSegments() {
        let path = "triggers/porte-a-porte.yaml"
        #expect(
            Self.definition(path, "porte-a-porte/present_scrutin/non") == [
                "questionnaires/porte-a-porte.yaml:porte-a-porte"
            ])
        #expect(Self.definition(path, "present_scrutin/non") == ["questionnaires/porte-a-porte.yaml:present_scrutin"])
        #expect(
            Self.definition(path, "present_scrutin/non", offset: "present_scrutin/n".utf16.count)
                == ["questionnaires/porte-a-porte.yaml:non"])
        // `non` of `present_scrutin`, not `non` of `intention_vote`.
        let location = LanguageFixtures.at(
            Self.lyon, path, "present_scrutin/non", offset: "present_scrutin/n".utf16.count)
        let target = Self.lyon.definition(at: location).first
        let questionnaire = Self.lyon.text(of: "questionnaires/porte-a-porte.yaml") ?? ""
        let expectedLine = LanguageFixtures.position(of: "- id: non", in: questionnaire, occurrence: 1).line
        #expect(target?.range.start.line == expectedLine)
    }

    @Test func manifestIDs() {
        #expect(
            Self.definition("templates/merci-soutien.yaml", "sender: camille-roux", offset: 9) == [
                "automail.yaml:camille-roux"
            ])
        #expect(
            Self.definition("templates/merci-soutien.yaml", "purpose: mobilisation", offset: 10) == [
                "automail.yaml:mobilisation"
            ])
        #expect(Self.definition("automail.yaml", "default_sender: equipe", offset: 17) == ["automail.yaml:equipe"])
        let triggers = Self.lyon.text(of: "triggers/niveaux-et-taches.yaml") ?? ""
        if let level = Self.lyon.workspace.triggers.compactMap({ trigger -> String? in
            if case .supportLevel(let level) = trigger.event { return level.value }
            return nil
        }).first {
            #expect(
                Self.definition("triggers/niveaux-et-taches.yaml", "support_level: \(level)", offset: 16) == [
                    "automail.yaml:\(level)"
                ])
        } else {
            Issue.record("no support level trigger in \(triggers.prefix(40))")
        }
        if let task = Self.lyon.workspace.triggers.compactMap({ trigger -> String? in
            if case .task(let task) = trigger.event { return task.value }
            return nil
        }).first {
            #expect(
                Self.definition("triggers/niveaux-et-taches.yaml", "task: \(task)", offset: 7) == [
                    "automail.yaml:\(task)"
                ])
        }
    }

    @Test func liquidVariables() {
        // A custom contact field: its declaration in `contact_fields`.
        #expect(
            Self.definition("templates/merci-soutien.yaml", "contact.quartier", offset: 9) == ["automail.yaml:quartier"]
        )
        // A legal value: its value in `legal`.
        #expect(
            Self.definition("automail.yaml", "{{ legal.publisher }}", offset: 5) == [
                "automail.yaml:Association Lyon en commun 2026"
            ])
        // The workspace's name.
        #expect(
            Self.definition("templates/merci-soutien.yaml", "workspace.name", offset: 2) == [
                "automail.yaml:Lyon en commun 2026"
            ])
        // A variable the sender provides is defined nowhere.
        #expect(Self.definition("templates/merci-soutien.yaml", "contact.firstname", offset: 9).isEmpty)
    }

    @Test func nothingOutsideIDs() {
        #expect(Self.definition("templates/merci-soutien.yaml", "Merci pour le temps").isEmpty)
        #expect(Self.definition("triggers/porte-a-porte.yaml", "priority: 900").isEmpty)
        #expect(
            Self.lyon.definition(
                at: DocumentLocation(
                    path: "nope.yaml", range: DocumentRange(at: DocumentPosition(line: 0, character: 0)))
            ).isEmpty)
    }

    @Test func references() {
        let location = LanguageFixtures.at(Self.lyon, "templates/merci-soutien.yaml", "id: merci-soutien", offset: 5)
        let all = Self.lyon.references(at: location)
        #expect(all.count == 5)
        #expect(all.first?.path == "templates/merci-soutien.yaml")
        #expect(
            all.dropFirst().allSatisfy {
                $0.path.hasPrefix("triggers/") && LanguageFixtures.text(Self.lyon, $0) == "merci-soutien"
            })
        #expect(Self.lyon.references(at: location, includeDeclaration: false).count == 4)
        // A contact field: its declaration and every Liquid text that reads it.
        let field = LanguageFixtures.at(Self.lyon, "automail.yaml", "id: quartier", offset: 5)
        let uses = Self.lyon.references(at: field, includeDeclaration: false)
        #expect(uses.count >= 4)
        #expect(uses.allSatisfy { LanguageFixtures.text(Self.lyon, $0) == "quartier" })
        // A questionnaire: every answer path that names it.
        let questionnaire = LanguageFixtures.at(
            Self.lyon, "questionnaires/porte-a-porte.yaml", "id: porte-a-porte", offset: 5)
        #expect(
            Self.lyon.references(at: questionnaire, includeDeclaration: false).count
                == Self.lyon.workspace.triggers.filter { $0.event?.key.hasPrefix("answer:porte-a-porte/") == true }
                .count)
        // No id under the cursor: nothing.
        #expect(Self.lyon.references(at: LanguageFixtures.at(Self.lyon, "automail.yaml", "sending_domains")).isEmpty)
    }

    @Test func layout() {
        let layout = "<html><body>{{ body }}</body></html>\n"
        var workspace = LanguageWorkspace(files: LanguageFixtures.base())
        workspace.open(path: "layouts/email.html", text: layout)
        workspace.change(
            path: "automail.yaml",
            text: (workspace.text(of: "automail.yaml") ?? "") + "layout: layouts/email.html\n")
        let location = LanguageFixtures.at(workspace, "automail.yaml", "layouts/email.html", offset: 2)
        #expect(workspace.definition(at: location).map(\.path) == ["layouts/email.html"])
        let links = workspace.documentLinks(path: "automail.yaml")
        #expect(links.contains { $0.path == "layouts/email.html" })
        #expect(links.contains { $0.url == "https://lyonvote.fr/privacy" })
        #expect(workspace.documentLinks(path: "templates/welcome.yaml").isEmpty)
    }

    @Test func documentSymbols() {
        let questionnaire = Self.lyon.documentSymbols(path: "questionnaires/porte-a-porte.yaml")
        #expect(questionnaire.map(\.name) == ["porte-a-porte"])
        #expect(questionnaire.first?.children.map(\.name).prefix(2) == ["intention_vote", "present_scrutin"])
        #expect(questionnaire.first?.children.first?.children.map(\.name).first == "oui-certain")
        let triggers = Self.lyon.documentSymbols(path: "triggers/porte-a-porte.yaml")
        #expect(triggers.first?.name == "pap-absent-scrutin")
        #expect(triggers.first?.detail == "answer:porte-a-porte/present_scrutin/non → procuration")
        for symbol in triggers {
            #expect(symbol.range.start <= symbol.selectionRange.start && symbol.selectionRange.end <= symbol.range.end)
        }
        let template = Self.lyon.documentSymbols(path: "templates/merci-soutien.yaml")
        #expect(template.first?.children.map(\.name) == ["fr", "en"])
        let manifest = Self.lyon.documentSymbols(path: "automail.yaml")
        #expect(manifest.contains { $0.kind == .sender && $0.name == "camille-roux" })
        #expect(manifest.contains { $0.kind == .task && $0.name == "rappeler" })
        #expect(Self.lyon.documentSymbols(path: "events/sans-adresse.json").isEmpty)
        #expect(Self.lyon.documentSymbols(path: "missing.yaml").isEmpty)
    }
}
