import Foundation
import Testing

/// `automail diff` as a user runs it, on the fixture pairs of `Tests/AutoMailTests/Fixtures/diff/`
/// and their expected reports: workspace folders, bundle files and git revisions as sides, the exit
/// statuses, and no temporary folder left behind.
@Suite struct DiffCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("AutoMailTests/Fixtures/diff")

    static func expected(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent("expected/" + name), encoding: .utf8)
    }

    /// The report without its first line (which names the sides).
    static func body(_ report: String) -> Substring {
        report.drop { $0 != "\n" }
    }

    @Test(arguments: [("human", "lyon.human.txt"), ("markdown", "lyon.md"), ("json", "lyon.json")])
    func foldersGiveTheExpectedReports(_ format: String, _ file: String) throws {
        let outcome = try AutomailProcess.run(
            ["diff", "lyon-before", "lyon-after", "--format", format], in: Self.fixtures.path)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError == "")
        #expect(outcome.standardOutput == (try Self.expected(file)))
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let plain = try AutomailProcess.run(["diff", "lyon-before", "lyon-after"], in: Self.fixtures.path)
        #expect(!plain.standardOutput.contains("\u{1B}["))
        let coloured = try AutomailProcess.run(
            ["diff", "lyon-before", "lyon-after", "--color", "always"], in: Self.fixtures.path)
        #expect(coloured.standardOutput.contains("\u{1B}[32m+\u{1B}[0m"))
        #expect(coloured.status == 0)
    }

    @Test func noChangeStillExitsZero() throws {
        let outcome = try AutomailProcess.run(["diff", "lyon-before", "lyon-before"], in: Self.fixtures.path)
        #expect(outcome.status == 0)
        #expect(
            outcome.standardOutput
                == "automail diff: folder `lyon-before` → folder `lyon-before`\nNo change in what is sent\n")
    }

    @Test func outputGoesToAFileWhenAsked() throws {
        let scratch = try ScratchFolder()
        let outcome = try AutomailProcess.run(
            ["diff", "lyon-before", "lyon-after", "--format", "markdown", "--output", scratch.path + "/comment.md"],
            in: Self.fixtures.path)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "")
        #expect(scratch.read("comment.md") == (try Self.expected("lyon.md")))
    }

    /// Bundle files built by `automail build` compare as their workspaces do; a bundle edited after the
    /// build is compared all the same, with a warning in the report.
    @Test func bundleFilesAreSidesAndTheirDigestIsChecked() throws {
        let scratch = try ScratchFolder()
        for name in ["lyon-before", "lyon-after"] {
            let build = try AutomailProcess.run(
                ["build", Self.fixtures.appendingPathComponent(name).path, "--output", scratch.path + "/\(name).json"])
            #expect(build.status == 0, "\(build.standardError)")
        }
        let outcome = try AutomailProcess.run(["diff", "lyon-before.json", "lyon-after.json"], in: scratch.path)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardOutput.hasPrefix("automail diff: bundle `lyon-before.json` → bundle `lyon-after.json`\n"))
        #expect(Self.body(outcome.standardOutput) == Self.body(try Self.expected("lyon.human.txt")))

        let edited = try #require(scratch.read("lyon-after.json"))
            .replacingOccurrences(of: "benevoles@lyon-en-commun.fr", with: "someone@elsewhere.example")
        try scratch.write("edited.json", edited)
        let warned = try AutomailProcess.run(["diff", "lyon-before.json", "edited.json"], in: scratch.path)
        #expect(warned.status == 0)
        #expect(
            warned.standardOutput.contains(
                "\nwarning: the digest of `edited.json` does not match its content: the file was changed after it was built\n"
            ))
        #expect(warned.standardOutput.contains("reply-to: `contact@lyon-en-commun.fr` → `someone@elsewhere.example`"))

        // A workspace folder against a bundle file works too.
        let mixed = try AutomailProcess.run(
            ["diff", "lyon-before.json", Self.fixtures.appendingPathComponent("lyon-after").path], in: scratch.path)
        #expect(Self.body(mixed.standardOutput) == Self.body(try Self.expected("lyon.human.txt")))
    }

    /// `automail diff REV REV`: a repository made in the test with the Lyon workspace before and after,
    /// in a sub-folder; the temporary checkouts are removed (TMPDIR points at an empty folder).
    @Test func gitRevisionsAreSides() throws {
        let scratch = try ScratchFolder()
        let repository = scratch.path + "/repo"
        let temporary = scratch.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try Self.git(["init", "--quiet"], in: repository)
        try FileManager.default.copyItem(
            atPath: Self.fixtures.appendingPathComponent("lyon-before").path, toPath: repository + "/campaign")
        try Self.git(["add", "."], in: repository)
        try Self.git(["commit", "--quiet", "-m", "before"], in: repository)
        try FileManager.default.removeItem(atPath: repository + "/campaign")
        try FileManager.default.copyItem(
            atPath: Self.fixtures.appendingPathComponent("lyon-after").path, toPath: repository + "/campaign")
        try Self.git(["add", "--all", "."], in: repository)
        try Self.git(["commit", "--quiet", "-m", "after"], in: repository)
        let environment = ["TMPDIR": temporary]
        let expected = try Self.expected("lyon.human.txt")

        let revisions = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "campaign"], in: repository, environment: environment)
        #expect(revisions.status == 0, "\(revisions.standardError)")
        #expect(revisions.standardOutput.hasPrefix("automail diff: revision `HEAD~1` ("))
        #expect(Self.body(revisions.standardOutput) == Self.body(expected))

        // From inside the workspace, the workspace is the current folder.
        let inside = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD"], in: repository + "/campaign", environment: environment)
        #expect(Self.body(inside.standardOutput) == Self.body(expected), "\(inside.standardError)")

        // A revision against the working tree: the folder side names the workspace.
        let working = try AutomailProcess.run(["diff", "HEAD~1", "campaign"], in: repository, environment: environment)
        #expect(Self.body(working.standardOutput) == Self.body(expected), "\(working.standardError)")
        let json = try AutomailProcess.run(
            ["diff", "HEAD~1", "campaign", "--format", "json"], in: repository, environment: environment)
        #expect(json.standardOutput.contains("\"kind\": \"revision\""))

        // A revision where the workspace does not compile: its diagnostics, named REV:path, then exit 1.
        let trigger = repository + "/campaign/triggers/porte-a-porte.yaml"
        let broken = try String(contentsOfFile: trigger, encoding: .utf8)
            .replacingOccurrences(of: "template: programme-logement", with: "template: programme-logemen")
        try Data(broken.utf8).write(to: URL(fileURLWithPath: trigger))
        try Self.git(["commit", "--quiet", "--all", "-m", "broken"], in: repository)
        let failed = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "campaign", "--color", "never"], in: repository,
            environment: environment)
        #expect(failed.status == 1)
        #expect(failed.standardOutput == "")
        #expect(failed.standardError.contains("error[AM301]: unknown template `programme-logemen`"))
        #expect(failed.standardError.contains("--> HEAD:campaign/triggers/porte-a-porte.yaml:"))
        #expect(
            failed.standardError.hasSuffix(
                "error: the workspace `campaign` at revision `HEAD` does not compile, so there is nothing to compare\n")
        )

        let missing = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "elsewhere"], in: repository, environment: environment)
        #expect(missing.status == 1)
        #expect(missing.standardError.hasPrefix("error: the workspace `elsewhere` at revision `HEAD~1` does not exist"))

        let outside = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "../.."], in: repository, environment: environment)
        #expect(outside.status == 2)

        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [], "a temporary checkout was left")
    }

    @Test func sidesThatNameNothingAreUsageErrors() throws {
        let outcome = try AutomailProcess.run(["diff", "no-such-thing", "lyon-after"], in: Self.fixtures.path)
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "error: `no-such-thing` is neither a bundle file, a workspace folder nor a git revision of the repository here\n"
        )
        let option = try AutomailProcess.run(
            ["diff", "lyon-before", "lyon-after", "--workspace", "x"], in: Self.fixtures.path)
        #expect(option.status == 2)
        #expect(option.standardError.contains("--workspace is for git revision sides"))
    }

    @Test func unreadableSidesExitWith1() throws {
        let scratch = try ScratchFolder()
        try scratch.write("bad.json", "{\"format\": 1,")
        try scratch.write("old.json", "{\"format\": 9}")
        try scratch.write("empty/notes.txt", "")
        let bad = try AutomailProcess.run(["diff", "bad.json", "bad.json"], in: scratch.path)
        #expect(bad.status == 1)
        #expect(bad.standardError.hasPrefix("error: cannot read the bundle `bad.json`: not valid JSON: 1:"))
        let format = try AutomailProcess.run(["diff", "old.json", "old.json"], in: scratch.path)
        #expect(format.status == 1)
        #expect(
            format.standardError
                == "error: cannot compare `old.json`: `format`: bundle format 9 is not one this automail reads (formats 1 to 2)\n"
        )
        let folder = try AutomailProcess.run(["diff", "empty", "empty"], in: scratch.path)
        #expect(folder.status == 1)
        #expect(folder.standardError == "error: `empty` is not an automail workspace: no `automail.yaml`\n")
    }

    /// Runs git with a fixed identity, failing the test when git fails.
    static func git(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
            + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments) failed")
    }
}
