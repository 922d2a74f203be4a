import Foundation
import Testing

/// `automail simulate` through the built binary: the example events of lyon-municipales against its
/// golden bundle, compared with committed outputs (`Fixtures/simulate/`, re-recorded with
/// RECORD_SNAPSHOTS=1); decisions validated against schemas/decision.schema.json with python3; every
/// refusal and exit status.
@Suite struct SimulateTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let golden = "Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"
    static let workspace = "workspace-examples/lyon-municipales"
    static let expected = repository.appendingPathComponent("Tests/CLITests/Fixtures/simulate")
    static let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"

    /// The example events, by file stem.
    static let events: [String] = {
        let folder = repository.appendingPathComponent(workspace + "/events")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func event(_ stem: String) -> String { "\(workspace)/events/\(stem).json" }

    static func run(_ arguments: [String]) throws -> AutomailProcess.Outcome {
        try AutomailProcess.run(["simulate"] + arguments, in: repository.path)
    }

    /// Compares `actual` with the committed file `name`, or writes it when recording.
    static func compare(_ actual: String, with name: String) throws {
        let url = expected.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == committed, "`\(name)` differs from the committed output; RECORD_SNAPSHOTS=1 re-records")
    }

    /// `--workspace` checks the workspace as of the event's time: simulating an encounter on the eve of a
    /// vote, after the vote, does not warn that the vote is in the past, while `check` on that day does.
    @Test func aSimulatedWorkspaceIsCheckedAsOfTheEvent() throws {
        let later = ["SOURCE_DATE_EPOCH": "1900000000"]  // 2030
        let checked = try AutomailProcess.run(["check", Self.workspace], in: Self.repository.path, environment: later)
        #expect(checked.standardError.contains("warning[AM905]"), "\(checked.standardError)")
        let simulated = try AutomailProcess.run(
            ["simulate", "--workspace", Self.workspace, "--event", Self.workspace + "/events/silence-electorale.json"],
            in: Self.repository.path, environment: later)
        #expect(simulated.status == 0)
        #expect(
            !simulated.standardError.contains("AM905") && !simulated.standardError.contains("AM904"),
            "\(simulated.standardError)")
        #expect(simulated.standardOutput.contains("electoral silence"))
    }

    @Test func thereAreExampleEvents() {
        #expect(Self.events.count >= 4)
    }

    @Test(arguments: events)
    func humanJSONAndRenderedOutputsMatchTheCommittedOnes(_ stem: String) throws {
        let modes: [(arguments: [String], file: String)] = [
            ([], "\(stem).txt"), (["--format", "json"], "\(stem).json"), (["--render"], "\(stem).render.txt"),
        ]
        for (arguments, file) in modes {
            let outcome = try Self.run(["--bundle", Self.golden, "--event", Self.event(stem)] + arguments)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardError == "")
            try Self.compare(outcome.standardOutput, with: file)
        }
    }

    @Test(arguments: events)
    func aWorkspaceCompiledInMemoryDecidesTheSame(_ stem: String) throws {
        let fromBundle = try Self.run(["--bundle", Self.golden, "--event", Self.event(stem), "--format", "json"])
        let fromWorkspace = try Self.run([
            "--workspace", Self.workspace, "--event", Self.event(stem), "--format", "json",
        ])
        #expect(fromWorkspace.status == 0, "\(fromWorkspace.standardError)")
        // Only the digest differs: the golden bundle records a revision, the in-memory build none.
        func withoutDigest(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.contains("\"digest\": \"sha256:") }.joined(separator: "\n")
        }
        #expect(withoutDigest(fromBundle.standardOutput) == withoutDigest(fromWorkspace.standardOutput))
    }

    @Test func eventsAndDecisionsValidateAgainstTheirSchemas() throws {
        let scratch = try ScratchFolder()
        let events = Self.events.map(Self.event)
        var decisions: [String] = []
        for stem in Self.events {
            let outcome = try Self.run(["--bundle", Self.golden, "--event", Self.event(stem), "--format", "json"])
            try scratch.write(stem + ".json", outcome.standardOutput)
            decisions.append(scratch.path + "/" + stem + ".json")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", "scripts/schemas/validate_events.py", "--event"] + events + ["--decision"] + decisions
        process.currentDirectoryURL = Self.repository
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.hasSuffix("\(events.count * 2) passed, 0 failed\n"), "\(output)")
    }

    @Test func htmlAndEMLShowTheWholeMessage() throws {
        let scratch = try ScratchFolder()
        let eml = scratch.path + "/sent.eml"
        let outcome = try Self.run([
            "--bundle", Self.golden, "--event", Self.event("porte-a-porte-soutien"), "--html", "--eml", eml,
        ])
        #expect(outcome.status == 0)
        #expect(
            outcome.standardOutput.contains(
                "--- message ---\nFrom: Camille Roux, Lyon en commun <camille.roux@lyon-en-commun.fr>\n"))
        #expect(outcome.standardOutput.contains("--- html ---\n<!DOCTYPE html>"))
        let written = try #require(scratch.read("sent.eml"))
        // The Date is the send time: the event's 17:30 UTC plus the 2-hour delay.
        #expect(written.hasPrefix("Date: Mon, 02 Mar 2026 19:30:00 +0000\r\n"))
        #expect(written.contains("List-Unsubscribe: <https://lyon-en-commun.fr/desinscription?c=4821&sig=9f2e>\r\n"))
    }

    @Test func noEMLIsWrittenWhenNothingIsSent() throws {
        let scratch = try ScratchFolder()
        let outcome = try Self.run([
            "--bundle", Self.golden, "--event", Self.event("sans-adresse"), "--eml", scratch.path + "/none.eml",
        ])
        #expect(outcome.status == 0)
        #expect(outcome.standardError == "note: no email is sent: `\(scratch.path)/none.eml` is not written\n")
        #expect(scratch.read("none.eml") == nil)
    }

    @Test func aTamperedBundleIsRefused() throws {
        let scratch = try ScratchFolder()
        let original = try String(contentsOf: Self.repository.appendingPathComponent(Self.golden), encoding: .utf8)
        let tampered = original.replacing("\"priority\": 430", with: "\"priority\": 999")
        #expect(tampered != original)
        try scratch.write("tampered.json", tampered)
        let outcome = try Self.run([
            "--bundle", scratch.path + "/tampered.json", "--event", Self.event("porte-a-porte-soutien"),
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput == "")
        #expect(
            outcome.standardError.hasPrefix(
                "error: \(scratch.path)/tampered.json: the bundle's digest does not match its content (declared sha256:"
            ))
        #expect(outcome.standardError.hasSuffix("it was changed after it was built\n"))
    }

    @Test func anUnknownMajorFormatIsRefused() throws {
        let scratch = try ScratchFolder()
        try scratch.write("v3.json", #"{"format": 3, "digest": "sha256:x"}"#)
        let outcome = try Self.run(["--bundle", scratch.path + "/v3.json", "--event", Self.event("sans-adresse")])
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError.hasPrefix(
                "error: \(scratch.path)/v3.json: the bundle has format 3; this reader understands format 2 only"))
    }

    @Test func badFilesAreNamedWithTheirPosition() throws {
        let scratch = try ScratchFolder()
        try scratch.write("syntax.json", "{\n  \"time\": \"2026-03-02T12:00:00Z\",\n  \"encounter\": {},\n}\n")
        try scratch.write(
            "member.json",
            #"{"time": "2026-03-02T12:00:00Z", "encounter": {"tasks": ["Rappeler"]}, "contact": {"unsubscribe_url": "u"}}"#
        )
        try scratch.write("bundle.json", "{\"format\": 1,\n\"x\": 1e3}")
        let syntax = try Self.run(["--bundle", Self.golden, "--event", scratch.path + "/syntax.json"])
        #expect(syntax.status == 1)
        #expect(syntax.standardError == "error: \(scratch.path)/syntax.json:4:1: expected a string key\n")
        let member = try Self.run(["--bundle", Self.golden, "--event", scratch.path + "/member.json"])
        #expect(member.status == 1)
        #expect(
            member.standardError
                == "error: \(scratch.path)/member.json: at /encounter/tasks/0: `Rappeler` is not an id (lowercase letters, digits, `_` and `-`, at most 64, `^[a-z0-9][a-z0-9_-]{0,63}$`)\n"
        )
        let bundle = try Self.run(["--bundle", scratch.path + "/bundle.json", "--event", Self.event("sans-adresse")])
        #expect(bundle.status == 1)
        #expect(
            bundle.standardError
                == "error: \(scratch.path)/bundle.json:2:6: only integers are allowed here, not fractions or exponents\n"
        )
    }

    @Test func usageErrorsExitWith2() throws {
        let event = Self.event("sans-adresse")
        let neither = try Self.run(["--event", event])
        #expect(neither.status == 2)
        #expect(neither.standardError.contains("give exactly one of --bundle FILE and --workspace DIR"))
        let both = try Self.run(["--bundle", Self.golden, "--workspace", Self.workspace, "--event", event])
        #expect(both.status == 2)
        let noEvent = try Self.run(["--bundle", Self.golden])
        #expect(noEvent.status == 2)
        let missing = try Self.run(["--bundle", Self.golden, "--event", "no/such/event.json"])
        #expect(missing.status == 2)
        #expect(missing.standardError.hasPrefix("error: cannot read `no/such/event.json`: "))
        let format = try Self.run(["--bundle", Self.golden, "--event", event, "--format", "yaml"])
        #expect(format.status == 2)
    }

    @Test func keyRequiresABundleSignedByIt() throws {
        let scratch = try ScratchFolder()
        let event = Self.event("porte-a-porte-soutien")
        for name in ["signer", "other"] {
            let keygen = try AutomailProcess.run(["keygen", "--out", scratch.path + "/" + name])
            #expect(keygen.status == 0, "\(keygen.standardError)")
        }
        let build = try AutomailProcess.run(
            [
                "build", Self.workspace, "--revision", "r", "--sign", scratch.path + "/signer.key", "--output",
                scratch.path + "/signed.json",
            ],
            in: Self.repository.path)
        #expect(build.status == 0, "\(build.standardError)")
        let signed = try Self.run([
            "--bundle", scratch.path + "/signed.json", "--key", scratch.path + "/signer.pub", "--event", event,
        ])
        #expect(signed.status == 0, "\(signed.standardError)")
        #expect(signed.standardOutput.contains("sent: pap-vote-certain"))
        let wrongKey = try Self.run([
            "--bundle", scratch.path + "/signed.json", "--key", scratch.path + "/other.pub", "--event", event,
        ])
        #expect(wrongKey.status == 1)
        #expect(
            wrongKey.standardError.hasPrefix(
                "error: \(scratch.path)/signed.json: wrong key: the bundle is signed by key_id "))
        let unsigned = try Self.run(["--bundle", Self.golden, "--key", scratch.path + "/signer.pub", "--event", event])
        #expect(unsigned.status == 1)
        #expect(unsigned.standardError == "error: \(Self.golden): the bundle is not signed\n")
        let notAKey = try Self.run(["--bundle", Self.golden, "--key", Self.golden, "--event", event])
        #expect(notAKey.status == 2)
        let withWorkspace = try Self.run([
            "--workspace", Self.workspace, "--key", scratch.path + "/signer.pub", "--event", event,
        ])
        #expect(withWorkspace.status == 2)
    }

    @Test func aWorkspaceWithErrorsExitsWith1() throws {
        let scratch = try ScratchFolder()
        try scratch.write("ws/automail.yaml", "id: Not An Id\n")
        let outcome = try Self.run(["--workspace", scratch.path + "/ws", "--event", Self.event("sans-adresse")])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput == "")
        #expect(outcome.standardError.contains("error["))
    }

    // MARK: - Nothing from a contact adds a header (docs/bundle-format.md, "What a header may hold")

    /// The `porte-a-porte-soutien` example event with `change` applied to its contact, written to `scratch`.
    static func event(
        in scratch: ScratchFolder, named name: String = "event.json", _ change: (inout [String: Any]) -> Void
    )
        throws -> String
    {
        let data = try Data(contentsOf: repository.appendingPathComponent(event("porte-a-porte-soutien")))
        var event = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var contact = try #require(event["contact"] as? [String: Any])
        change(&contact)
        event["contact"] = contact
        event.removeValue(forKey: "$schema")
        let bytes = try JSONSerialization.data(withJSONObject: event)
        try scratch.write(name, String(decoding: bytes, as: UTF8.self))
        return scratch.path + "/" + name
    }

    /// A contact value that would add a header, and the refusal code.
    struct HeaderAttack: Sendable, CustomTestStringConvertible {
        var name: String
        var code: String
        var key: String
        var value: String
        var testDescription: String { name }
    }

    static let headerAttacks: [HeaderAttack] = [
        HeaderAttack(
            name: "CR LF and Bcc in the address", code: "invalid_address", key: "email",
            value: "camille@example.org\r\nBcc: evil@example.com"),
        HeaderAttack(
            name: "a bare LF in the address", code: "invalid_address", key: "email",
            value: "camille@example.org\nBcc: evil@example.com"),
        HeaderAttack(
            name: "a line break in the unsubscribe link", code: "invalid_unsubscribe_url", key: "unsubscribe_url",
            value: "https://lyon-en-commun.fr/u?c=1\r\nX-Injected: 1"),
        HeaderAttack(
            name: "a > in the unsubscribe link", code: "invalid_unsubscribe_url", key: "unsubscribe_url",
            value: "https://lyon-en-commun.fr/u?c=1>, <https://evil.example/"),
        HeaderAttack(
            name: "a line break in the first name", code: "unsafe_header", key: "firstname",
            value: "Camille\nBcc: evil@example.com"),
    ]

    @Test(arguments: headerAttacks)
    func aContactValueCannotAddAHeader(_ attack: HeaderAttack) throws {
        let scratch = try ScratchFolder()
        let file = try Self.event(in: scratch) { contact in
            if attack.key == "firstname" {
                var fields = contact["fields"] as? [String: Any] ?? [:]
                fields["firstname"] = attack.value
                contact["fields"] = fields
            } else {
                contact[attack.key] = attack.value
            }
        }
        let eml = scratch.path + "/sent.eml"
        let outcome = try Self.run(["--bundle", Self.golden, "--event", file, "--eml", eml, "--render"])
        #expect(outcome.status == 1, "\(outcome.standardOutput)")
        #expect(outcome.standardError.contains(attack.code), "\(outcome.standardError)")
        #expect(!outcome.standardError.dropLast().contains("\n"), "the refusal is one line: \(outcome.standardError)")
        #expect(scratch.read("sent.eml") == nil)
        #expect(!outcome.standardOutput.contains("Bcc:") && !outcome.standardOutput.contains("X-Injected"))
    }

    @Test func previewRefusesAContactThatWouldAddAHeader() throws {
        let scratch = try ScratchFolder()
        try scratch.write(
            "contact.yaml", "firstname: Camille\nemail: \"camille@example.org\\r\\nBcc: evil@example.com\"\n")
        let outcome = try AutomailProcess.run(
            [
                "preview", "merci-soutien", Self.workspace, "--contact", scratch.path + "/contact.yaml", "--format",
                "eml", "--date", "0",
            ],
            in: Self.repository.path)
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("invalid_address"), "\(outcome.standardError)")
        #expect(!outcome.standardOutput.contains("Bcc:"))
    }

    @Test func humanOutputShowsControlCharactersAsPictures() throws {
        let scratch = try ScratchFolder()
        // Nothing is sent (no consent), so the address is shown, not refused.
        let file = try Self.event(in: scratch) { contact in
            contact["email"] = "camille@example.org\n::error title=pwned::owned\u{1B}[31m\u{07}"
            contact["locale"] = "fr\u{1B}]0;title\u{07}"
            contact["consent"] = [String: Any]()
        }
        let outcome = try Self.run(["--bundle", Self.golden, "--event", file, "--render"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(!outcome.standardOutput.contains("\n::error"))
        #expect(!outcome.standardOutput.contains("\u{1B}") && !outcome.standardOutput.contains("\u{07}"))
        #expect(outcome.standardOutput.contains("camille@example.org\u{240A}::error"), "\(outcome.standardOutput)")
    }

    @Test func aRenderedBodyShowsItsControlCharactersAsPictures() throws {
        let scratch = try ScratchFolder()
        let file = try Self.event(in: scratch) { contact in
            var fields = contact["fields"] as? [String: Any] ?? [:]
            fields["quartier"] = "Croix\u{1B}]0;pwned\u{07}-Rousse"
            contact["fields"] = fields
        }
        let outcome = try Self.run(["--bundle", Self.golden, "--event", file, "--html"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(!outcome.standardOutput.contains("\u{1B}") && !outcome.standardOutput.contains("\u{07}"))
    }

    @Test func aContactValueShapedLikeAnEncodedWordShowsAsWritten() throws {
        let scratch = try ScratchFolder()
        let word = "=?UTF-8?B?c2VjdXJpdHlAcGF5cGFsLmNvbQ==?="
        let file = try Self.event(in: scratch) { contact in
            var fields = contact["fields"] as? [String: Any] ?? [:]
            fields["firstname"] = word
            contact["fields"] = fields
        }
        let outcome = try Self.run(["--bundle", Self.golden, "--event", file, "--eml", scratch.path + "/sent.eml"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let eml = try #require(scratch.read("sent.eml"))
        let headers = eml.components(separatedBy: "\r\n\r\n")[0]
        // Encoded itself, so a client decodes it back to the text the contact gave, never to an address.
        #expect(!headers.contains(word), "\(headers)")
    }

    @Test func eachSendHasItsOwnMessageID() throws {
        let scratch = try ScratchFolder()
        let file = try Self.event(in: scratch) { _ in }
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let later = String(decoding: data, as: UTF8.self).replacingOccurrences(
            of: "2026-03-02T18:30:00+01:00", with: "2026-03-09T18:30:00+01:00")
        try scratch.write("later.json", later)
        func messageID(_ event: String, _ eml: String) throws -> String {
            let outcome = try Self.run(["--bundle", Self.golden, "--event", event, "--eml", scratch.path + "/" + eml])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let text = try #require(scratch.read(eml))
            return try #require(text.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }.map(String.init))
        }
        let first = try messageID(file, "first.eml")
        let again = try messageID(file, "again.eml")
        let weekLater = try messageID(scratch.path + "/later.json", "later.eml")
        #expect(first == again, "the same send, the same Message-ID")
        #expect(first != weekLater, "another send a week later, another Message-ID")
    }
}
