import AutoMail
import AutomailLanguage
import Diagnostics
import Testing

/// Hover: a template's subjects and triggers, a question's label, type and answers, what fills a Liquid
/// variable, and a diagnostic's rule explanation.
@Suite struct HoverTests {
    static let lyon = NavigationTests.lyon

    static func hover(_ path: String, _ needle: String, offset: Int = 1, in workspace: LanguageWorkspace = lyon)
        -> String?
    {
        workspace.hover(at: LanguageFixtures.at(workspace, path, needle, offset: offset))?.markdown
    }

    @Test func templateReference() throws {
        let text = try #require(Self.hover("triggers/porte-a-porte.yaml", "template: merci-soutien", offset: 12))
        #expect(text.contains("`fr`: Merci pour votre soutien"))
        #expect(text.contains("`en`: Thank you for your support"))
        #expect(text.contains("`pap-vote-certain` on `answer:porte-a-porte/intention_vote/oui-certain`, priority 430"))
    }

    @Test func answerReference() throws {
        let text = try #require(
            Self.hover("triggers/porte-a-porte.yaml", "present_scrutin/non", offset: "present_scrutin/n".utf16.count))
        #expect(text.contains("Serez-vous à Lyon les dimanches 15 et 22 mars ?"))
        #expect(text.contains("single_choice"))
        #expect(text.contains("- `ne-sait-pas`: Je ne sais pas encore"))
        #expect(text.contains("- `non`: Non, au moins un des deux ←"))
    }

    @Test func liquidVariables() throws {
        let field = try #require(Self.hover("templates/merci-soutien.yaml", "contact.quartier", offset: 9))
        #expect(field.contains("custom contact field, single_response"))
        #expect(field.contains("filled by the sender"))
        let legal = try #require(Self.hover("automail.yaml", "{{ legal.publisher }}", offset: 5))
        #expect(legal.contains("filled from `automail.yaml`"))
        #expect(legal.contains("Association Lyon en commun 2026"))
        let firstname = try #require(Self.hover("templates/merci-soutien.yaml", "contact.firstname", offset: 3))
        #expect(firstname.contains("first name"))
    }

    @Test func diagnosticExplanation() throws {
        var workspace = Self.lyon
        let path = "triggers/porte-a-porte.yaml"
        workspace.change(
            path: path,
            text: (workspace.text(of: path) ?? "").replacingOccurrences(
                of: "template: procuration", with: "template: procuratoin"))
        let text = try #require(Self.hover(path, "procuratoin", in: workspace))
        let diagnostic = try #require(workspace.diagnostics(path: path).first)
        let rule = try #require(RuleCatalog.rule(DiagnosticCode(rawValue: diagnostic.code)))
        #expect(text.contains("**\(diagnostic.code)**"))
        #expect(text.contains(RuleExplanation.explain(rule)))
        // The unknown template itself says so.
        #expect(text.contains("no template has this id"))
    }

    @Test func nothingToSay() {
        #expect(Self.hover("templates/merci-soutien.yaml", "Merci pour le temps") == nil)
        #expect(Self.hover("triggers/porte-a-porte.yaml", "priority: 900") == nil)
        #expect(
            Self.lyon.hover(
                at: DocumentLocation(
                    path: "nope.yaml", range: DocumentRange(at: DocumentPosition(line: 3, character: 3)))) == nil)
    }
}
