import AutoMail
import AutomailLanguage
import Testing

/// Completion where an id or a name goes, filtered by what is typed.
@Suite struct CompletionTests {
    /// The labels offered at the end of `needle` once `text` replaces `path` in the base workspace.
    static func labels(_ path: String, _ text: String, after needle: String, occurrence: Int = 0) -> [String] {
        var workspace = LanguageWorkspace(files: LanguageFixtures.base())
        workspace.open(path: path, text: text)
        let location = LanguageFixtures.at(workspace, path, needle, occurrence: occurrence, offset: needle.utf16.count)
        return workspace.completion(at: location).map(\.label)
    }

    static func trigger(_ when: String, template: String = "welcome", extra: String = "") -> String {
        "triggers:\n  - id: t\n    when:\n      \(when)\n    template: \(template)\n\(extra)"
    }

    @Test func templateIDs() {
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("task: call_back", template: ""), after: "template: ") == [
                "callback", "welcome",
            ])
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("task: call_back", template: "wel"), after: "template: wel")
                == ["welcome"])
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("task: call_back", template: "zz"), after: "template: zz")
                .isEmpty)
        // Not in a template file.
        #expect(Self.labels("templates/x.yaml", "id: x\ntemplate: ", after: "template: ").isEmpty)
    }

    @Test func answerPathSegmentBySegment() {
        #expect(Self.labels("triggers/t.yaml", Self.trigger("answer: d"), after: "answer: d") == ["doors"])
        // Only choice questions: `remarks` is open text.
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("answer: doors/"), after: "answer: doors/") == [
                "support", "topics",
            ])
        #expect(Self.labels("triggers/t.yaml", Self.trigger("answer: doors/t"), after: "answer: doors/t") == ["topics"])
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("answer: doors/topics/"), after: "answer: doors/topics/") == [
                "housing", "transport",
            ])
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("answer: doors/remarks/"), after: "answer: doors/remarks/")
                .isEmpty)
        #expect(Self.labels("triggers/t.yaml", Self.trigger("answer: nowhere/"), after: "answer: nowhere/").isEmpty)
    }

    @Test func answerCompletionReplacesOnlyItsSegment() {
        var workspace = LanguageWorkspace(files: LanguageFixtures.base())
        let text = Self.trigger("answer: doors/sup/yes")
        workspace.open(path: "triggers/t.yaml", text: text)
        let location = LanguageFixtures.at(workspace, "triggers/t.yaml", "doors/sup", offset: "doors/sup".utf16.count)
        let item = workspace.completion(at: location).first
        #expect(item?.label == "support")
        #expect(
            item.map {
                LanguageFixtures.text(workspace, DocumentLocation(path: "triggers/t.yaml", range: $0.edit.range))
            } == "sup")
    }

    @Test func manifestIDs() {
        #expect(Self.labels("triggers/t.yaml", Self.trigger("task: "), after: "task: ") == ["call_back"])
        // No declared support levels: the reference CRM's defaults.
        #expect(
            Self.labels("triggers/t.yaml", Self.trigger("support_level: s"), after: "support_level: s") == [
                "supporter", "strong_support",
            ])
        #expect(Self.labels("templates/x.yaml", "id: x\nsender: ", after: "sender: ") == ["team"])
        #expect(Self.labels("templates/x.yaml", "id: x\npurpose: n", after: "purpose: n") == ["news"])
        #expect(Self.labels("templates/x.yaml", "id: x\npurpose: zzz", after: "purpose: zzz").isEmpty)
        #expect(
            Self.labels(
                "triggers/t.yaml", Self.trigger("task: call_back", extra: "    once_per_contact: f"),
                after: "once_per_contact: f") == ["forever"])
    }

    @Test func locales() {
        let template = "id: x\nlocales:\n  fr:\n    subject: Bonjour\n    body: Bonjour\n  \n"
        #expect(Self.labels("templates/x.yaml", template, after: "    body: Bonjour\n  ") == ["en"])
        // Not as a key elsewhere.
        #expect(Self.labels("templates/x.yaml", "id: x\nfoo:\n  \n", after: "foo:\n  ").isEmpty)
    }

    @Test func liquid() {
        let template =
            "id: x\nlocales:\n  fr:\n    subject: 'Bonjour {{ contact.fi'\n    body: |\n      {{ legal.publisher | up }}\n      {% if contact.di %}x{% endif %}\n"
        #expect(Self.labels("templates/x.yaml", template, after: "{{ contact.fi") == ["contact.firstname"])
        #expect(Self.labels("templates/x.yaml", template, after: "{% if contact.di") == ["contact.district"])
        #expect(Self.labels("templates/x.yaml", template, after: "| up") == ["upcase"])
        #expect(Self.labels("templates/x.yaml", template, after: "{{ ").contains("unsubscribe_url"))
        #expect(Self.labels("templates/x.yaml", template, after: "{{ ").contains("legal.privacy_url"))
        // Outside `{{ }}` and `{% %}`: no Liquid.
        #expect(Self.labels("templates/x.yaml", template, after: "subject: 'Bonj").isEmpty)
        #expect(Self.labels("templates/x.yaml", template, after: "{% endif %}").isEmpty)
    }
}
