import BundleFormat
import Foundation
import Testing

/// The committed signing fixtures (`Fixtures/signing`): the RFC 8032 §7.1 TEST 1 key (published: never
/// use it for anything real) and the worked example of docs/signing.md signed with it.
enum SigningFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/signing")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
    }

    static func testKey() throws -> BundlePrivateKey {
        try BundlePrivateKey(pem: try text("test-key.key"))
    }

    static func otherKey() throws -> BundlePrivateKey {
        try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
    }

    /// The worked example's content: one non-ASCII character and one escaped quote show the encoding.
    static let exampleContent: [String: JSONValue] = [
        "format": .int(1),
        "workspace": .object(["id": .string("demo"), "name": .string("Démo \"2026\"")]),
    ]

    /// The golden riverside bundle (unsigned), as parsed.
    static func goldenBundle() throws -> [String: JSONValue] {
        let url = repository.appendingPathComponent("Tests/AutoMailTests/Fixtures/golden/riverside-tenants.bundle.json")
        guard case .object(let members) = try JSONParser().parse(Array(try Data(contentsOf: url))) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return members
    }

    /// `bundle` parsed back from the bytes emitted for it with `key`'s signature.
    static func signed(_ bundle: [String: JSONValue], with key: BundlePrivateKey) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONParser().parse(try BundleEmitter.emit(bundle, signingKey: key))
        else { throw CocoaError(.fileReadCorruptFile) }
        return members
    }
}

/// `value` with the member at `path` (object keys, or array indices as decimal text) replaced by
/// `change` of it; unchanged when the path does not exist.
func replacing(_ value: JSONValue, at path: [String], _ change: (JSONValue) -> JSONValue) -> JSONValue {
    guard let head = path.first else { return change(value) }
    let rest = Array(path.dropFirst())
    switch value {
    case .object(var members):
        if let member = members[head] { members[head] = replacing(member, at: rest, change) }
        return .object(members)
    case .array(var items):
        if let index = Int(head), items.indices.contains(index) {
            items[index] = replacing(items[index], at: rest, change)
        }
        return .array(items)
    default: return value
    }
}

/// Signing and verifying bundles: the round trip, each way verification fails, and the worked example.
struct BundleSignatureTests {
    @Test func signedBundleVerifiesAndKeepsTheUnsignedDigest() throws {
        let key = try SigningFixtures.testKey()
        let golden = try SigningFixtures.goldenBundle()
        let signed = try SigningFixtures.signed(golden, with: key)
        let verified = try BundleSignature.verify(bundle: signed, publicKey: key.publicKey)
        #expect(verified.keyID == "sha256:21fe31dfa154a261")
        #expect(verified.keyID == key.publicKey.keyID)
        #expect(signed["digest"] == golden["digest"])
        #expect(verified.digest == BundleEmitter.expectedDigest(of: golden))
        #expect(BundleSignature.keyID(of: signed) == verified.keyID)
        #expect(BundleSignature.keyID(of: golden) == nil)
    }

    @Test func signMemberIsWhatEmitWrites() throws {
        let key = try SigningFixtures.testKey()
        var content = SigningFixtures.exampleContent
        content["signature"] = try BundleSignature.sign(content: content, privateKey: key)
        // Emitting content that already holds its signature keeps it, and leaves it out of the digest.
        #expect(
            BundleEmitter.emit(content) == (try BundleEmitter.emit(SigningFixtures.exampleContent, signingKey: key)))
    }

    @Test func unsignedBundlesAreUnchanged() throws {
        let golden = try SigningFixtures.goldenBundle()
        var content = golden
        content["digest"] = nil
        let bytes = BundleEmitter.emit(content)
        let url = SigningFixtures.repository.appendingPathComponent(
            "Tests/AutoMailTests/Fixtures/golden/riverside-tenants.bundle.json")
        #expect(bytes == Array(try Data(contentsOf: url)))
        #expect(try BundleSignature.verifyDigest(bundle: golden) == BundleEmitter.expectedDigest(of: golden))
    }

    /// One way of breaking a signed bundle and the error verification must give.
    struct Tampering: CustomTestStringConvertible, Sendable {
        var name: String
        var change: @Sendable ([String: JSONValue]) -> [String: JSONValue]
        /// Recompute the digest after the change, as an attacker who knows the format would.
        var redigest: Bool = false
        var expected: BundleVerificationError
        var testDescription: String { name }
    }

    static let subjectPath = ["templates", "meeting-reminder", "locales", "en", "subject"]
    static let priorityPath = ["triggers", "answer:door-knock/join/join_now", "0", "priority"]

    static let tamperings: [Tampering] = [
        Tampering(
            name: "subject text changed",
            change: { edit($0, subjectPath) { _ in .string("General meeting: cancelled") } },
            expected: .digestMismatch(found: "", expected: "")),
        Tampering(
            name: "priority changed", change: { edit($0, priorityPath) { _ in .int(1) } },
            expected: .digestMismatch(found: "", expected: "")),
        Tampering(
            name: "subject changed, digest recomputed",
            change: { edit($0, subjectPath) { _ in .string("General meeting: cancelled") } }, redigest: true,
            expected: .badSignature(keyID: "sha256:21fe31dfa154a261")),
        Tampering(
            name: "priority changed, digest recomputed", change: { edit($0, priorityPath) { _ in .int(1) } },
            redigest: true, expected: .badSignature(keyID: "sha256:21fe31dfa154a261")),
        Tampering(
            name: "digest removed", change: { $0.filter { $0.key != "digest" } }, expected: .digestMissing),
        Tampering(
            name: "digest not a string", change: { edit($0, ["digest"]) { _ in .int(0) } }, expected: .digestMissing),
        Tampering(
            name: "signature removed", change: { $0.filter { $0.key != "signature" } }, expected: .unsigned),
        Tampering(
            name: "key_id changed",
            change: { edit($0, ["signature", "key_id"]) { _ in .string("sha256:0123456789abcdef") } },
            expected: .wrongKey(bundleKeyID: "sha256:0123456789abcdef", keyID: "sha256:21fe31dfa154a261")),
        Tampering(
            name: "signature value changed",
            change: { edit($0, ["signature", "value"]) { value in flipFirstCharacter(value) } },
            expected: .badSignature(keyID: "sha256:21fe31dfa154a261")),
        Tampering(
            name: "signature not an object", change: { edit($0, ["signature"]) { _ in .string("x") } },
            expected: .signatureMalformed("not an object")),
        Tampering(
            name: "other algorithm",
            change: { edit($0, ["signature", "algorithm"]) { _ in .string("ed448") } },
            expected: .signatureMalformed("algorithm `ed448` is not `ed25519`")),
        Tampering(
            name: "unknown member",
            change: { edit($0, ["signature"]) { merged($0, "note", .null) } },
            expected: .signatureMalformed("unknown member `note`")),
        Tampering(
            name: "key_id uppercase",
            change: { edit($0, ["signature", "key_id"]) { _ in .string("sha256:0123456789ABCDEF") } },
            expected: .signatureMalformed("`key_id` is not `sha256:` and 16 lowercase hex digits")),
        Tampering(
            name: "value without padding",
            change: { edit($0, ["signature", "value"]) { value in trimPadding(value) } },
            expected: .signatureMalformed("`value` is not the padded base64 of 64 bytes")),
        Tampering(
            name: "value of 63 bytes",
            change: { edit($0, ["signature", "value"]) { _ in .string(String(repeating: "A", count: 84)) } },
            expected: .signatureMalformed("`value` is not the padded base64 of 64 bytes")),
        Tampering(
            name: "value with non-zero padding bits",
            change: { edit($0, ["signature", "value"]) { value in lastSextetPlusOne(value) } },
            expected: .signatureMalformed("`value` is not the padded base64 of 64 bytes")),
    ]

    @Test(arguments: tamperings)
    func tamperingIsDetected(_ tampering: Tampering) throws {
        let key = try SigningFixtures.testKey()
        var bundle = tampering.change(try SigningFixtures.signed(try SigningFixtures.goldenBundle(), with: key))
        if tampering.redigest { bundle["digest"] = .string(BundleEmitter.expectedDigest(of: bundle)) }
        #expect(throws: BundleVerificationError.self) {
            try BundleSignature.verify(bundle: bundle, publicKey: key.publicKey)
        }
        do {
            try BundleSignature.verify(bundle: bundle, publicKey: key.publicKey)
        } catch {
            switch (error, tampering.expected) {
            case (.digestMismatch(let found, let expected), .digestMismatch):
                #expect(found == bundle["digest"].flatMap { if case .string(let s) = $0 { s } else { nil } })
                #expect(expected == BundleEmitter.expectedDigest(of: bundle))
                #expect(found != expected)
            default:
                #expect(error == tampering.expected)
            }
        }
    }

    @Test func wrongKeyIsNamed() throws {
        let signed = try SigningFixtures.signed(try SigningFixtures.goldenBundle(), with: SigningFixtures.testKey())
        let other = try SigningFixtures.otherKey().publicKey
        #expect(throws: BundleVerificationError.wrongKey(bundleKeyID: "sha256:21fe31dfa154a261", keyID: other.keyID)) {
            try BundleSignature.verify(bundle: signed, publicKey: other)
        }
    }

    @Test func unsignedBundleWithAKeyIsRefusedAndWithoutOnePassesTheDigestCheck() throws {
        let golden = try SigningFixtures.goldenBundle()
        #expect(throws: BundleVerificationError.unsigned) {
            try BundleSignature.verify(bundle: golden, publicKey: try SigningFixtures.testKey().publicKey)
        }
        #expect(throws: Never.self) { try BundleSignature.verifyDigest(bundle: golden) }
    }

    /// The example of docs/signing.md, byte for byte. Ed25519 (RFC 8032) is deterministic, and
    /// swift-crypto's BoringSSL back end follows it; Apple's CryptoKit adds randomness, so on Darwin
    /// the signature differs and only verification is checked. `RECORD_SNAPSHOTS=1` rewrites it.
    @Test func workedExampleIsReproduced() throws {
        let key = try SigningFixtures.testKey()
        let bytes = try BundleEmitter.emit(SigningFixtures.exampleContent, signingKey: key)
        let url = SigningFixtures.folder.appendingPathComponent("example.bundle.json")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try Data(bytes).write(to: url)
        }
        let committed = Array(try Data(contentsOf: url))
        #if !canImport(Darwin)
            #expect(bytes == committed)
        #endif
        guard case .object(let bundle) = try JSONParser().parse(committed) else {
            Issue.record("the example bundle is not an object")
            return
        }
        let verified = try BundleSignature.verify(bundle: bundle, publicKey: key.publicKey)
        #expect(
            BundleSignature.message(forDigest: verified.digest)
                == Array("automail-bundle-signature-v1\n".utf8) + Array(verified.digest.utf8))
        #expect(BundleSignature.message(forDigest: verified.digest).count == 100)
        // The document quotes these values: it must stay in step with the fixture.
        let doc = String(
            decoding: try Data(contentsOf: SigningFixtures.repository.appendingPathComponent("docs/signing.md")),
            as: UTF8.self)
        guard case .object(let signature)? = bundle["signature"], case .string(let value)? = signature["value"] else {
            Issue.record("the example bundle has no signature value")
            return
        }
        for quoted in [verified.digest, value, key.publicKey.keyID, try SigningFixtures.text("test-key.pub")] {
            #expect(doc.contains(quoted), "docs/signing.md does not quote `\(quoted)`")
        }
        // The seed and the raw public key it shows in hex: the last 32 bytes of each key's DER.
        for file in ["test-key.key", "test-key.pub"] {
            let body = try SigningFixtures.text(file).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            let der = try #require(Data(base64Encoded: body))
            let hex = der.suffix(32).map { String(format: "%02x", $0) }.joined()
            #expect(doc.contains(hex), "docs/signing.md does not quote the key bytes of \(file), `\(hex)`")
        }
        #expect(
            doc.contains(
                String(
                    decoding: JSONWriter(pretty: false).write(.object(SigningFixtures.exampleContent)), as: UTF8.self)))
    }

    // MARK: - Edits of a parsed bundle

    static func edit(
        _ bundle: [String: JSONValue], _ path: [String], _ change: (JSONValue) -> JSONValue
    ) -> [String: JSONValue] {
        guard case .object(let members) = replacing(.object(bundle), at: path, change) else { return bundle }
        return members
    }

    static func merged(_ value: JSONValue, _ key: String, _ member: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        members[key] = member
        return .object(members)
    }

    static func flipFirstCharacter(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value, let first = text.first else { return value }
        return .string((first == "A" ? "B" : "A") + text.dropFirst())
    }

    static func trimPadding(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        return .string(String(text.prefix { $0 != "=" }))
    }

    /// The value with the last character before the padding moved to the next one of the alphabet,
    /// which sets one of the bits the padding leaves unused (the 64th byte's last 4 bits are unused).
    static func lastSextetPlusOne(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(text)
        guard let index = characters.lastIndex(where: { $0 != "=" }),
            let position = alphabet.firstIndex(of: characters[index])
        else { return value }
        characters[index] = alphabet[position % 16 == 15 ? position - 1 : position + 1]
        return .string(String(characters))
    }
}
