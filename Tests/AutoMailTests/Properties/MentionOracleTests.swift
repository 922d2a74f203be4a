@testable import AutoMail
import AutomailRuntime
import BundleModel
import Diagnostics
import Foundation
import Testing

/// The oracle itself: an email of a valid workspace passes, and each way of losing a guarantee is seen.
@Suite struct MentionOracleTests {
    @Test func theOracleSeesEachLoss() throws {
        // The first seed whose workspace holds no known finding.
        let workspace = try #require(
            (UInt64(1)...50).lazy.map { seed -> GeneratedWorkspace in
                var generator = WorkspaceGenerator(seed: seed)
                return generator.workspace()
            }.first { $0.shapes.allSatisfy { !SoundnessPropertyTests.knownFindings.contains($0.rawValue) } })
        let built = Compiler.build(workspace.sources.map { SourceFile(path: $0.path, text: $0.text) })
        let bundle = try RuntimeBundle.load(try #require(built.bundle, "\(built.diagnostics)"))
        let contact = ContactGenerator.battery(workspace.fields)[1]
        let template = try #require(workspace.templateIDs.first)
        let email = try bundle.render(
            template: template, locale: workspace.locales[0], contact: contact.values,
            unsubscribeURL: contact.unsubscribeURL)
        let oracle = MentionOracle(workspace)
        #expect(oracle.violations(of: email, unsubscribeURL: contact.unsubscribeURL) == [])

        let escapedURL = contact.unsubscribeURL.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "'", with: "&#39;")
        let losses: [(String, (inout RenderedEmail) -> Void)] = [
            (
                "publisher hidden in a comment",
                { $0.html = Self.commentingOut(MailEscaping.html(workspace.publisher), in: $0.html) }
            ),
            (
                "unsubscribe link without text",
                {
                    $0.html = $0.html.replacing(#/<a [^>]*href="[^"]*unsub[^"]*"[^>]*>[^<]*</a>/#) { _ in
                        "<a href=\"\(escapedURL)\"></a>"
                    }
                }
            ),
            (
                "unsubscribe URL not in the text part",
                { $0.text = $0.text.replacingOccurrences(of: contact.unsubscribeURL, with: "") }
            ),
            ("no List-Unsubscribe", { $0.headers = [] }),
            ("blank subject", { $0.subject = " " }),
            ("Liquid left in the text", { $0.text += "{{ contact.firstname }}" }),
            ("empty body", { $0.text = "\n\n-- \n" + ($0.text.components(separatedBy: "\n\n-- \n").last ?? "") }),
            ("unbalanced HTML", { $0.html = $0.html.replacingOccurrences(of: "</p>", with: "</td>") }),
        ]
        for (name, lose) in losses {
            var changed = email
            lose(&changed)
            #expect(!oracle.violations(of: changed, unsubscribeURL: contact.unsubscribeURL).isEmpty, "\(name)")
        }
    }

    /// `html` with the first occurrence of `needle` put inside an HTML comment.
    static func commentingOut(_ needle: String, in html: String) -> String {
        guard let range = html.range(of: needle) else { return html }
        return html.replacingCharacters(in: range, with: "<!-- \(needle) -->")
    }
}

/// HTML escaping as the bundle's `html` part writes values.
enum MailEscaping {
    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
