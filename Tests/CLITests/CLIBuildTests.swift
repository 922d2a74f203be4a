import Foundation
import Testing

/// `automail build` on the bundled examples, as the README tells a new user to run it.
@Suite struct CLIBuildTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func golden(_ name: String) throws -> String {
        String(
            decoding: try Data(
                contentsOf: URL(
                    fileURLWithPath: repository + "/Tests/AutoMailTests/Fixtures/golden/\(name).bundle.json")),
            as: UTF8.self)
    }

    @Test(arguments: ["lyon-municipales", "riverside-tenants"])
    func buildToStandardOutputPrintsTheGoldenBundle(_ name: String) throws {
        let outcome = try AutomailProcess.run(
            ["build", "workspace-examples/\(name)", "--revision", "golden"], in: Self.repository)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == (try Self.golden(name)))
        // One summary line on stderr, for people; none with --quiet.
        let summary = outcome.standardError
        #expect(summary.hasPrefix("built workspace-examples/\(name): "), "\(summary)")
        #expect(summary.hasSuffix(" s)\n") && summary.filter { $0 == "\n" }.count == 1, "\(summary)")
        #expect(summary.contains("to standard output, sha256:"), "\(summary)")
        #expect(!summary.contains("\u{1B}"), "no progress line nor colour when stderr is not a terminal")
        let quiet = try AutomailProcess.run(
            ["build", "workspace-examples/\(name)", "--revision", "golden", "--quiet"], in: Self.repository)
        #expect(quiet.status == 0 && quiet.standardError == "")
        #expect(quiet.standardOutput == (try Self.golden(name)))
    }

    @Test func aCachedBuildWritesTheSameBundleAndSaysWhatItReused() throws {
        let scratch = try ScratchFolder()
        let workspace = Self.repository + "/workspace-examples/lyon-municipales"
        func build(_ output: String, cache: String) throws -> AutomailProcess.Outcome {
            try AutomailProcess.run(
                ["build", workspace, "--revision", "golden", "-o", output, "--cache", cache], in: scratch.path)
        }
        let cold = try build("cold.json", cache: ".automail/cache")
        #expect(cold.status == 0 && cold.standardError.contains("; 0 of 8 from the cache;"), "\(cold.standardError)")
        // One pack a build, not one file a template; nothing else is left in the folder.
        let entries = try scratch.contents(".automail/cache")
        #expect(entries.count == 1 && entries.allSatisfy { $0.hasPrefix("pack-") }, "\(entries)")
        let warm = try build("warm.json", cache: ".automail/cache")
        #expect(warm.status == 0 && warm.standardError.contains("; 8 of 8 from the cache;"), "\(warm.standardError)")
        #expect(try scratch.contents(".automail/cache") == entries, "a build that rendered nothing writes no pack")
        let golden = try Self.golden("lyon-municipales")
        #expect(scratch.read("cold.json") == golden && scratch.read("warm.json") == golden)
        // A pack cut short (its index gone) is not read: every template is rendered again, into a new pack.
        let pack = scratch.path + "/.automail/cache/" + (try #require(entries.first))
        let bytes = try #require(FileManager.default.contents(atPath: pack))
        try Data(bytes.dropLast(100)).write(to: URL(fileURLWithPath: pack))
        let cut = try build("cut.json", cache: ".automail/cache")
        #expect(cut.standardError.contains("; 0 of 8 from the cache;"), "\(cut.standardError)")
        #expect(scratch.read("cut.json") == golden)
        let again = try build("again.json", cache: ".automail/cache")
        #expect(again.standardError.contains("; 8 of 8 from the cache;"), "\(again.standardError)")
        // A pack replaced by a link is never followed: the templates are rendered again, the link left alone.
        for name in try scratch.contents(".automail/cache") {
            try FileManager.default.removeItem(atPath: scratch.path + "/.automail/cache/" + name)
        }
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path + "/.automail/cache/" + "pack-0", withDestinationPath: scratch.path + "/cold.json")
        let linked = try build("linked.json", cache: ".automail/cache")
        #expect(linked.standardError.contains("; 0 of 8 from the cache;"), "\(linked.standardError)")
        #expect(scratch.read("linked.json") == golden && scratch.read("cold.json") == golden)
        // A pack a killed build was writing is removed once its process is gone and nothing wrote to it for
        // an hour; one whose process lives (this test's), or written a minute ago, is kept.
        let cache = scratch.path + "/.automail/cache/"
        let pid = ProcessInfo.processInfo.processIdentifier
        let abandoned = ".pack-999999999-1.tmp", recent = ".pack-999999999-2.tmp", live = ".pack-\(pid)-3.tmp"
        for (name, age) in [(abandoned, 7_200.0), (recent, 60.0), (live, 7_200.0)] {
            try scratch.write(".automail/cache/" + name, "half a pack")
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: cache + name)
        }
        _ = try build("swept.json", cache: ".automail/cache")
        let left = try scratch.contents(".automail/cache")
        #expect(!left.contains(abandoned) && left.contains(recent) && left.contains(live), "\(left)")
        #expect(scratch.read("swept.json") == golden)
        // A cache that cannot be a folder: said, and the build goes on without it.
        try scratch.write("not-a-folder", "")
        let refused = try build("refused.json", cache: "not-a-folder")
        #expect(refused.status == 0 && scratch.read("refused.json") == golden)
        #expect(
            refused.standardError.hasPrefix("warning: cannot use `not-a-folder` as a cache folder"),
            "\(refused.standardError)")
    }

    @Test func aCacheOfManyPacksIsCompactedIntoTheEntriesOneBuildUsed() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.copyItem(
            atPath: Self.repository + "/workspace-examples/lyon-municipales", toPath: scratch.path + "/ws")
        func build(_ output: String) throws -> AutomailProcess.Outcome {
            try AutomailProcess.run(
                ["build", "ws", "--revision", "golden", "-o", output, "--cache", "cache"], in: scratch.path)
        }
        _ = try build("cold.json")
        let template = try #require(try scratch.contents("ws/templates").first)
        let original = try #require(scratch.read("ws/templates/" + template))
        // Each edit renders one template again, into one more pack, until there are as many packs as the
        // threshold: that build writes every entry it used into its pack and removes the others.
        var packs: [Int] = []
        for edit in 1...8 {
            try scratch.write(
                "ws/templates/" + template,
                original.replacingOccurrences(of: "body: |\n", with: "body: |\n      Edit \(edit).\n\n"))
            let rebuilt = try build("edit.json")
            #expect(rebuilt.standardError.contains("; 7 of 8 from the cache;"), "\(edit): \(rebuilt.standardError)")
            packs.append(try scratch.contents("cache").count)
        }
        #expect(packs == [2, 3, 4, 5, 6, 7, 8, 1])
        let plain = try AutomailProcess.run(
            ["build", "ws", "--revision", "golden", "-o", "plain.json"], in: scratch.path)
        #expect(plain.status == 0 && scratch.read("edit.json") == scratch.read("plain.json"))
        let warm = try build("warm.json")
        #expect(warm.standardError.contains("; 8 of 8 from the cache;"), "\(warm.standardError)")
        #expect(scratch.read("warm.json") == scratch.read("plain.json"))
    }

    @Test func summaryLineCountsWhatTheBundleHolds() throws {
        let outcome = try AutomailProcess.run(
            ["build", "workspace-examples/riverside-tenants", "--revision", "golden", "-o", "/dev/null"],
            in: Self.repository)
        let golden = try Self.golden("riverside-tenants")
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(golden.utf8)) as? [String: Any])
        let templates = try #require(bundle["templates"] as? [String: Any])
        let locales = try #require((bundle["locales"] as? [String: Any])?["all"] as? [String])
        let digest = try #require(bundle["digest"] as? String)
        let size = Double(golden.utf8.count) / 1000
        let expected =
            "built workspace-examples/riverside-tenants: \(templates.count) templates in \(locales.count) locale"
            + (locales.count == 1 ? ", " : "s, ")
        #expect(outcome.standardError.hasPrefix(expected), "\(outcome.standardError)")
        #expect(
            outcome.standardError.contains(String(format: "; %.1f kB to /dev/null, ", size)), "\(outcome.standardError)"
        )
        #expect(outcome.standardError.contains(String(digest.prefix(19)) + " ("), "\(outcome.standardError)")
    }

    @Test func buildToAFileWritesTheSameBytesAndNothingElse() throws {
        let scratch = try ScratchFolder()
        try scratch.write("out/.keep", "")
        let outcome = try AutomailProcess.run(
            [
                "build", Self.repository + "/workspace-examples/riverside-tenants", "--revision", "golden", "--output",
                "out/bundle.json",
            ], in: scratch.path)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "")
        #expect(scratch.read("out/bundle.json") == (try Self.golden("riverside-tenants")))
        #expect(try scratch.contents("out") == [".keep", "bundle.json"])
    }

    @Test func sameBundleWhateverTheLocaleTimeZoneAndWorkingDirectory() throws {
        let scratch = try ScratchFolder()
        let workspace = Self.repository + "/workspace-examples/lyon-municipales"
        let plain = try AutomailProcess.run(["build", workspace, "--revision", "golden"])
        let other = try AutomailProcess.run(
            ["build", workspace, "--revision", "golden"], in: scratch.path,
            environment: ["LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8", "TZ": "Asia/Tokyo"])
        #expect(plain.status == 0)
        #expect(plain.standardOutput == other.standardOutput)
        #expect(plain.standardOutput == (try Self.golden("lyon-municipales")))
    }

    @Test func strictTurnsWarningsIntoFailure() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", CLITests.manifest)
        try scratch.write(
            "templates/unused.yaml",
            """
            id: unused
            locales:
              en:
                subject: Hello
                body: Hello there.

            """)
        let lenient = try AutomailProcess.run(["check", "--color", "never"], in: scratch.path)
        #expect(lenient.status == 0)
        #expect(
            lenient.standardError == """
                warning[AM703]: template `unused` is not used by any trigger
                 --> templates/unused.yaml:1:5
                  |
                1 | id: unused
                  |     ^~~~~~
                  = help: bind it in a file of `triggers/`, or delete it

                warning: 1 warning, no errors

                """)
        let strict = try AutomailProcess.run(["check", "--strict", "--color", "never"], in: scratch.path)
        #expect(strict.status == 1)
        let build = try AutomailProcess.run(["build", "--strict", "--output", "b.json"], in: scratch.path)
        #expect(build.status == 1)
        #expect(scratch.read("b.json") == nil)
    }

    @Test func noColorWinsOverColorAuto() throws {
        let scratch = try ScratchFolder()
        try scratch.write("automail.yaml", CLITests.manifest + "bogus: 1\n")
        let outcome = try AutomailProcess.run(["check"], in: scratch.path, environment: ["NO_COLOR": "1"])
        #expect(outcome.status == 1)
        #expect(!outcome.standardError.contains("\u{1B}["))
        #expect(outcome.standardError.hasPrefix("error[AM201]: unknown key `bogus`"))
    }
}
