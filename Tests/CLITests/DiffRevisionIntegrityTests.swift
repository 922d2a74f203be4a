import Foundation
import Testing

/// `automail diff REV REV` reads each revision as git stores it: what the revision's own content says
/// (`.gitattributes` with `export-ignore` or `export-subst`) cannot hide a change from the diff while
/// `build` of the same checkout sends it; symbolic links are refused as the loader refuses them.
@Suite struct DiffRevisionIntegrityTests {
    static let fixtures = DiffCLITests.fixtures

    /// A repository whose first commit holds `lyon-before` in `campaign/`; the scratch folder and the
    /// repository path.
    static func repository() throws -> (ScratchFolder, String) {
        let scratch = try ScratchFolder()
        let repository = scratch.path + "/repo"
        try FileManager.default.createDirectory(atPath: scratch.path + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try DiffCLITests.git(["init", "--quiet"], in: repository)
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("lyon-before").path, toPath: repository + "/campaign")
        try DiffCLITests.git(["add", "."], in: repository)
        try DiffCLITests.git(["commit", "--quiet", "-m", "before"], in: repository)
        return (scratch, repository)
    }

    static let newTrigger = """
        triggers:
          - id: pap-sujet-logement
            when:
              answer: porte-a-porte/sujets/logement
            template: programme-logement
            priority: 320
            delay: 1d
            once_per_contact: 30d

        """

    /// The pull request adds a trigger and its template, and a `.gitattributes` that marks them
    /// `export-ignore` (and the manifest `export-subst`): the diff shows the new email, as `build` of
    /// the checkout sends it.
    @Test func exportIgnoreCannotHideANewTriggerAndTemplate() throws {
        let (scratch, repository) = try Self.repository()
        try FileManager.default.copyItem(
            atPath: Self.fixtures.appendingPathComponent("lyon-after/templates/programme-logement.yaml").path,
            toPath: repository + "/campaign/templates/programme-logement.yaml")
        try Data(Self.newTrigger.utf8).write(to: URL(fileURLWithPath: repository + "/campaign/triggers/logement.yaml"))
        // `export-subst` would rewrite the placeholder in the subject with git archive.
        let appeal = repository + "/campaign/templates/appel-don.yaml"
        try Data(
            try String(contentsOfFile: appeal, encoding: .utf8).replacingOccurrences(
                of: "subject: 'A campaign funded by the people of Lyon'",
                with: "subject: 'A campaign funded by the people of Lyon $Format:%h$'"
            ).utf8
        ).write(to: URL(fileURLWithPath: appeal))
        try Data(
            """
            triggers/logement.yaml export-ignore
            templates/programme-logement.yaml export-ignore
            templates/appel-don.yaml export-subst
            automail.yaml export-subst

            """.utf8
        ).write(to: URL(fileURLWithPath: repository + "/campaign/.gitattributes"))
        try DiffCLITests.git(["add", "--all", "."], in: repository)
        try DiffCLITests.git(["commit", "--quiet", "-m", "pull request"], in: repository)

        let environment = ["TMPDIR": scratch.path + "/tmp"]
        let diff = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "campaign", "--format", "json"], in: repository,
            environment: environment)
        #expect(diff.status == 0, "\(diff.standardError)")
        #expect(!diff.standardOutput.contains("No change"))
        #expect(diff.standardOutput.contains("pap-sujet-logement"), "\(diff.standardOutput.prefix(1500))")
        #expect(diff.standardOutput.contains("programme-logement"))
        #expect(diff.standardOutput.contains("A campaign funded by the people of Lyon $Format:%h$"))

        // The revision reads as the checkout builds: the same trigger in both.
        let human = try AutomailProcess.run(
            ["diff", "HEAD", "campaign", "--color", "never"], in: repository, environment: environment)
        #expect(human.status == 0, "\(human.standardError)")
        #expect(human.standardOutput.hasSuffix("No change in what is sent\n"), "\(human.standardOutput.prefix(1500))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/tmp") == [])
    }

    /// A committed link that leaves the workspace is refused (AM002) at a revision as in a folder; a
    /// link inside the workspace is followed.
    @Test func symbolicLinksAtARevisionAreReadAsTheLoaderReadsThem() throws {
        let (scratch, repository) = try Self.repository()
        let environment = ["TMPDIR": scratch.path + "/tmp"]
        try FileManager.default.createSymbolicLink(
            atPath: repository + "/campaign/templates/passwd.yaml", withDestinationPath: "/etc/passwd")
        try DiffCLITests.git(["add", "--all", "."], in: repository)
        try DiffCLITests.git(["commit", "--quiet", "-m", "outside link"], in: repository)
        let outside = try AutomailProcess.run(
            ["diff", "HEAD~1", "HEAD", "--workspace", "campaign", "--color", "never"], in: repository,
            environment: environment)
        #expect(outside.status == 1)
        #expect(
            outside.standardError.contains("error[AM002]: `templates/passwd.yaml` is not read"),
            "\(outside.standardError)")

        try FileManager.default.removeItem(atPath: repository + "/campaign/templates/passwd.yaml")
        try FileManager.default.moveItem(
            atPath: repository + "/campaign/templates/procuration.yaml",
            toPath: repository + "/campaign/procuration.yaml")
        try FileManager.default.createSymbolicLink(
            atPath: repository + "/campaign/templates/procuration.yaml", withDestinationPath: "../procuration.yaml")
        try DiffCLITests.git(["add", "--all", "."], in: repository)
        try DiffCLITests.git(["commit", "--quiet", "-m", "inside link"], in: repository)
        let inside = try AutomailProcess.run(
            ["diff", "HEAD~2", "HEAD", "--workspace", "campaign", "--color", "never"], in: repository,
            environment: environment)
        #expect(inside.status == 0, "\(inside.standardError)")
        #expect(inside.standardOutput.hasSuffix("No change in what is sent\n"), "\(inside.standardOutput)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/tmp") == [])
    }

    /// A crafted tree (`git mktree` takes any name) cannot make the revision's checkout write outside
    /// its temporary folder: `..` and `.git` entries are not written, and nothing is written through a
    /// link the tree itself holds.
    @Test func aCraftedTreeCannotWriteOutsideTheCheckout() throws {
        let (scratch, repository) = try Self.repository()
        let outside = scratch.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let blob = try Self.gitOutput(["hash-object", "-w", "--stdin"], input: "triggers: []\n", in: repository)
        let target = try Self.gitOutput(["hash-object", "-w", "--stdin"], input: outside, in: repository)
        let inner = try Self.gitOutput(["mktree"], input: "100644 blob \(blob)\tescaped.yaml\n", in: repository)
        let workspace = try Self.gitOutput(["rev-parse", "HEAD:campaign"], in: repository)
        var listing = try Self.gitOutput(["ls-tree", workspace], in: repository) + "\n"
        listing += "040000 tree \(inner)\t..\n040000 tree \(inner)\t.git\n"
        listing += "120000 blob \(target)\tevil\n040000 tree \(inner)\tevil\n"
        let crafted = try Self.gitOutput(["mktree"], input: listing, in: repository)
        let top = try Self.gitOutput(["mktree"], input: "040000 tree \(crafted)\tcampaign\n", in: repository)
        let commit = try Self.gitOutput(
            [
                "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit-tree", top, "-p", "HEAD", "-m",
                "crafted",
            ],
            in: repository)
        let outcome = try AutomailProcess.run(
            ["diff", "HEAD", commit, "--workspace", "campaign", "--color", "never"], in: repository,
            environment: ["TMPDIR": scratch.path + "/tmp"])
        // `evil` is both a folder and a link: no checkout can hold it, and the side is not read (exit 1).
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("cannot read the workspace `campaign` at revision"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == [], "written through the tree's link")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/tmp") == [])
        #expect(try scratch.contents() == ["outside", "repo", "tmp"])
    }

    /// Runs git in `directory` with `input` on its standard input; its output, trimmed.
    static func gitOutput(_ arguments: [String], input: String = "", in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments) failed")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
