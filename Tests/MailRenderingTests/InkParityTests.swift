import Foundation
import Testing

@testable import MailRendering

/// ``MailMarkdown`` writes what Ink 0.6.0 wrote (before it was replaced): `ink-0.6.0-parity.json` holds
/// Ink's HTML for every combination of up to 3 of 17 marker pieces and 2,000 random documents. It was
/// recorded with Ink itself; the full differential run (every 4-piece combination, 100,000 random
/// documents) matched too. Trailing spaces and tabs were trimmed before Ink, as the renderer did.
struct InkParityTests {
    /// The corpus: pairs of a Markdown document and Ink's HTML of it.
    static func corpus() throws -> [[String]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("ink-0.6.0-parity.json")
        return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String]])
    }

    @Test func sameHTMLAsInk() throws {
        let pairs = try Self.corpus()
        #expect(pairs.count == 17 + 289 + 4_913 + 2_000)
        let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
        var differences: [String] = []
        for pair in pairs where pair.count == 2 {
            let ours = MailMarkdown(pair[0]).html(hooks: hooks)
            if ours != pair[1] {
                differences.append(
                    "\(pair[0].debugDescription): ink \(pair[1].debugDescription), ours \(ours.debugDescription)")
            }
        }
        #expect(
            differences.isEmpty, "\(differences.count) differences: \(differences.prefix(10).joined(separator: "\n"))")
    }

    /// A list item's line read after its nested list is kept as a text of its own (`ListItem.continued`: the
    /// item's parts cannot grow in place past the nested items'), and written, hooks included, as Ink wrote
    /// it: in the item's text, before the nested list, as the same line read before that list is.
    @Test(arguments: [
        (" - a\n   - b\n c *d* [l](u)", " - a\n c *d* [l](u)\n   - b"),
        (" - a\n   - b\n c\n   - d\n e `f`", " - a\n c\n e `f`\n   - d"),
        (" 1. a\n    1. b\n x **y**\n z", " 1. a\n x **y**\n z\n    1. b"),
    ])
    func lineAfterANestedListJoinsItsItem(after: String, before: String) {
        var calls: [[String]] = [[], []]
        for (index, source) in [after, before].enumerated() {
            let hooks = MailMarkdown.Hooks(
                inlineCode: { raw, html in
                    calls[index].append("code \(raw.count)")
                    return html
                },
                codeBlock: { $1 },
                link: { raw, html, _ in
                    calls[index].append("link \(raw.count)")
                    return html
                })
            _ = MailMarkdown(source).html(hooks: hooks)
        }
        let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
        #expect(MailMarkdown(after).html(hooks: hooks) == MailMarkdown(before).html(hooks: hooks))
        #expect(calls[0] == calls[1])
    }

    @Test func lineAfterANestedListIsWrittenBeforeIt() {
        let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
        #expect(
            MailMarkdown(" - a\n   - b\n c *d*").html(hooks: hooks)
                == "<ul><li>a c <em>d</em><ul><li>b</li></ul></li></ul>")
    }
}
