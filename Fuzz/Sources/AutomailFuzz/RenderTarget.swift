import AutoMail
import AutomailReview
import AutomailRuntime
import BundleModel
import Diagnostics
import Foundation
import Liquid

/// The `render` target: the bytes as a template body (Markdown with Liquid), as `automail preview` turns
/// it into an email. The body replaces the English body of the `welcome` template of the test fixture
/// `base` (a YAML literal block: each line indented); the workspace is compiled as preview compiles it
/// (Markdown to HTML and text, Liquid checked, placeholders warnings); when it compiles without errors,
/// the template is rendered for a plain and for a hostile contact and made into preview's HTML page.
/// Invariant: no tag from a contact value reaches the HTML (a compiled template escapes its outputs).
enum RenderTarget {
    nonisolated(unsafe) static var base: [SourceFile] = []

    /// What a hostile contact's values hold; none of it may reach the HTML as markup.
    static let markers = ["<script>alert(1)", "<img src=x onerror"]

    /// The contacts rendered.
    static let contacts = [
        PreviewContact(
            name: "plain",
            values: [
                "firstname": .string("Camille"), "surname": .string("Lefèvre"), "district": .string("Croix-Rousse"),
            ],
            locale: "en"),
        PreviewContact(
            name: "hostile",
            values: [
                "firstname": .string("<script>alert(1)</script>{{ unsubscribe_url }}{% raw %}"),
                "surname": .string("\"><img src=x onerror=alert(1)>\u{202E}"),
                "district": .string("</a><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">"),
            ],
            locale: "en"),
    ]

    /// Reads the fixture `base`; exits when it cannot.
    static func prepare() {
        let root = ProcessInfo.processInfo.environment["AUTOMAIL_FUZZ_ROOT"] ?? "."
        guard let loaded = try? WorkspaceLoader.load(root: root + "/Tests/AutoMailTests/Fixtures/base") else {
            FileHandle.standardError.write(Data("automail-fuzz: cannot read the fixture `base`\n".utf8))
            exit(2)
        }
        base = loaded.files
    }

    /// `templates/welcome.yaml` with `body` as its English body.
    static func welcome(_ body: [UInt8]) -> SourceFile {
        var yaml = Array(
            """
            id: welcome
            purpose: news
            locales:
              fr:
                subject: 'Merci {{ contact.firstname | default: "à vous" }} !'
                body: |
                  Merci pour votre soutien.
              en:
                subject: 'Thank you {{ contact.firstname | default: "friend" }}!'
                body: |

            """.utf8)
        var lineStart = true
        for byte in body {
            if lineStart { yaml += Array("      ".utf8) }
            yaml.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        return SourceFile(path: "templates/welcome.yaml", bytes: yaml)
    }

    /// Runs one input.
    static func run(_ bytes: [UInt8]) {
        let files = base.filter { $0.path != "templates/welcome.yaml" } + [welcome(bytes)]
        var options = BuildOptions(revision: "fuzz")
        options.reachesContacts = false
        let result = Compiler.build(files, options: options)
        guard !result.hasErrors, let content = result.bundleContent,
            let rules = try? Preview.runtimeBundle(content)
        else { return }
        for contact in contacts {
            guard let email = try? Preview.render(bundle: rules, template: "welcome", locale: "en", contact: contact)
            else { continue }
            let page = PreviewPage.page(email)
            for marker in markers where email.html.contains(marker) || page.contains(marker) {
                trap("a contact's `\(marker)` reached the HTML as markup")
            }
        }
    }
}
