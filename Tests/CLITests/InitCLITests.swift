import Foundation
import Testing

/// `automail init` as a user runs it: the workspace it writes checks with nothing but warnings about its
/// placeholders, which `build` refuses until they are replaced; it never overwrites anything, and it
/// says what to do next.
@Suite struct InitCLITests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func initThenCheckWarnsAndBuildRefusesThePlaceholdersUntilReplaced() throws {
        let scratch = try ScratchFolder()
        let created = try AutomailProcess.run(
            ["init", "campaign", "--name", "Riverside Tenants", "--locale", "en", "--locale", "es"], in: scratch.path)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardError == "")
        #expect(created.standardOutput.hasPrefix("Created the workspace `riverside-tenants` (en, es) in `campaign`:\n"))
        #expect(created.standardOutput.contains("automail check campaign"))
        #expect(created.standardOutput.contains("automail preview welcome campaign"))
        #expect(created.standardOutput.contains("automail build campaign --output bundle.json"))
        #expect(created.standardOutput.contains("redhat.vscode-yaml"))

        // The placeholders (`example.org`, the postal address) are warnings for `check`…
        let check = try AutomailProcess.run(["check", "campaign"], in: scratch.path)
        #expect(check.status == 0, "\(check.standardError)")
        #expect(
            check.standardError.contains(
                "warning[AM508]: the sending domain `example.org` is a domain reserved for examples"))
        #expect(
            check.standardError.contains(
                "warning[AM508]: the postal address `1 Example Street, Springfield` is the placeholder `automail init` writes"
            ))
        #expect(check.standardError.hasSuffix("warning: 2 warnings, no errors\n"), "\(check.standardError)")
        #expect(!check.standardError.contains("error["))
        // … errors for `build`, which writes nothing…
        let refused = try AutomailProcess.run(["build", "campaign", "--output", "bundle.json"], in: scratch.path)
        #expect(refused.status == 1, "\(refused.standardError)")
        #expect(
            refused.standardError.contains(
                "error[AM508]: the sending domain `example.org` is a domain reserved for examples"))
        #expect(refused.standardError.hasSuffix("error: 2 errors\n"), "\(refused.standardError)")
        #expect(scratch.read("bundle.json") == nil)
        // … but a preview, which sends nothing, works as it is.
        let preview = try AutomailProcess.run(
            ["preview", "welcome", "campaign", "--locale", "es", "--format", "text"], in: scratch.path)
        #expect(preview.status == 0)
        #expect(preview.standardOutput.hasPrefix("Subject: ¡Bienvenida,"), "\(preview.standardOutput)")

        // Once the placeholders are replaced, the workspace checks clean and builds.
        let manifest = try #require(scratch.read("campaign/automail.yaml"))
        try scratch.write(
            "campaign/automail.yaml",
            manifest.replacingOccurrences(of: "example.org", with: "riverside-tenants.org")
                .replacingOccurrences(of: "1 Example Street, Springfield", with: "12 River Road, Springfield, IL 62701")
        )
        let clean = try AutomailProcess.run(["check", "campaign", "--strict"], in: scratch.path)
        #expect(clean.status == 0)
        #expect(clean.standardError == "ok: no problems found in 4 files\n")
        let build = try AutomailProcess.run(["build", "campaign", "--output", "bundle.json"], in: scratch.path)
        #expect(build.status == 0, "\(build.standardError)")
        #expect(scratch.read("bundle.json")?.contains("\"id\": \"riverside-tenants\"") == true)

        #expect(
            try scratch.contents("campaign") == [
                ".automail", "automail.yaml", "questionnaires", "templates", "triggers",
            ])
        #expect(
            scratch.read("campaign/automail.yaml")?.hasPrefix(
                "# yaml-language-server: $schema=.automail/schemas/automail.schema.json\n") == true)
        #expect(
            scratch.read("campaign/templates/welcome.yaml")?.hasPrefix(
                "# yaml-language-server: $schema=../.automail/schemas/template.schema.json\n") == true)
        for name in ["automail", "questionnaire", "template", "triggers"] {
            let schema = try String(
                contentsOf: Self.repositoryRoot.appendingPathComponent("schemas/\(name).schema.json"), encoding: .utf8)
            #expect(scratch.read("campaign/.automail/schemas/\(name).schema.json") == schema)
        }
    }

    /// Without a folder, the current one; without a name, the folder's.
    @Test func theCurrentFolderByDefault() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: scratch.path + "/Lyon 2026", withIntermediateDirectories: true)
        let created = try AutomailProcess.run(["init", "--locale", "fr"], in: scratch.path + "/Lyon 2026")
        #expect(created.status == 0)
        #expect(created.standardOutput.hasPrefix("Created the workspace `lyon-2026` (fr) in `.`:\n"))
        #expect(created.standardOutput.contains("  2. Check it, on every save and in CI:  automail check\n"))
        let check = try AutomailProcess.run(["check"], in: scratch.path + "/Lyon 2026")
        #expect(check.status == 0)
        #expect(
            check.standardError.hasSuffix("warning: 2 warnings, no errors\n"),
            "only the placeholders: \(check.standardError)")
    }

    /// When any file it would write exists, nothing is written.
    @Test func existingFilesAreNeverOverwritten() throws {
        let scratch = try ScratchFolder()
        try scratch.write("ws/templates/welcome.yaml", "id: mine\n")
        let refused = try AutomailProcess.run(["init", "ws"], in: scratch.path)
        #expect(refused.status == 2)
        #expect(refused.standardOutput == "")
        #expect(
            refused.standardError == """
                error: `ws` already holds `templates/welcome.yaml`; nothing was written
                help: choose another folder, or move those files away

                """)
        #expect(try scratch.contents("ws") == ["templates"])
        #expect(try scratch.contents("ws/templates") == ["welcome.yaml"])
        #expect(scratch.read("ws/templates/welcome.yaml") == "id: mine\n")

        #expect(try AutomailProcess.run(["init", "again"], in: scratch.path).status == 0)
        let twice = try AutomailProcess.run(["init", "again"], in: scratch.path)
        #expect(twice.status == 2)
        #expect(twice.standardError.hasPrefix("error: `again` is already a workspace (it holds `automail.yaml`,"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let scratch = try ScratchFolder()
        let locale = try AutomailProcess.run(["init", "ws", "--locale", "French"], in: scratch.path)
        #expect(locale.status == 2)
        #expect(locale.standardError.contains("`French` is not a locale"))
        #expect(try scratch.contents() == [])
    }
}
