import Foundation
import TestSupport
import Testing

@testable import MailRendering

/// The text part written in one walk over the HTML's bytes (`PlainTextWriter.streamedText`) against the
/// token walk it replaced (`PlainTextWriter.text(fromHTML:document:settings:)`, kept as the definition), on
/// Ink's parity documents and on seeded random Markdown, with and without French typography and known
/// values. `TextStreamExampleTests` (AutoMailTests) runs the same comparison over every string of the
/// rule examples, fixtures and example workspaces.
struct TextStreamDifferentialTests {
    /// Settings the comparison runs under: plain, French, and known values (one with markup to escape,
    /// one not simple, one holding Liquid, which stays Liquid).
    static let settings: [ConversionSettings] = [
        ConversionSettings(),
        ConversionSettings(typography: .french),
        ConversionSettings(
            typography: .none,
            knownValues: [
                "legal.publisher": "Lyon & Co <SAS>", "workspace.name": "Mairie de Lyon",
                "legal.address": "Cafe\u{301} du port", "legal.liquid": "{{ contact.name }}",
            ]),
        ConversionSettings(
            typography: .french,
            knownValues: ["legal.publisher": "Lyon & Co", "workspace.name": "«Mairie» : Lyon"]),
    ]

    /// Whether both writers give the same text for `markdown` under `settings`; records the difference.
    @discardableResult
    static func agree(
        _ markdown: String, settings: ConversionSettings, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let conversion = MarkdownConversion(markdown: markdown, typography: settings.typography)
        let definition = PlainTextWriter.text(
            fromHTML: conversion.protectedHTML, document: conversion.protectedDocument, settings: settings)
        let streamed = PlainTextWriter.streamedText(
            fromHTML: conversion.protectedHTML, document: conversion.protectedDocument, settings: settings)
        #expect(
            streamed == definition, "\(markdown.debugDescription) \(settings.typography)",
            sourceLocation: sourceLocation)
        return streamed == definition
    }

    @Test func inkParityDocumentsAgree() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("ink-0.6.0-parity.json")
        let pairs = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String]])
        for pair in pairs {
            for settings in Self.settings {
                guard Self.agree(pair[0], settings: settings) else { return }
            }
        }
    }

    static let pieces =
        RobustnessTests.pieces + [
            "{{ legal.publisher }}", "{{ workspace.name }}", "{{ legal.address }}", "{{ legal.liquid }}", "{{-x-}}",
            "[a](https://a.example){.button}", "{.button}", "\n\n{% if a %}\n", "\n{% endif %}\n\n", "# ", "## ",
            "### ",
            "\n---\n", "```js\n", "\n```\n", "    ", "  ", "\t", "« ", " »", " :", " ?", "!", ";", "\u{A0}", "\u{202F}",
            "&#x301;", "&#13;", "&nbsp;", "&lt;", "e\u{301}", "\u{2028}", "x@y.example",
            "[x@y.example](mailto:x@y.example)",
            "![alt](https://i.example/a.png)", "![](https://i.example/b.png)", "[](https://e.example)", "**b**",
            "~~s~~",
            "3. ", "10. ", "\n  - ", "\n    1. ", "a very long word that goes on ", "and on and on and on and on ",
            "https://a.example/very/long/path/that/does/not/wrap/at/all/even/when/it/is/longer/than/the/line ",
            "<https://auto.example>", "`code`", "`{{ a }}`", "{% raw %}<b>{% endraw %}",
            "{% comment %}c{% endcomment %}",
            "K", "\u{212A}", "L", "LQQZ1X", "Lyon ", "&amp;L ",
            // Start tags with attributes, read on bytes by the streamed walk (`asciiStartTag`).
            "<a HREF=\"https://h.example\" href=\"https://g.example\">", "</a>", "<a title=\"t\" href=\"x\">",
            "<img ALT=\"up\" alt=\"low\"/>", "<img src=\"s\" alt=\"a\">", "<ol start=\"4\">", "<ol Start=7>",
            "<a href=\"u\" >", "<a href= \"u\">", "<p class=\"c\">", "</ol>",
        ]

    @Test func randomMarkdownAgrees() {
        var generator = SplitMix64(state: 0x7E47)
        for round in 0..<6_000 {
            var markdown = ""
            for _ in 0..<generator.next(48) { markdown += Self.pieces[generator.next(Self.pieces.count)] }
            guard Self.agree(markdown, settings: Self.settings[round % Self.settings.count]) else { return }
        }
    }
}
