import Foundation
import Testing

/// One hostile workspace: how it damages the `base` fixture, and the exact answer expected of
/// `automail check`: the exit status and the set of distinct codes, within a time bound.
struct HostileCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The arguments after the subcommand; `ws` is the damaged workspace (the run's directory is its parent).
    var arguments: [String] = ["check", "ws"]
    var status: Int32
    var codes: [String]
    /// Seconds before the run is killed and the case fails as a hang.
    var seconds: Double = 20
    var damage: @Sendable (HostileWorkspace) throws -> Void

    var testDescription: String { name }
}

/// The hostile-input suite (SECURITY.md): whatever a pull request puts in a workspace, `automail` answers
/// with diagnostics and an exit status, in bounded time and memory, never a crash or a hang. Large inputs
/// are generated here, not committed.
@Suite struct HostileInputTests {
    static let mib = 1 << 20

    static let yamlCases: [HostileCase] = [
        HostileCase(name: "alias bomb (billion laughs)", status: 1, codes: ["AM103", "AM201", "AM202"]) { ws in
            var text = "id: doors2\nlol0: &l0 lol\n"
            for level in 1...9 {
                text +=
                    "lol\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                    + "]\n"
            }
            try ws.write("questionnaires/bomb.yaml", text)
        },
        HostileCase(name: "merge-key bomb", status: 1, codes: ["AM103", "AM104", "AM201", "AM202"]) { ws in
            var text = "a0: &a0 {x: 1}\n"
            for level in 1...30 { text += "a\(level): &a\(level) {<<: [*a\(level - 1), *a\(level - 1)]}\n" }
            try ws.write("questionnaires/bomb.yaml", text)
        },
        HostileCase(name: "flow nesting 100,000 deep", status: 1, codes: ["AM109"]) { ws in
            try ws.write("questionnaires/deep.yaml", "id: " + String(repeating: "[", count: 100_000))
        },
        HostileCase(name: "flow mapping nesting 100,000 deep", status: 1, codes: ["AM109"]) { ws in
            try ws.write(
                "questionnaires/deep.yaml",
                String(repeating: "{a: ", count: 100_000) + "1" + String(repeating: "}", count: 100_000))
        },
        HostileCase(name: "block nesting 100,000 deep", status: 1, codes: ["AM109"]) { ws in
            try ws.write("questionnaires/deep.yaml", String(repeating: "- ", count: 100_000) + "x\n")
        },
        HostileCase(name: "a single 100 MB scalar", status: 1, codes: ["AM110"]) { ws in
            try ws.writeLarge("templates/big.yaml", prefix: "id: big\nsubject: ", filler: "a", count: 100 * mib)
        },
        HostileCase(name: "a 100 MB file of many lines", status: 1, codes: ["AM110"]) { ws in
            try ws.writeLarge(
                "triggers/big.yaml", prefix: "triggers:\n", filler: "  - {id: t, template: welcome}\n", count: 100 * mib
            )
        },
        HostileCase(
            name: "a file past a lowered --max-file-size", arguments: ["check", "ws", "--max-file-size", "2K"],
            status: 1,
            codes: ["AM110"]
        ) { ws in
            try ws.writeLarge("templates/big.yaml", prefix: "# big\n", filler: "# padding\n", count: 4096)
        },
        HostileCase(name: "invalid UTF-8", status: 1, codes: ["AM106"]) { ws in
            try ws.write("templates/callback.yaml", try ws.read("templates/callback.yaml") + [0x23, 0xFF, 0xFE, 0x0A])
        },
        HostileCase(name: "an overlong UTF-8 sequence", status: 1, codes: ["AM106"]) { ws in
            try ws.write(
                "templates/callback.yaml", Array("# ".utf8) + [0xC0, 0xAF] + (try ws.read("templates/callback.yaml")))
        },
        HostileCase(name: "a NUL byte", status: 1, codes: ["AM107"]) { ws in
            try ws.write("templates/callback.yaml", try ws.read("templates/callback.yaml") + [0x23, 0x00, 0x0A])
        },
        HostileCase(name: "a BOM in the middle of a file", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("templates/callback.yaml", "id: callback", "id: callback # \u{FEFF}")
        },
        HostileCase(name: "a BOM at the start of a file", status: 0, codes: []) { ws in
            try ws.write("templates/callback.yaml", [0xEF, 0xBB, 0xBF] + (try ws.read("templates/callback.yaml")))
        },
        HostileCase(name: "a bidirectional override in an id", status: 1, codes: ["AM112", "AM204", "AM301"]) { ws in
            try ws.replace("templates/callback.yaml", "id: callback", "id: call\u{202E}back")
        },
        HostileCase(name: "a bidirectional isolate in a comment", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("triggers/main.yaml", "triggers:", "# \u{2067}priority: 99\u{2069}\ntriggers:")
        },
        HostileCase(name: "a zero-width space in a subject", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("templates/callback.yaml", "We will call you back", "We will call\u{200B} you back")
        },
        HostileCase(name: "a zero-width space in an address", status: 1, codes: ["AM112", "AM501"]) { ws in
            try ws.replace("automail.yaml", "address: team@lyonvote.fr", "address: team\u{200B}@lyonvote.fr")
        },
        HostileCase(name: "a right-to-left override in a display name", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", "name: Base \u{202E}maet")
        },
        HostileCase(name: "a soft hyphen in a display name", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", "name: Base te\u{00AD}am")
        },
        HostileCase(name: "a tag character run in a subject", status: 1, codes: ["AM112"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "We will call you back", "We will call you back\u{E0062}\u{E0063}\u{E0063}")
        },
        HostileCase(name: "a combining grapheme joiner in a display name", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", "name: Base te\u{034F}am")
        },
        HostileCase(name: "an Arabic letter mark in a subject", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("templates/callback.yaml", "We will call you back", "We will call\u{061C} you back")
        },
        HostileCase(name: "a variation selector after a letter", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("templates/callback.yaml", "We will call you back", "We will call\u{FE0F} you back")
        },
        HostileCase(name: "an emoji's own variation selector", status: 0, codes: []) { ws in
            try ws.replace("templates/callback.yaml", "We will call you back", "We will call you back \u{2764}\u{FE0F}")
        },
        HostileCase(name: "a YAML escape of a right-to-left override in a subject", status: 1, codes: ["AM112"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "subject: We will call you back", #"subject: "We will call \u202eyou back""#)
        },
        HostileCase(name: "a YAML escape of an isolate in a display name", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", #"name: "Base \u2066team""#)
        },
        HostileCase(name: "YAML escapes of a mark and a BOM in a body", status: 1, codes: ["AM112"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "    body: |\n      A volunteer will call you back soon.",
                #"    body: "A volunteer will call \u200fyou\ufeff back soon.\n""#)
        },
        HostileCase(name: "an invisible character and a NUL byte in a layout", status: 1, codes: ["AM107", "AM112"]) {
            ws in
            try ws.replace("automail.yaml", "default_sender: team", "default_sender: team\nlayout: layouts/email.html")
            try ws.write(
                "layouts/email.html",
                Array("<div>\u{202E}{{ content }}\u{200B}{{ footer }}</div>\n".utf8) + [0x00, 0x0A])
        },
        HostileCase(name: "invisible characters in a layout", status: 1, codes: ["AM112"]) { ws in
            try ws.replace("automail.yaml", "default_sender: team", "default_sender: team\nlayout: layouts/email.html")
            try ws.write("layouts/email.html", "<div>\u{202E}{{ content }}\u{200B}{{ footer }}</div>\n")
        },
        HostileCase(name: "CRLF line endings", status: 0, codes: []) { ws in
            try ws.shell("for f in automail.yaml */*.yaml; do sed -i 's/$/\\r/' \"$f\"; done")
        },
        HostileCase(name: "CR-only line endings", status: 0, codes: []) { ws in
            try ws.shell("for f in automail.yaml */*.yaml; do tr '\\n' '\\r' < \"$f\" > x && mv x \"$f\"; done")
        },
        HostileCase(name: "tab indentation", status: 1, codes: ["AM101"]) { ws in
            try ws.replace("templates/callback.yaml", "  fr:\n    subject", "  fr:\n\tsubject")
        },
        HostileCase(name: "a !!python/object tag", status: 1, codes: ["AM108", "AM203", "AM301"]) { ws in
            try ws.replace("templates/callback.yaml", "id: callback", "id: !!python/object/apply:os.system [\"id\"]")
        },
        HostileCase(name: "a custom !tag", status: 1, codes: ["AM108"]) { ws in
            try ws.replace("templates/callback.yaml", "sender: team", "sender: !secret team")
        },
    ]

    static let fileCases: [HostileCase] = [
        HostileCase(
            name: "20,000 files over --max-files 10000", arguments: ["check", "ws", "--max-files", "10000"], status: 1,
            codes: ["AM004"], seconds: 60
        ) { ws in
            let folder = ws.root + "/triggers"
            for index in 0..<20_000 {
                let text = "triggers: []\n"
                guard FileManager.default.createFile(atPath: folder + "/t\(index).yaml", contents: Data(text.utf8))
                else {
                    throw HostileWorkspace.Failure(description: "cannot create file \(index)")
                }
            }
        },
        HostileCase(name: "an empty workspace", status: 2, codes: ["AM001"]) { ws in
            try FileManager.default.removeItem(atPath: ws.root)
            try FileManager.default.createDirectory(atPath: ws.root, withIntermediateDirectories: false)
        },
        HostileCase(name: "an empty automail.yaml", status: 1, codes: ["AM208"]) { ws in
            try ws.write("automail.yaml", "")
        },
        HostileCase(name: "a workspace that is a file", status: 2, codes: ["AM001"]) { ws in
            try FileManager.default.removeItem(atPath: ws.root)
            try Data("id: x\n".utf8).write(to: URL(fileURLWithPath: ws.root))
        },
        HostileCase(name: "a template that is a folder", status: 1, codes: ["AM002"]) { ws in
            try FileManager.default.createDirectory(
                atPath: ws.root + "/templates/folder.yaml", withIntermediateDirectories: false)
        },
        HostileCase(name: "a template that is a FIFO", status: 1, codes: ["AM002"]) { ws in
            try ws.shell("mkfifo templates/pipe.yaml")
        },
        HostileCase(name: "a symlink loop", status: 1, codes: ["AM002"]) { ws in
            try ws.shell("ln -s b.yaml templates/a.yaml && ln -s a.yaml templates/b.yaml")
        },
        HostileCase(name: "a symlink to a file outside the workspace", status: 1, codes: ["AM002"]) { ws in
            try ws.write("../outside.yaml", "id: outside\n")
            try ws.shell("ln -s ../../outside.yaml templates/outside.yaml && ln -s /etc/passwd templates/passwd.yaml")
        },
        HostileCase(name: "a folder symlink outside the workspace", status: 1, codes: ["AM002", "AM703"]) { ws in
            try ws.write("../elsewhere/t.yaml", "triggers: []\n")
            try ws.shell("rm -r triggers && ln -s ../elsewhere triggers")
        },
        HostileCase(name: "a symlink to the manifest outside", status: 2, codes: ["AM002"]) { ws in
            try ws.write("../manifest.yaml", "id: outside\n")
            try ws.shell("rm automail.yaml && ln -s ../manifest.yaml automail.yaml")
        },
        HostileCase(name: "file names with spaces, non-ASCII and leading dashes", status: 0, codes: []) { ws in
            try ws.shell(
                "mv templates/callback.yaml 'templates/-call back été.yaml' && mv triggers/main.yaml 'triggers/--main.yaml'"
            )
        },
        HostileCase(
            name: "a workspace folder whose name starts with a dash", arguments: ["check", "--", "-ws été"], status: 0,
            codes: []
        ) { ws in
            try FileManager.default.moveItem(atPath: ws.root, toPath: ws.scratch + "/-ws été")
        },
    ]

    static let emailCases: [HostileCase] = [
        HostileCase(name: "header injection through a display name", status: 1, codes: ["AM503"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", "name: \"Base team\\r\\nBcc: all@lyonvote.be\"")
        },
        HostileCase(name: "header injection through a subject", status: 1, codes: ["AM503"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "subject: We will call you back", "subject: \"Hi\\nBcc: all@lyonvote.be\"")
        },
        HostileCase(name: "an RFC 2047 encoded word in a display name", status: 1, codes: ["AM507"]) { ws in
            try ws.replace("automail.yaml", "name: Base team", "name: =?UTF-8?B?c2VjdXJpdHlAcGF5cGFsLmNvbQ==?=")
        },
        HostileCase(name: "an RFC 2047 encoded word in a subject", status: 1, codes: ["AM503"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "subject: We will call you back",
                "subject: We will =?utf-8?q?call_you?= back")
        },
        HostileCase(name: "a subject that renders a multi-line global", status: 1, codes: ["AM503"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "subject: We will call you back",
                "subject: 'Welcome {{ legal.data_origin }}'")
            try ws.replace(
                "automail.yaml", "    en: You met one of our volunteers.",
                "    en: |\n      You met one of our volunteers.\n      Bcc: all@lyonvote.be")
        },
        HostileCase(name: "a subject with a one-line global", status: 0, codes: []) { ws in
            try ws.replace(
                "templates/callback.yaml", "subject: We will call you back",
                "subject: 'Welcome {{ legal.data_origin }}'")
        },
        HostileCase(name: "header injection through a reply-to", status: 1, codes: ["AM501"]) { ws in
            try ws.replace(
                "automail.yaml", "reply_to: contact@lyonvote.fr",
                "reply_to: \"contact@lyonvote.fr\\r\\nBcc: x@lyonvote.be\"")
        },
        HostileCase(name: "an address with a comment", status: 1, codes: ["AM501"]) { ws in
            try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: contact(evil)@lyonvote.fr")
        },
        HostileCase(name: "a quoted local part", status: 1, codes: ["AM501"]) { ws in
            try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: '\"contact@x\"@lyonvote.fr'")
        },
        HostileCase(name: "an IP-literal domain", status: 1, codes: ["AM501"]) { ws in
            try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: contact@[192.0.2.1]")
        },
        HostileCase(name: "an internationalised domain not in punycode", status: 1, codes: ["AM501", "AM505"]) { ws in
            try ws.replace(
                "automail.yaml", "sending_domains: [lyonvote.fr]", "sending_domains: [lyonvote.fr, lyönvote.fr]")
            try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: contact@lyönvote.fr")
        },
        HostileCase(name: "a look-alike sending domain in punycode", status: 1, codes: ["AM506"]) { ws in
            try ws.replace(
                "automail.yaml", "sending_domains: [lyonvote.fr]", "sending_domains: [lyonvote.fr, xn--lynvote-bjg.fr]")
        },
        HostileCase(name: "a look-alike Reply-To domain", status: 1, codes: ["AM506"]) { ws in
            try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: contact@lyonv0te.fr")
        },
        HostileCase(name: "a look-alike From domain", status: 1, codes: ["AM506"]) { ws in
            try ws.replace(
                "automail.yaml", "sending_domains: [lyonvote.fr]",
                "sending_domains: [lyonvote.fr, mairie-lyon.fr, rnairie-lyon.fr]")
            try ws.replace("automail.yaml", "address: team@lyonvote.fr", "address: team@rnairie-lyon.fr")
        },
        HostileCase(name: "Liquid include", status: 1, codes: ["AM606"]) { ws in
            try ws.replace("templates/callback.yaml", "A volunteer will call you back soon.", "{% include 'secrets' %}")
        },
        HostileCase(name: "Liquid render", status: 1, codes: ["AM606"]) { ws in
            try ws.replace("templates/callback.yaml", "A volunteer will call you back soon.", "{% render 'secrets' %}")
        },
        HostileCase(name: "an unknown Liquid filter", status: 1, codes: ["AM606"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.", "{{ contact.firstname | shell }}")
        },
        HostileCase(name: "a variable outside the declared ones", status: 1, codes: ["AM607"]) { ws in
            try ws.replace("templates/callback.yaml", "A volunteer will call you back soon.", "{{ env.SECRET }}")
        },
        HostileCase(name: "a javascript: link", status: 1, codes: ["AM609"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.", "[x](javascript:alert(1))")
        },
        HostileCase(name: "a data: link", status: 1, codes: ["AM609"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                "[x](data:text/html;base64,PHNjcmlwdD4=)")
        },
    ]

    /// Active content in a custom layout, however the source spells it: AM617 on the rendered HTML.
    static func layout(_ html: String) -> @Sendable (HostileWorkspace) throws -> Void {
        { ws in
            try ws.replace("automail.yaml", "default_sender: team", "default_sender: team\nlayout: layouts/email.html")
            try ws.write("layouts/email.html", "<div>\n" + html + "\n{{ content }}\n{{ footer }}\n</div>\n")
        }
    }

    static let layoutCases: [HostileCase] = [
        HostileCase(
            name: "a layout that is static HTML", status: 0, codes: [],
            damage: layout(
                #"<p style="color:#333"><a href="https://lyonvote.fr">Lyon</a> <img src="cid:logo" alt="logo"></p>"#)),
        HostileCase(
            name: "a script element split by Liquid", status: 1, codes: ["AM617"],
            damage: layout("<scr{% if true %}ipt{% endif %}>alert(1)</scr{% if true %}ipt{% endif %}>")),
        HostileCase(
            name: "an entity-encoded javascript: URL", status: 1, codes: ["AM617"],
            damage: layout(#"<a href="jav&#x61;script:alert(1)">x</a>"#)),
        HostileCase(
            name: "an event handler before a line break and =", status: 1, codes: ["AM617"],
            damage: layout("<img src=\"cid:x\" onerror\n=\"alert(1)\">")),
        HostileCase(
            name: "an event handler right after a quoted value", status: 1, codes: ["AM617"],
            damage: layout(#"<img src="cid:x"onerror="alert(1)">"#)),
        HostileCase(
            name: "an element outside the allow-list", status: 1, codes: ["AM617"],
            damage: layout(#"<svg><animate attributeName="href" values="x"/></svg>"#)),
        HostileCase(
            name: "an attribute outside the allow-list", status: 1, codes: ["AM617"],
            damage: layout(#"<a href="https://lyonvote.fr" formaction="https://evil.example">x</a>"#)),
        HostileCase(
            name: "an event handler chosen by a condition on a global", status: 1, codes: ["AM617"],
            damage: layout(#"<img src="cid:x" {% if workspace.name %}o{% endif %}nload="alert(1)">"#)),
        HostileCase(
            name: "an encoded URL beside a plain script", status: 1, codes: ["AM617"],
            damage: layout(#"<script>x()</script><a href="&#106;avascript:x()">x</a>"#)),
    ]

    static let renderingCases: [HostileCase] = [
        HostileCase(name: "a 1 MB line of [", status: 1, codes: ["AM620"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                String(repeating: "[", count: 1 << 20))
        },
        HostileCase(name: "a 1 MB line of *", status: 1, codes: ["AM620"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                String(repeating: "*", count: 1 << 20))
        },
        HostileCase(name: "blockquotes 100,000 deep", status: 0, codes: []) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                String(repeating: ">", count: 100_000) + " x")
        },
        HostileCase(name: "Liquid blocks 100,000 deep", status: 1, codes: ["AM620"]) { ws in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                String(repeating: "{% if contact.firstname %}", count: 100_000))
        },
    ]

    @Test(arguments: yamlCases + fileCases + emailCases + layoutCases + renderingCases)
    func answersWithDiagnosticsInBoundedTime(_ hostile: HostileCase) throws {
        let ws = try HostileWorkspace()
        try hostile.damage(ws)
        let outcome = try BoundedProcess.run(hostile.arguments, in: ws.scratch, seconds: hostile.seconds)
        #expect(!outcome.timedOut, "killed after \(hostile.seconds) s: a hang")
        #expect(outcome.signal == nil, "ended by signal \(outcome.signal ?? 0)\n\(outcome.standardError.prefix(2000))")
        #expect(outcome.status == hostile.status, "\(outcome.standardError.prefix(2000))")
        #expect(outcome.codes == hostile.codes, "\(outcome.standardError.prefix(2000))")
        #expect(outcome.standardOutput == "")
    }
}
