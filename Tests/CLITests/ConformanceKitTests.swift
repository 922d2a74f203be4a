import AutomailRuntime
import BundleFormat
import Foundation
import Testing

/// The conformance kit (conformance/README.md): every committed expectation is what the reference evaluator
/// answers now; the kit covers every outcome, locale match, refusal and evaluation error; the committed
/// bundles and cases are what `scripts/conformance/generate.py` writes from the workspaces and the case
/// definitions; and the independent Python sender passes every case.
@Suite struct ConformanceKitTests {
    @Test func theKitHasCases() {
        #expect(ConformanceKit.caseNames.count >= 30)
    }

    @Test(arguments: ConformanceKit.caseNames)
    func expectationIsWhatTheReferenceAnswers(_ name: String) throws {
        let document = try ConformanceKit.readJSON(ConformanceKit.root + "/cases/" + name)
        guard case .object(let members) = document, case .string(let bundle)? = members["bundle"],
            let event = members["event"], let expected = members["expected"]
        else { throw ConformanceKit.Failure(description: "\(name) lacks `bundle`, `event` or `expected`") }
        var key: String?
        if case .string(let path)? = members["public_key"] { key = path }
        let actual = try ConformanceKit.referenceOutcome(bundle: bundle, publicKey: key, event: event)
        let difference = ConformanceKit.firstDifference(expected, actual)
        #expect(difference == nil, "\(name): \(difference ?? ""); python3 scripts/conformance/generate.py re-records")
    }

    /// Every outcome code, locale match, refusal code and evaluation error code appears in some case.
    @Test func theKitCoversEveryCode() throws {
        var seen = Set<String>()
        for name in ConformanceKit.caseNames {
            guard case .object(let members) = try ConformanceKit.readJSON(ConformanceKit.root + "/cases/" + name),
                case .object(let expected)? = members["expected"]
            else { continue }
            if case .string(let code)? = expected["refused"] { seen.insert("refused:" + code) }
            if case .string(let code)? = expected["error"] { seen.insert("error:" + code) }
            guard case .object(let decision)? = expected["decision"] else { continue }
            if case .array(let candidates)? = decision["candidates"] {
                for case .object(let candidate) in candidates {
                    if case .string(let code)? = candidate["outcome"] { seen.insert("outcome:" + code) }
                }
            }
            if case .object(let email)? = decision["email"], case .string(let match)? = email["locale_match"] {
                seen.insert("locale_match:" + match)
            }
        }
        let required =
            Outcome.codes.map { "outcome:" + $0 } + LocaleMatch.allCases.map { "locale_match:" + $0.rawValue }
            + [
                "syntax", "unsupported_format", "digest_mismatch", "malformed", "unsigned", "signature_malformed",
                "wrong_key", "bad_signature",
            ].map { "refused:" + $0 }
            + ["render", "send_time_out_of_range"].map { "error:" + $0 }
        #expect(Set(required).subtracting(seen).sorted() == [])
    }

    /// Both consent modes, a signed bundle checked with its key, and the workspaces the bundles come from.
    @Test func theKitHoldsBothConsentModes() throws {
        var modes = Set<String>()
        for name in ["purpose.bundle.json", "channel.bundle.json"] {
            guard case .object(let bundle) = try ConformanceKit.readJSON(ConformanceKit.root + "/bundles/" + name),
                case .object(let consent)? = bundle["consent"], case .string(let mode)? = consent["mode"]
            else { continue }
            modes.insert(mode)
        }
        #expect(modes == ["channel", "purpose"])
    }

    /// `generate.py --check` rebuilds the bundles with the built `automail build` (so they are what it writes
    /// from the committed workspaces), derives the others, re-runs `automail simulate` on every case and
    /// compares everything with the committed kit.
    @Test func theKitIsWhatTheGeneratorWritesNow() throws {
        let run = try ConformanceKit.python([
            "scripts/conformance/generate.py", "--automail", try AutomailProcess.executable().path, "--check",
        ])
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("the kit is up to date"), "\(run.standardOutput)")
    }

    /// The independent sender (conformance/python-sender/, python-liquid and `cryptography`, written from
    /// docs/bundle-format.md and docs/signing.md) passes every case.
    @Test func thePythonSenderPassesTheKit() throws {
        let run = try ConformanceKit.python(["conformance/python-sender/run_kit.py", "conformance/"])
        let count = ConformanceKit.caseNames.count
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(
            run.standardOutput.hasSuffix("\(count) cases: \(count) passed, 0 mismatches\n"), "\(run.standardOutput)")
    }

    /// The mutation harness (conformance/mutation/): at least 95 % of the deliberate deviations of the Python
    /// sender, one per rule of the specification, fail some case; the score is the one conformance/README.md
    /// prints.
    @Test func theKitCatchesTheMutations() throws {
        let run = try ConformanceKit.python(
            ["conformance/mutation/run_mutations.py", "conformance/", "--minimum", "95"], seconds: 900)
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        let score = run.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        #expect(score.hasPrefix("mutation score: "), "\(run.standardOutput)")
        let readme = try String(contentsOfFile: ConformanceKit.root + "/README.md", encoding: .utf8)
        #expect(readme.contains(score), "conformance/README.md does not print `\(score)`")
    }

    /// The Python verifier of docs/signing.md ("In Python") is a conforming reader for the steps it takes
    /// (strict JSON, format, digest, signature): on every case of the kit given a key, and every case refused
    /// before the members are read, it answers the case's code (`ok` for an accepted signed bundle).
    @Test func theSigningDocsPythonVerifierAgreesWithTheKit() throws {
        let doc = try String(contentsOfFile: ConformanceKit.repository + "/docs/signing.md", encoding: .utf8)
        let block = try #require(
            doc.firstMatch(of: /```python\n((?:.|\n)*?)```/), "docs/signing.md has no Python block")
        let scratch = try ScratchFolder()
        try scratch.write("verify_bundle.py", String(block.output.1))
        let beforeMembers: Set<String> = ["syntax", "unsupported_format", "digest_mismatch"]
        let malformedBeforeMembers = ["digest-missing", "top-level-array", "format-string"]
        var checked = 0
        for name in ConformanceKit.caseNames {
            guard case .object(let members) = try ConformanceKit.readJSON(ConformanceKit.root + "/cases/" + name),
                case .string(let bundle)? = members["bundle"], case .object(let expected)? = members["expected"]
            else { continue }
            var key: String?
            if case .string(let path)? = members["public_key"] { key = path }
            var refused: String?
            if case .string(let code)? = expected["refused"] { refused = code }
            let earlyMalformed = refused == "malformed" && malformedBeforeMembers.contains { name.contains($0) }
            guard key != nil || beforeMembers.contains(refused ?? "") || earlyMalformed else { continue }
            let run = try ConformanceKit.python([
                scratch.path + "/verify_bundle.py", ConformanceKit.path(bundle),
                ConformanceKit.path(key ?? "keys/test-key.pub"),
            ])
            let answer =
                run.status == 0
                ? "ok"
                : run.standardError.split(separator: ":").dropFirst().first.map {
                    $0.trimmingCharacters(in: .whitespaces)
                } ?? run.standardError
            #expect(answer == (refused ?? "ok"), "\(name): the verifier of docs/signing.md says \(run.standardError)")
            checked += 1
        }
        #expect(checked >= 25)
    }

    /// The second independent sender (conformance/ruby-sender/, stock Liquid::Template of ruby-liquid 5.4 with
    /// only the adjustments docs/bundle-format.md names) passes every case.
    @Test func theRubySenderPassesTheKit() throws {
        let run = try ConformanceKit.ruby(["conformance/ruby-sender/run_kit.rb", "conformance/"])
        let count = ConformanceKit.caseNames.count
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(
            run.standardOutput.hasSuffix("\(count) cases: \(count) passed, 0 mismatches\n"), "\(run.standardOutput)")
    }

    /// The runner says which case fails and where, and exits 1: a kit whose expectation was changed.
    @Test func theRunnerReportsAMismatch() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: scratch.path + "/cases", withIntermediateDirectories: true)
        for folder in ["bundles", "keys"] {
            try FileManager.default.copyItem(
                atPath: ConformanceKit.root + "/" + folder, toPath: scratch.path + "/" + folder)
        }
        let name = "001-sent-answer.json"
        let original = try String(contentsOfFile: ConformanceKit.root + "/cases/" + name, encoding: .utf8)
        try scratch.write(
            "cases/" + name,
            original.replacingOccurrences(of: "\"locale_match\": \"exact\"", with: "\"locale_match\": \"language\""))
        let run = try ConformanceKit.python(["conformance/python-sender/run_kit.py", scratch.path])
        #expect(run.status == 1)
        #expect(
            run.standardOutput.contains(
                "FAIL  001-sent-answer: at /decision/email/locale_match: expected \"language\", got \"exact\""),
            "\(run.standardOutput)")
        #expect(run.standardOutput.hasSuffix("1 cases: 0 passed, 1 mismatches\n"), "\(run.standardOutput)")
    }
}
