import Liquid
import Testing

@testable import AutoMail

/// The template rules' quick answers on bytes agree with the byte-by-byte definitions they replaced.
struct TemplateRulesScanTests {
    /// `TemplateRules.needsConvertedCheck` (a `{` found, then the byte after it) and the byte-by-byte
    /// definition, on every text of up to six pieces (`{`, `%`, `{%`, `%{`, a letter, `é`, a line break).
    @Test func needsConvertedCheckAgreesWithByteLoop() {
        let pieces = ["{", "%", "{%", "%{", "{{", "a", "é", "\n", "}", "{\u{301}%"]
        var texts = [""]
        for _ in 0..<4 { texts = texts + texts.flatMap { text in pieces.map { text + $0 } } }
        for text in Set(texts) {
            #expect(
                TemplateRules.needsConvertedCheck(text) == TemplateRules.needsConvertedCheckByBytes(text),
                "\(text.debugDescription)")
        }
    }

    /// `TemplateRules.reads(of:)`, built by appending, records the names the lowering's definition
    /// (`BundleLowering.reads(of:)`, by joining) records, on the variables of generated templates.
    @Test func readsAgreeWithTheLowerings() {
        let paths = [
            "contact.firstname", "contact.firstname.size", "legal.publisher", "unsubscribe_url", "a[\"b.c\"].d",
            "x[y].z", "contact[\"é\"]", "workspace.name.first", "a.b.c.d.e",
        ]
        for first in paths {
            for second in paths {
                let source = "{{ \(first) }} {% if \(second) %}{{ \(second) }}{% endif %}"
                let variables = LiquidTemplate.parse(source).template?.variables ?? []
                #expect(!variables.isEmpty, "\(source)")
                #expect(TemplateRules.reads(of: variables) == BundleLowering.reads(of: variables), "\(source)")
            }
        }
    }

    /// `HeaderValueRules.encodedWord(in:)` with its byte quick "no" finds the encoded words it found.
    @Test func encodedWordQuickNoKeepsAnswers() {
        #expect(HeaderValueRules.encodedWord(in: "Hello =?UTF-8?B?SGk=?= there") == "=?UTF-8?B?SGk=?=")
        #expect(HeaderValueRules.encodedWord(in: "a = ? b") == nil)
        #expect(HeaderValueRules.encodedWord(in: "=?") == nil)
        #expect(HeaderValueRules.encodedWord(in: "Your neighbourhood, our proposals") == nil)
    }
}
