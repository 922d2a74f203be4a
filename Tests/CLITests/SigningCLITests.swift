import Foundation
import Testing

/// `automail keygen`, `build --sign` and `verify` through the built binary, and the interoperability the
/// documentation promises: OpenSSL and Python's `cryptography` verify what automail signs, and a key
/// OpenSSL generates signs bundles.
@Suite struct SigningCLITests {
    static let repository = CLIBuildTests.repository
    static let workspace = repository + "/workspace-examples/riverside-tenants"
    static let fixtures = repository + "/Tests/BundleFormatTests/Fixtures/signing"
    /// The key_id of the committed test key (RFC 8032 §7.1 TEST 1).
    static let testKeyID = "sha256:21fe31dfa154a261"
    /// The base64 line of the committed private key: no output may ever show it.
    static let privateBody = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"

    /// Runs a tool of the machine (`openssl`, `python3`) in `directory`.
    static func tool(_ arguments: [String], in directory: String) throws -> CapturedRun.Result {
        try CapturedRun.launch(
            URL(fileURLWithPath: "/usr/bin/env"), arguments, in: directory, environment: [:], seconds: 60)
    }

    /// A scratch folder holding the test key pair, the private key with mode 0600 (git checks it out 0644).
    static func scratchWithTestKey() throws -> ScratchFolder {
        let scratch = try ScratchFolder()
        for name in ["test-key.key", "test-key.pub"] {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: scratch.path + "/" + name)
        }
        try setMode(0o600, scratch.path + "/test-key.key")
        return scratch
    }

    static func setMode(_ mode: Int, _ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
    }

    /// `build` of the riverside example signed with `key`, into `output` of `scratch`.
    static func buildSigned(
        _ scratch: ScratchFolder, key: String = "test-key.key", output: String = "b.json",
        environment: [String: String] = [:]
    ) throws -> AutomailProcess.Outcome {
        try AutomailProcess.run(
            ["build", workspace, "--revision", "golden", "--sign", key, "--output", output], in: scratch.path,
            environment: environment)
    }

    /// The `digest` of the riverside golden bundle.
    static func goldenDigest() throws -> String {
        let text = try CLIBuildTests.golden("riverside-tenants")
        let match = try #require(text.firstMatch(of: /"digest": "(sha256:[0-9a-f]{64})"/))
        return String(match.output.1)
    }

    // MARK: keygen

    @Test func keygenWritesAPairThatOpenSSLReads() throws {
        let scratch = try ScratchFolder()
        try scratch.write("keys/.keep", "")
        let made = try AutomailProcess.run(["keygen", "--out", "keys/ci"], in: scratch.path)
        #expect(made.status == 0)
        #expect(made.standardError == "")
        let line = try #require(
            made.standardOutput.wholeMatch(
                of:
                    /wrote keys\/ci.key \(private key, mode 0600: keep it secret\) and keys\/ci.pub \(public key\), key_id (sha256:[0-9a-f]{16})\n/
            ))
        #expect(try Self.mode(scratch.path + "/keys/ci.key") == 0o600)
        let privateText = try #require(scratch.read("keys/ci.key"))
        #expect(privateText.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(privateText.hasSuffix("\n-----END PRIVATE KEY-----\n"))
        let derived = try Self.tool(["openssl", "pkey", "-in", "keys/ci.key", "-pubout"], in: scratch.path)
        #expect(derived.status == 0, "\(derived.standardError)")
        #expect(derived.standardOutput == scratch.read("keys/ci.pub"))
        let body = privateText.split(separator: "\n")[1]
        #expect(!made.standardOutput.contains(body))

        // The key_id printed is the one a signature carries.
        let built = try AutomailProcess.run(
            ["build", Self.workspace, "--sign", "keys/ci.key", "--output", "b.json"], in: scratch.path)
        #expect(built.status == 0, "\(built.standardError)")
        let verified = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "keys/ci.pub"], in: scratch.path)
        #expect(verified.status == 0)
        #expect(verified.standardOutput.hasSuffix("key_id \(line.output.1)\n"))

        let again = try AutomailProcess.run(["keygen", "--out", "keys/ci"], in: scratch.path)
        #expect(again.status == 2)
        #expect(again.standardError == "error: `keys/ci.key` already exists: keygen never overwrites a key\n")
        #expect(scratch.read("keys/ci.key") == privateText)
        try FileManager.default.removeItem(atPath: scratch.path + "/keys/ci.key")
        let halfPair = try AutomailProcess.run(["keygen", "--out", "keys/ci"], in: scratch.path)
        #expect(halfPair.status == 2)
        #expect(halfPair.standardError == "error: `keys/ci.pub` already exists: keygen never overwrites a key\n")
        #expect(try scratch.contents("keys") == [".keep", "ci.pub"])
        let nowhere = try AutomailProcess.run(["keygen", "--out", "missing/ci"], in: scratch.path)
        #expect(nowhere.status == 2)
        #expect(nowhere.standardError == "error: cannot write `missing/ci.key`: no directory `missing`\n")
    }

    // MARK: build --sign and verify

    @Test func signedBuildVerifiesAndDiffersFromTheGoldenOnlyByItsSignature() throws {
        let scratch = try Self.scratchWithTestKey()
        let built = try Self.buildSigned(scratch)
        #expect(built.status == 0)
        #expect(built.standardError.hasPrefix("built ") && built.standardError.contains(" to b.json, sha256:"))
        #expect(built.standardOutput == "")
        let digest = try Self.goldenDigest()
        let verified = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(verified.status == 0)
        #expect(verified.standardError == "")
        #expect(
            verified.standardOutput
                == "verified: b.json: digest \(digest) matches; ed25519 signature valid, key_id \(Self.testKeyID)\n")
        let unchecked = try AutomailProcess.run(["verify", "--bundle", "b.json"], in: scratch.path)
        #expect(unchecked.status == 0)
        #expect(
            unchecked.standardOutput
                == "verified: b.json: digest \(digest) matches; signature not checked (no --key; signed with key_id \(Self.testKeyID))\n"
        )

        // The signed bundle is the golden one with a `signature` member added, nothing else.
        let signed = try #require(scratch.read("b.json"))
        let golden = try CLIBuildTests.golden("riverside-tenants")
        let value = try #require(signed.firstMatch(of: /"value": "([A-Za-z0-9+\/]{86}==)"/)).output.1
        let member = """
              "signature": {
                "algorithm": "ed25519",
                "key_id": "\(Self.testKeyID)",
                "value": "\(value)"
              },

            """
        #expect(signed.contains(member))
        #expect(signed.replacingOccurrences(of: member, with: "") == golden)
        // The schema knows `signature`, and the independent digest check leaves it out.
        let schema = try Self.tool(
            ["python3", Self.repository + "/scripts/schemas/validate.py", "--bundle", "b.json"], in: scratch.path)
        #expect(schema.status == 0, "\(schema.standardOutput)\(schema.standardError)")
        #expect(schema.standardOutput == "1 passed, 0 failed\n")
        // Ed25519 is deterministic: the same key signs the same bundle into the same bytes.
        #expect(try Self.buildSigned(scratch, output: "again.json").status == 0)
        #expect(scratch.read("again.json") == signed)
    }

    @Test func unsignedBundleFailsWithAKeyAndPassesWithout() throws {
        let scratch = try Self.scratchWithTestKey()
        try scratch.write("golden.json", try CLIBuildTests.golden("riverside-tenants"))
        let withKey = try AutomailProcess.run(
            ["verify", "--bundle", "golden.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(withKey.status == 1)
        #expect(withKey.standardOutput == "")
        #expect(withKey.standardError == "error: golden.json: the bundle is not signed\n")
        let without = try AutomailProcess.run(["verify", "--bundle", "golden.json"], in: scratch.path)
        #expect(without.status == 0)
        #expect(
            without.standardOutput
                == "verified: golden.json: digest \(try Self.goldenDigest()) matches; signature not checked (no --key; unsigned)\n"
        )
    }

    /// One edit of a signed bundle's text and the start of the verdict it must give.
    struct Tampering: CustomTestStringConvertible, Sendable {
        var name: String
        var find: String
        var replacement: String
        var verdict: String
        var testDescription: String { name }
    }

    static let tamperings = [
        Tampering(
            name: "subject text", find: "General meeting: Thursday, May 14",
            replacement: "General meeting: Friday, May 15",
            verdict: "digest mismatch: the bundle says"),
        Tampering(
            name: "a priority", find: "\"priority\": 520", replacement: "\"priority\": 521", verdict: "digest mismatch"),
        Tampering(
            name: "the key_id", find: "sha256:21fe31dfa154a261", replacement: "sha256:21fe31dfa154a262",
            verdict:
                "wrong key: the bundle is signed by key_id sha256:21fe31dfa154a262, the key given is sha256:21fe31dfa154a261"
        ),
        Tampering(
            name: "the signature", find: "\"value\": \"", replacement: "\"value\": \"A",
            verdict: "malformed `signature`: `value` is not the padded base64 of 64 bytes"),
        Tampering(
            name: "the algorithm", find: "\"ed25519\"", replacement: "\"Ed25519\"", verdict: "malformed `signature`"),
        Tampering(name: "a truncated file", find: "\n}\n", replacement: "\n", verdict: "not a bundle: invalid JSON at"),
    ]

    @Test(arguments: tamperings)
    func verifyDetectsTampering(_ tampering: Tampering) throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        let signed = try #require(scratch.read("b.json"))
        #expect(signed.contains(tampering.find))
        try scratch.write("b.json", signed.replacingOccurrences(of: tampering.find, with: tampering.replacement))
        let outcome = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput == "")
        #expect(outcome.standardError.hasPrefix("error: b.json: " + tampering.verdict), "\(outcome.standardError)")
        #expect(outcome.standardError.hasSuffix("\n") && outcome.standardError.count { $0 == "\n" } == 1)
    }

    /// A signature whose bytes changed (a valid base64 of 64 other bytes) is a bad signature.
    @Test func changedSignatureBytesAreABadSignature() throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        let signed = try #require(scratch.read("b.json"))
        let match = try #require(signed.firstMatch(of: /"value": "(.)/))
        let first = String(match.output.1)
        let changed = signed.replacingOccurrences(
            of: String(match.output.0), with: "\"value\": \"" + (first == "A" ? "B" : "A"))
        try scratch.write("b.json", changed)
        let outcome = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError
                == "error: b.json: bad signature: it does not verify with key_id \(Self.testKeyID): the bundle or its signature was changed after signing\n"
        )
    }

    @Test func verifyUsageErrorsExitTwo() throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        let noBundle = try AutomailProcess.run(["verify", "--bundle", "nope.json"], in: scratch.path)
        #expect(noBundle.status == 2)
        #expect(noBundle.standardError.hasPrefix("error: cannot read `nope.json`: "))
        let noKey = try AutomailProcess.run(["verify", "--bundle", "b.json", "--key", "nope.pub"], in: scratch.path)
        #expect(noKey.status == 2)
        #expect(noKey.standardError.hasPrefix("error: cannot read the key `nope.pub`: "))
        let privateAsPublic = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "test-key.key"], in: scratch.path)
        #expect(privateAsPublic.status == 2)
        #expect(
            privateAsPublic.standardError
                == "error: cannot use the public key `test-key.key`: a PEM `PRIVATE KEY` block where `PUBLIC KEY` is expected: this is a private key, give the public key (NAME.pub)\n"
        )
        #expect(!privateAsPublic.standardError.contains(Self.privateBody))
        let noArgument = try AutomailProcess.run(["verify"], in: scratch.path)
        #expect(noArgument.status == 2)
    }

    // MARK: where signing keys come from

    @Test func keyReadableByOthersIsRefused() throws {
        let scratch = try Self.scratchWithTestKey()
        try Self.setMode(0o640, scratch.path + "/test-key.key")
        let outcome = try Self.buildSigned(scratch)
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError
                == "error: the private key `test-key.key` is accessible by other users (mode 0640): run `chmod 600 test-key.key`, or pass it as `env:NAME`\n"
        )
        #expect(try scratch.contents() == ["test-key.key", "test-key.pub"])
    }

    @Test func keyFromTheEnvironmentSignsLikeTheFile() throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        let expected = try #require(scratch.read("b.json"))
        let pem = try #require(scratch.read("test-key.key"))
        for value in [pem, Self.privateBody, "  \(Self.privateBody)\n"] {
            let outcome = try Self.buildSigned(
                scratch, key: "env:AUTOMAIL_SIGNING_KEY", output: "env.json",
                environment: ["AUTOMAIL_SIGNING_KEY": value])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(scratch.read("env.json") == expected)
        }
        let unset = try Self.buildSigned(scratch, key: "env:AUTOMAIL_NO_SUCH_KEY", output: "none.json")
        #expect(unset.status == 2)
        #expect(unset.standardError == "error: the environment variable `AUTOMAIL_NO_SUCH_KEY` is not set\n")
        let garbled = try Self.buildSigned(
            scratch, key: "env:AUTOMAIL_SIGNING_KEY", output: "none.json",
            environment: ["AUTOMAIL_SIGNING_KEY": String(Self.privateBody.dropLast(2))])
        #expect(garbled.status == 2)
        #expect(
            garbled.standardError
                == "error: cannot use the signing key `env:AUTOMAIL_SIGNING_KEY`: the key is not valid base64\n")
        let publicKey = try Self.buildSigned(scratch, key: "test-key.pub", output: "none.json")
        #expect(publicKey.status == 2)
        #expect(publicKey.standardError.hasSuffix("this is a public key, give the private key (NAME.key)\n"))
        #expect(scratch.read("none.json") == nil)
    }

    // MARK: interoperability

    /// The signed message, written to `msg`, and the signature bytes, to `sig`, from the bundle `b.json`.
    static func writeMessageAndSignature(_ scratch: ScratchFolder) throws {
        let signed = try #require(scratch.read("b.json"))
        let digest = try #require(signed.firstMatch(of: /"digest": "(sha256:[0-9a-f]{64})"/)).output.1
        let value = try #require(signed.firstMatch(of: /"value": "([A-Za-z0-9+\/=]+)"/)).output.1
        try Data(("automail-bundle-signature-v1\n" + digest).utf8).write(
            to: URL(fileURLWithPath: scratch.path + "/msg"))
        try #require(Data(base64Encoded: String(value))).write(to: URL(fileURLWithPath: scratch.path + "/sig"))
    }

    @Test func openSSLVerifiesTheSignatureAndSignsTheSameBytes() throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        try Self.writeMessageAndSignature(scratch)
        let verify = ["openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "test-key.pub", "-sigfile", "sig"]
        let good = try Self.tool(verify + ["-in", "msg"], in: scratch.path)
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput == "Signature Verified Successfully\n")
        // The check can fail: one byte of the message changed.
        let message = try #require(scratch.read("msg"))
        try scratch.write("other-msg", String(message.dropLast()) + (message.hasSuffix("0") ? "1" : "0"))
        let bad = try Self.tool(verify + ["-in", "other-msg"], in: scratch.path)
        #expect(bad.status != 0)
        // OpenSSL's Ed25519 (RFC 8032, deterministic) signs the message into the very bytes automail wrote.
        let sign = try Self.tool(
            ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", "test-key.key", "-in", "msg", "-out", "openssl-sig"],
            in: scratch.path)
        #expect(sign.status == 0, "\(sign.standardError)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/openssl-sig"))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path + "/sig")))
    }

    @Test func keyGeneratedByOpenSSLSigns() throws {
        let scratch = try Self.scratchWithTestKey()
        let generated = try Self.tool(
            ["openssl", "genpkey", "-algorithm", "ed25519", "-out", "team.key"], in: scratch.path)
        #expect(generated.status == 0, "\(generated.standardError)")
        try Self.setMode(0o600, scratch.path + "/team.key")
        let derived = try Self.tool(
            ["openssl", "pkey", "-in", "team.key", "-pubout", "-out", "team.pub"], in: scratch.path)
        #expect(derived.status == 0, "\(derived.standardError)")
        let built = try Self.buildSigned(scratch, key: "team.key")
        #expect(built.status == 0, "\(built.standardError)")
        let verified = try AutomailProcess.run(["verify", "--bundle", "b.json", "--key", "team.pub"], in: scratch.path)
        #expect(verified.status == 0, "\(verified.standardError)")
        let otherKey = try AutomailProcess.run(
            ["verify", "--bundle", "b.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(otherKey.status == 1)
        #expect(otherKey.standardError.hasPrefix("error: b.json: wrong key: the bundle is signed by key_id sha256:"))
        try Self.writeMessageAndSignature(scratch)
        let openssl = try Self.tool(
            [
                "openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "team.pub", "-sigfile", "sig", "-in",
                "msg",
            ],
            in: scratch.path)
        #expect(openssl.status == 0, "\(openssl.standardError)")
    }

    /// The Python of docs/signing.md, run as the document gives it, with `cryptography`.
    @Test func pythonVerifierOfTheDocsAgrees() throws {
        let scratch = try Self.scratchWithTestKey()
        #expect(try Self.buildSigned(scratch).status == 0)
        let doc = try String(contentsOfFile: Self.repository + "/docs/signing.md", encoding: .utf8)
        let block = try #require(
            doc.firstMatch(of: /```python\n((?:.|\n)*?)```/), "docs/signing.md has no Python block")
        try scratch.write("verify_bundle.py", String(block.output.1))
        let good = try Self.tool(["python3", "verify_bundle.py", "b.json", "test-key.pub"], in: scratch.path)
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput == "ok: digest \(try Self.goldenDigest()), signed by key_id \(Self.testKeyID)\n")

        // A tampered bundle whose digest was recomputed: both verifiers refuse it, for its signature.
        try scratch.write(
            "tamper.py",
            """
            import hashlib, json
            bundle = json.load(open("b.json", encoding="utf-8"))
            bundle["triggers"]["answer:door-knock/join/join_now"][0]["priority"] = 1
            content = {k: v for k, v in bundle.items() if k not in ("digest", "signature")}
            canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            bundle["digest"] = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            json.dump(bundle, open("tampered.json", "w", encoding="utf-8"), ensure_ascii=False, indent=2)

            """)
        #expect(try Self.tool(["python3", "tamper.py"], in: scratch.path).status == 0)
        let python = try Self.tool(["python3", "verify_bundle.py", "tampered.json", "test-key.pub"], in: scratch.path)
        #expect(python.status != 0)
        #expect(python.standardError.hasPrefix("refused: bad_signature: "), "\(python.standardError)")
        let automail = try AutomailProcess.run(
            ["verify", "--bundle", "tampered.json", "--key", "test-key.pub"], in: scratch.path)
        #expect(automail.status == 1)
        #expect(automail.standardError.hasPrefix("error: tampered.json: bad signature"))
        // And a plain content change, digest left alone, fails the Python digest check.
        try scratch.write(
            "changed.json",
            try #require(scratch.read("b.json")).replacingOccurrences(
                of: "\"priority\": 520", with: "\"priority\": 521"))
        let changed = try Self.tool(["python3", "verify_bundle.py", "changed.json", "test-key.pub"], in: scratch.path)
        #expect(changed.status != 0)
        #expect(changed.standardError.hasPrefix("refused: digest_mismatch: "), "\(changed.standardError)")
    }
}
