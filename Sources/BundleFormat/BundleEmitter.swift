import Crypto

/// Emits a lowered bundle: computes its digest over the canonical form and writes the pretty form.
public enum BundleEmitter {
    /// The bundle format version this compiler writes (`format`): the major version. A reader refuses
    /// a major version it does not know (docs/bundle-format.md, "Versions and compatibility").
    public static let formatVersion = 2
    /// The minor format version this compiler writes (`format_minor`; absent means 0). A minor change
    /// only adds what a reader of an earlier minor version can ignore.
    public static let formatMinorVersion = 0

    /// The members the digest does not cover: the digest itself and the signature of the digest.
    public static let unhashedMembers = ["digest", "signature"]

    /// The bytes of the bundle `content` (an object without `digest`), with its `digest` member added.
    ///
    /// The canonical form is hashed as it is written, chunk by chunk, never held whole; the pretty
    /// form is then written once into a buffer sized from the canonical one.
    public static func emit(_ content: [String: JSONValue]) -> [UInt8] {
        emitWithDigest(content).bundle
    }

    /// ``emit(_:)``'s bytes and the digest they carry.
    public static func emitWithDigest(_ content: [String: JSONValue]) -> (bundle: [UInt8], digest: String) {
        let (digest, canonicalCount) = canonicalDigest(of: content)
        var members = content
        members["digest"] = .string(digest)
        return (pretty(members, canonicalCount: canonicalCount), digest)
    }

    /// The bytes of the bundle `content` with its `digest` and a `signature` by `signingKey` of that
    /// digest (``BundleSignature``). The digest is the one ``emit(_:)`` writes: signing does not change it.
    public static func emit(_ content: [String: JSONValue], signingKey: BundlePrivateKey) throws(BundleSigningError)
        -> [UInt8]
    {
        let (digest, canonicalCount) = canonicalDigest(of: content)
        var members = content
        members["digest"] = .string(digest)
        members["signature"] = try BundleSignature.sign(digest: digest, privateKey: signingKey)
        return pretty(members, canonicalCount: canonicalCount)
    }

    /// The digest a bundle should carry: that of the canonical form of `bundle` without its `digest`
    /// and `signature` members. A reader compares it with the bundle's `digest` to detect any change.
    public static func expectedDigest(of bundle: [String: JSONValue]) -> String {
        canonicalDigest(of: bundle).digest
    }

    /// `sha256:` and the lowercase hex SHA-256 of `bytes`.
    public static func digest(ofCanonical bytes: [UInt8]) -> String {
        digestString(SHA256.hash(data: bytes))
    }

    /// The digest of the canonical form of `bundle` without ``unhashedMembers``, and its size in bytes.
    private static func canonicalDigest(of bundle: [String: JSONValue]) -> (digest: String, canonicalCount: Int) {
        var members = bundle
        for name in unhashedMembers { members[name] = nil }
        var hasher = SHA256()
        var canonicalCount = 0
        JSONWriter(pretty: false).stream(.object(members)) { chunk in
            hasher.update(bufferPointer: chunk)
            canonicalCount += chunk.count
        }
        return (digestString(hasher.finalize()), canonicalCount)
    }

    /// The pretty bytes of `members`.
    private static func pretty(_ members: [String: JSONValue], canonicalCount: Int) -> [UInt8] {
        var out: [UInt8] = []
        // Indentation adds roughly a tenth; reserving avoids copying the whole buffer as it grows.
        out.reserveCapacity(canonicalCount + canonicalCount / 8 + 4096)
        JSONWriter(pretty: true).write(.object(members), into: &out)
        return out
    }

    /// `sha256:` and the lowercase hex of `hash`.
    private static func digestString(_ hash: SHA256.Digest) -> String {
        "sha256:" + Hex.lowercase(hash)
    }
}
