import Diagnostics
import Foundation
import Testing

@testable import AutoMail

/// Texts several templates share are parsed and converted once (`TemplateRules.sharingRepeatedTexts`):
/// each template's diagnostics and conversions are the ones it gets when every text is worked out anew.
struct RepeatedTextsTests {
    /// Three templates sharing subjects, preheaders, bodies and footers that break rules (raw HTML, an unsafe link, an unknown
    /// variable, a Liquid error, blocks across Markdown), in two locales, beside the base fixture's.
    static func files() throws -> [SourceFile] {
        var files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        let footer = "{{ legal.data_origin }}\n\n<b>Merci</b> [ici](javascript:alert(1)) {{ contact.nickname }}\n"
        let bodies = [
            "Bonjour,\n\n- {% if contact.firstname %}vous\n- {% endif %}\n\n{{ contact.firstname | default: \"\" }}\n",
            "Hello {{ contact.firstname | default: \"friend\" }},\n\n{% if %}broken{% endif %}\n",
        ]
        for index in 0..<3 {
            let body = bodies[index % 2]
            func block(_ text: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(
                    separator: "\n")
            }
            let yaml = """
                id: shared-\(index)
                purpose: news
                locales:
                  fr:
                    subject: 'Bonjour {{ contact.firstname | default: "à vous" }}'
                    preheader: '{{ contact.nickname }}, lisez'
                    body: |
                \(block(body))
                    footer: |
                \(block(footer))
                  en:
                    subject: 'Hello\u{AD} {{ contact.nickname }}'
                    body: |
                \(block(body))
                    footer: |
                \(block(footer))

                """
            files["templates/shared-\(index).yaml"] = Data(yaml.utf8)
        }
        return files.map { SourceFile(path: $0.key, bytes: Array($0.value)) }
    }

    @Test(arguments: [false, true])
    func sharedTextsGiveEachTemplateItsOwnResults(keepsRenderings: Bool) throws {
        var timings = PhaseTimings()
        let decoded = DecodedWorkspace.decode(try Self.files(), options: BuildOptions(), timings: &timings)
        var bag = DiagnosticBag()
        var rules = Checker.check(
            decoded.workspace, lines: decoded.lines, deferringTemplates: true, into: &bag
        ).templateRules
        rules.keepsRenderings = keepsRenderings
        let sharing = rules.sharingRepeatedTexts(of: decoded.workspace.templates)
        #expect(!sharing.repeatedTexts.liquid.isEmpty)
        // Subjects and preheaders are shared too (parsed once, not converted).
        let (french, english) = (
            "Bonjour {{ contact.firstname | default: \"à vous\" }}", "Hello\u{AD} {{ contact.nickname }}"
        )
        for line in [french, english, "{{ contact.nickname }}, lisez"] {
            #expect(sharing.repeatedTexts.liquid[TextKey(line)] != nil, "\(line)")
        }
        // A subject free of header problems skips their checks; one with an invisible character does not.
        #expect(sharing.repeatedTexts.cleanHeaders.contains(TextKey(french)))
        #expect(!sharing.repeatedTexts.cleanHeaders.contains(TextKey(english)))
        // The French subject is rendered once, in its locale, for every template that shares it.
        #expect(
            rules.rendering == nil
                || sharing.repeatedTexts.subjects[.init(text: TextKey(french), locale: "fr")]?.renderedLength != nil)
        var reported = 0
        for template in decoded.workspace.templates {
            var (alone, shared) = (DiagnosticBag(), DiagnosticBag())
            var (aloneFindings, sharedFindings) = (TextFindings(), TextFindings())
            rules.check(template, into: &alone, keeping: &aloneFindings)
            sharing.check(template, into: &shared, keeping: &sharedFindings)
            #expect(shared.diagnostics == alone.diagnostics, "\(template.id.value)")
            #expect(sharedFindings.markdown == aloneFindings.markdown)
            #expect(sharedFindings.convertedHTML == aloneFindings.convertedHTML)
            #expect(sharedFindings.reads == aloneFindings.reads)
            reported += alone.diagnostics.count
        }
        #expect(reported >= 15)
    }

    /// The fingerprint pass reads the length limit on a text's bytes: it agrees with the limit on the
    /// `String` (the definition) for texts of one- to four-byte scalars around the limit.
    @Test func byteLimitAgreesWithScalarLimit() {
        let limit = TemplateRules.maxCheckedScalars
        let alphabets: [[Character]] = [["a"], ["é"], ["€", "a"], ["😀", "é", "z"]]
        for alphabet in alphabets {
            for count in [limit / 4, limit - 1, limit, limit + 1] {
                var text = ""
                text.reserveCapacity(count * 4)
                for index in 0..<count { text.append(alphabet[index % alphabet.count]) }
                var utf8 = text
                let onBytes = utf8.withUTF8 { TemplateRules.exceedsCheckedScalars(utf8: $0) }
                #expect(onBytes == TemplateRules.exceedsCheckedScalars(text), "\(alphabet) \(count)")
            }
        }
    }
}
