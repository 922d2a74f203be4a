import Foundation
import Testing

@testable import MailRendering

/// ``MailMarkdown`` writes what Ink 0.6.0 wrote (before it was replaced): `ink-0.6.0-parity.json` holds
/// Ink's HTML for every combination of up to 3 of 17 marker pieces and 2,000 random documents. It was
/// recorded with Ink itself; the full differential run (every 4-piece combination, 100,000 random
/// documents) matched too. Trailing spaces and tabs were trimmed before Ink, as the renderer did.
struct InkParityTests {
    @Test func sameHTMLAsInk() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("ink-0.6.0-parity.json")
        let pairs = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String]])
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
}
