import Foundation
import Testing

/// The same bytes give the same bundle and the same diagnostics whatever the locale, the time zone, the
/// working directory or the order the files were created in.
@Suite struct DeterminismTests {
    static let repository = HostileWorkspace.repository

    static let environments: [[String: String]] = [
        ["LANG": "C", "LC_ALL": "C", "TZ": "UTC"],
        ["LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8", "TZ": "Europe/Istanbul"],
        ["LANG": "ja_JP.UTF-8", "LC_ALL": "ja_JP.UTF-8", "TZ": "Asia/Tokyo"],
        ["LANG": "fr_FR.UTF-8", "LC_ALL": "", "TZ": "Pacific/Kiritimati"],
        // No tz database at all, and "today" in 2030 (the Lyon elections past: warnings, same bytes).
        ["LANG": "C", "TZ": "America/New_York", "TZDIR": "/nonexistent", "SOURCE_DATE_EPOCH": "1900000000"],
    ]

    /// Copies `source` to `destination`, creating the files in reverse path order (so that the file
    /// system lists them in another order than the original).
    static func copyInReverseOrder(_ source: String, to destination: String) throws {
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: source)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasPrefix(".") }.sorted().reversed()
        for relative in files {
            var isDirectory: ObjCBool = false
            if !manager.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory) || isDirectory.boolValue
            {
                continue
            }
            let target = URL(fileURLWithPath: destination + "/" + relative)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(atPath: source + "/" + relative, toPath: target.path)
        }
    }

    @Test(arguments: ["lyon-municipales", "riverside-tenants"])
    func bundlesAreIdenticalInEveryEnvironment(_ name: String) throws {
        let scratch = try ScratchFolder()
        let reversed = scratch.path + "/" + name
        try Self.copyInReverseOrder(Self.repository + "/workspace-examples/" + name, to: reversed)
        let reference = try BoundedProcess.run(
            ["build", "workspace-examples/" + name, "--revision", "r"], in: Self.repository)
        #expect(reference.status == 0)
        for environment in Self.environments {
            for (workspace, directory) in [(reversed, "/"), (name, scratch.path)] {
                let outcome = try BoundedProcess.run(
                    ["build", workspace, "--revision", "r"], in: directory, environment: environment)
                #expect(outcome.status == 0, "\(environment)")
                #expect(outcome.standardOutput == reference.standardOutput, "\(environment) \(workspace)")
            }
        }
    }

    @Test func diagnosticsAreIdenticalInEveryEnvironment() throws {
        let ws = try HostileWorkspace()
        try ws.replace("automail.yaml", "name: Base team", "name: \"Base\\r\\nteam \u{202E}x\"")
        try ws.replace("templates/callback.yaml", "We will call you back", "Wİll call {{ contact.fırstname }}")
        try ws.replace("automail.yaml", "reply_to: contact@lyonvote.fr", "reply_to: contact@lyonv0te.fr")
        let reversed = ws.scratch + "/reversed"
        try Self.copyInReverseOrder(ws.root, to: reversed)
        let reference = try BoundedProcess.run(["check", "ws", "--color", "never"], in: ws.scratch)
        #expect(reference.status == 1)
        #expect(reference.codes.count >= 4, "\(reference.standardError)")
        for environment in Self.environments {
            let outcome = try BoundedProcess.run(
                ["check", "reversed", "--color", "never"], in: ws.scratch, environment: environment)
            #expect(outcome.status == 1)
            #expect(
                outcome.standardError.replacingOccurrences(of: "reversed/", with: "ws/") == reference.standardError,
                "\(environment)")
        }
    }
}

/// A warning about a date says it as its author wrote it, in the workspace's zone, whatever the machine's.
@Suite struct WallClockWordingTests {
    @Test("AM904 names the `until` date and zone the author wrote, not the UTC instant it lowers to")
    func lifetimeEndedSaysTheWrittenDate() throws {
        let lyon = DeterminismTests.repository + "/workspace-examples/lyon-municipales"
        for zone in ["UTC", "Pacific/Kiritimati"] {
            let outcome = try AutomailProcess.run(
                ["check", lyon], environment: ["SOURCE_DATE_EPOCH": "1900000000", "TZ": zone])
            let stderr = outcome.standardError + outcome.standardOutput
            // `active: { until: 2026-03-19 }` in triggers/porte-a-porte.yaml, Europe/Paris: the end of that
            // day is 2026-03-19T23:00:00Z, which would read as the wrong day to the author.
            #expect(stderr.contains("stopped firing at the end of 2026-03-19 (Europe/Paris)"), "\(stderr)")
            #expect(!stderr.contains("2026-03-19T23:00"), "\(stderr)")
        }
    }
}
