import Crypto

/// Why a bundle failed verification, from the first check that failed: digest, then presence and form
/// of the signature, then key, then signature.
public enum BundleVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bundle has no `digest` string.
    case digestMissing
    /// The bundle's `digest` is not that of its content: the bundle was changed after it was built.
    case digestMismatch(found: String, expected: String)
    /// A key was given but the bundle has no `signature` member.
    case unsigned
    /// The `signature` member is not an object of the form ``BundleSignature`` writes; the reason.
    case signatureMalformed(String)
    /// The bundle was signed by another key than the one given.
    case wrongKey(bundleKeyID: String, keyID: String)
    /// The signature does not verify with the key: the bundle's content or its signature was changed
    /// after signing.
    case badSignature(keyID: String)

    public var description: String {
        switch self {
        case .digestMissing:
            return "the bundle has no `digest`"
        case .digestMismatch(let found, let expected):
            return "digest mismatch: the bundle says \(found) but its content hashes to \(expected): "
                + "the bundle was changed after it was built"
        case .unsigned:
            return "the bundle is not signed"
        case .signatureMalformed(let reason):
            return "malformed `signature`: \(reason)"
        case .wrongKey(let bundleKeyID, let keyID):
            return "wrong key: the bundle is signed by key_id \(bundleKeyID), the key given is \(keyID)"
        case .badSignature(let keyID):
            return "bad signature: it does not verify with key_id \(keyID): the bundle or its signature "
                + "was changed after signing"
        }
    }
}

/// Signing failed inside the Ed25519 implementation (not expected with a valid key).
public struct BundleSigningError: Error, Sendable, CustomStringConvertible {
    /// What the implementation reported.
    public var description: String
}

/// What a successful verification established.
public struct BundleVerification: Sendable, Hashable {
    /// The digest of the bundle's content, equal to its `digest` member.
    public var digest: String
    /// The `key_id` of the key whose signature verified; `nil` when only the digest was checked.
    public var keyID: String?
}

/// Ed25519 signatures of bundles (docs/signing.md).
///
/// A signed bundle has a member `"signature": {"algorithm": "ed25519", "key_id": "sha256:<16 hex>",
/// "value": "<base64 of the 64-byte signature>"}`. Neither `digest` nor `signature` is part of the
/// canonical form that `digest` hashes, so signing leaves the digest unchanged. The signed message is
/// the ASCII bytes of ``domain`` followed by the digest string: `automail-bundle-signature-v1\n`
/// `sha256:<64 hex>`, 100 bytes. The digest is recomputed from the content by the verifier, never
/// taken from the bundle.
public enum BundleSignature {
    /// The value of `signature.algorithm`.
    public static let algorithm = "ed25519"
    /// What the signed message starts with: separates these signatures from any other use of the key.
    public static let domain = "automail-bundle-signature-v1\n"
    /// The members of a `signature` object.
    static let members: Set<String> = ["algorithm", "key_id", "value"]

    /// The bytes signed for a bundle whose canonical content has `digest` (`sha256:<64 hex>`).
    public static func message(forDigest digest: String) -> [UInt8] {
        Array((domain + digest).utf8)
    }

    /// The `signature` member for bundle `content` (its `digest` and `signature` members, if any, are
    /// ignored): add it to the content, then emit.
    public static func sign(content: [String: JSONValue], privateKey: BundlePrivateKey) throws(BundleSigningError)
        -> JSONValue
    {
        try sign(digest: BundleEmitter.expectedDigest(of: content), privateKey: privateKey)
    }

    /// The `signature` member for a bundle whose canonical content has `digest`.
    public static func sign(digest: String, privateKey: BundlePrivateKey) throws(BundleSigningError) -> JSONValue {
        let value: [UInt8]
        do {
            value = Array(try privateKey.key.signature(for: message(forDigest: digest)))
        } catch {
            throw BundleSigningError(description: "\(error)")
        }
        return .object([
            "algorithm": .string(algorithm),
            "key_id": .string(privateKey.publicKey.keyID),
            "value": .string(Base64.encode(value)),
        ])
    }

    /// Checks that `bundle`'s `digest` is that of its content, without looking at any signature.
    @discardableResult
    public static func verifyDigest(bundle: [String: JSONValue]) throws(BundleVerificationError) -> String {
        guard case .string(let found)? = bundle["digest"] else { throw .digestMissing }
        let expected = BundleEmitter.expectedDigest(of: bundle)
        guard found == expected else { throw .digestMismatch(found: found, expected: expected) }
        return expected
    }

    /// Checks `bundle` (as parsed from its file): its digest, then that it is signed, by `publicKey`,
    /// with a signature that verifies. The first failure is thrown.
    @discardableResult
    public static func verify(bundle: [String: JSONValue], publicKey: BundlePublicKey)
        throws(BundleVerificationError) -> BundleVerification
    {
        let digest = try verifyDigest(bundle: bundle)
        guard let member = bundle["signature"] else { throw .unsigned }
        let (keyID, value) = try parse(member)
        guard keyID == publicKey.keyID else { throw .wrongKey(bundleKeyID: keyID, keyID: publicKey.keyID) }
        guard publicKey.key.isValidSignature(value, for: message(forDigest: digest)) else {
            throw .badSignature(keyID: keyID)
        }
        return BundleVerification(digest: digest, keyID: keyID)
    }

    /// The `key_id` of `bundle`'s `signature`, when it has a well-formed one; nothing is verified.
    public static func keyID(of bundle: [String: JSONValue]) -> String? {
        guard let member = bundle["signature"] else { return nil }
        return try? parse(member).keyID
    }

    /// The key id and the 64 signature bytes of a `signature` member, checked to be exactly as
    /// ``sign(digest:privateKey:)`` writes them.
    static func parse(_ member: JSONValue) throws(BundleVerificationError) -> (keyID: String, value: [UInt8]) {
        guard case .object(let fields) = member else { throw .signatureMalformed("not an object") }
        if let unknown = fields.keys.filter({ !members.contains($0) }).sorted().first {
            throw .signatureMalformed("unknown member `\(unknown)`")
        }
        guard case .string(let name)? = fields["algorithm"] else {
            throw .signatureMalformed("no `algorithm` string")
        }
        guard name == algorithm else { throw .signatureMalformed("algorithm `\(name)` is not `\(algorithm)`") }
        guard case .string(let keyID)? = fields["key_id"] else { throw .signatureMalformed("no `key_id` string") }
        guard isKeyID(keyID) else {
            throw .signatureMalformed("`key_id` is not `sha256:` and 16 lowercase hex digits")
        }
        guard case .string(let text)? = fields["value"] else { throw .signatureMalformed("no `value` string") }
        guard let value = Base64.decode(text), value.count == 64 else {
            throw .signatureMalformed("`value` is not the padded base64 of 64 bytes")
        }
        return (keyID, value)
    }

    private static func isKeyID(_ text: String) -> Bool {
        let hex = text.utf8.dropFirst("sha256:".utf8.count)
        return text.hasPrefix("sha256:") && hex.count == 16
            && hex.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
