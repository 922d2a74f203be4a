import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// Given a public key, the runtime loads only a bundle signed by that key whose content is unchanged.
struct SignedBundleTests {
    static func signed(by key: BundlePrivateKey) throws -> [UInt8] {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        return try BundleEmitter.emit(builder.content, signingKey: key)
    }

    @Test func aBundleSignedByTheKeyLoadsAndEvaluates() throws {
        let key = try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
        let bundle = try RuntimeBundle.load(try Self.signed(by: key), publicKey: key.publicKey)
        #expect(try bundle.evaluate(Events.event(tasks: ["t"])).summary == ["t=sent"])
        // Without a key the signature is not read, and the digest still covers the content.
        #expect(throws: Never.self) { try RuntimeBundle.load(try Self.signed(by: key)) }
    }

    @Test func anUnsignedBundleIsRefusedWhenAKeyIsGiven() throws {
        let key = try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
        #expect(throws: BundleLoadError.signature(.unsigned)) {
            try RuntimeBundle.load(BundleBuilder().bytes, publicKey: key.publicKey)
        }
    }

    @Test func aBundleSignedByAnotherKeyIsRefused() throws {
        let signer = try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
        let other = try BundlePrivateKey(seed: Array(repeating: 8, count: 32))
        #expect(
            throws: BundleLoadError.signature(
                .wrongKey(bundleKeyID: signer.publicKey.keyID, keyID: other.publicKey.keyID))
        ) {
            try RuntimeBundle.load(try Self.signed(by: signer), publicKey: other.publicKey)
        }
    }

    @Test func aChangedSignatureOrContentIsRefused() throws {
        let key = try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
        let text = String(decoding: try Self.signed(by: key), as: UTF8.self)
        guard let valueRange = text.range(of: "\"value\": \"") else {
            Issue.record("no signature value")
            return
        }
        var forged = text
        let first = forged.index(valueRange.upperBound, offsetBy: 0)
        forged.replaceSubrange(first...first, with: forged[first] == "A" ? "B" : "A")
        #expect(throws: BundleLoadError.signature(.badSignature(keyID: key.publicKey.keyID))) {
            try RuntimeBundle.load(Array(forged.utf8), publicKey: key.publicKey)
        }
        // A changed content is a digest mismatch, reported before the signature.
        let tampered = text.replacing("\"priority\": 1", with: "\"priority\": 2")
        #expect {
            try RuntimeBundle.load(Array(tampered.utf8), publicKey: key.publicKey)
        } throws: { error in
            if case .digestMismatch? = error as? BundleLoadError { return true }
            return false
        }
    }
}
