import AutoMail
import Diagnostics
import Foundation
import Testing
import YAMLSource

@testable import MailRendering

/// `PlainTextWriter.streamedText` against its definition, `PlainTextWriter.text(fromHTML:document:settings:)`,
/// on every string of every YAML file of the rule examples, the test fixtures and the example workspaces
/// (bodies and footers among them), read as Markdown with and without French typography and known values.
/// `TextStreamDifferentialTests` (MailRenderingTests) runs it over Ink's documents and random Markdown.
struct TextStreamExampleTests {
    /// The YAML texts: each rule example's overlay files, then every `.yaml` file under the fixtures and
    /// the example workspaces.
    static func yamlTexts() throws -> [(path: String, text: String)] {
        var texts: [(path: String, text: String)] = []
        for rule in RuleCatalog.all {
            for example in rule.examples {
                guard let overlay = try? Overlay(example) else { continue }
                texts += overlay.files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            }
        }
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let roots = [
            tests.appendingPathComponent("Fixtures"),
            tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("workspace-examples"),
        ]
        for root in roots {
            let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            var urls: [URL] = []
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "yaml" { urls.append(url) }
            }
            for url in urls.sorted(by: { $0.path < $1.path }) {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                texts.append((url.path, text))
            }
        }
        return texts
    }

    /// Every string scalar of `node`.
    static func strings(of node: YAMLNode, into result: inout [String]) {
        switch node.content {
        case .scalar(let scalar): result.append(scalar.text)
        case .mapping(let pairs):
            for pair in pairs { strings(of: pair.value, into: &result) }
        case .sequence(let items):
            for item in items { strings(of: item, into: &result) }
        }
    }

    @Test func everyExampleStringAgrees() throws {
        var strings: Set<String> = []
        var count = 0
        for (path, text) in try Self.yamlTexts() {
            guard let root = YAMLParser.parse(SourceFile(path: path, text: text)).root else { continue }
            var found: [String] = []
            Self.strings(of: root, into: &found)
            strings.formUnion(found)
            count += found.count
        }
        #expect(strings.count > 500, "\(strings.count) strings of \(count)")
        let settings: [ConversionSettings] = [
            ConversionSettings(),
            ConversionSettings(typography: .french),
            ConversionSettings(
                typography: .french,
                knownValues: [
                    "legal.publisher": "Lyon & Co <SAS>", "workspace.name": "Mairie de Lyon",
                    "legal.address": "1 rue de la Re\u{301}publique", "legal.privacy_url": "https://example.org/p",
                ]),
        ]
        var differences: [String] = []
        for markdown in strings.sorted() {
            for setting in settings {
                let conversion = MarkdownConversion(markdown: markdown, typography: setting.typography)
                let definition = PlainTextWriter.text(
                    fromHTML: conversion.protectedHTML, document: conversion.protectedDocument, settings: setting)
                let streamed = PlainTextWriter.streamedText(
                    fromHTML: conversion.protectedHTML, document: conversion.protectedDocument, settings: setting)
                if streamed != definition { differences.append(markdown.debugDescription) }
            }
        }
        #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(5).joined(separator: "\n"))")
    }
}
