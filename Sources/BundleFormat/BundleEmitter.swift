import Crypto

/// Emits a lowered bundle: computes its digest over the canonical form and writes the pretty form.
public enum BundleEmitter {
    /// The bundle format version this compiler writes (`format`): the major version. A reader refuses
    /// a major version it does not know (docs/bundle-format.md, "Versions and compatibility").
    public static let formatVersion = 1
    /// The minor format version this compiler writes (`format_minor`; absent means 0). A minor change
    /// only adds what a reader of an earlier minor version can ignore.
    public static let formatMinorVersion = 1

    /// The bytes of the bundle `content` (an object without `digest`), with its `digest` member added.
    ///
    /// The canonical form is hashed as it is written, chunk by chunk, never held whole; the pretty
    /// form is then written once into a buffer sized from the canonical one.
    public static func emit(_ content: [String: JSONValue]) -> [UInt8] {
        var members = content
        members["digest"] = nil
        var hasher = SHA256()
        var canonicalCount = 0
        JSONWriter(pretty: false).stream(.object(members)) { chunk in
            hasher.update(bufferPointer: chunk)
            canonicalCount += chunk.count
        }
        members["digest"] = .string(digestString(hasher.finalize()))
        var out: [UInt8] = []
        // Indentation adds roughly a tenth; reserving avoids copying the whole buffer as it grows.
        out.reserveCapacity(canonicalCount + canonicalCount / 8 + 4096)
        JSONWriter(pretty: true).write(.object(members), into: &out)
        return out
    }

    /// The digest a bundle should carry: that of the canonical form of `bundle` without its `digest`
    /// member. A reader compares it with the bundle's `digest` to detect any change.
    public static func expectedDigest(of bundle: [String: JSONValue]) -> String {
        var members = bundle
        members["digest"] = nil
        var hasher = SHA256()
        JSONWriter(pretty: false).stream(.object(members)) { chunk in hasher.update(bufferPointer: chunk) }
        return digestString(hasher.finalize())
    }

    /// `sha256:` and the lowercase hex SHA-256 of `bytes`.
    public static func digest(ofCanonical bytes: [UInt8]) -> String {
        digestString(SHA256.hash(data: bytes))
    }

    /// `sha256:` and the lowercase hex of `hash`.
    private static func digestString(_ hash: SHA256.Digest) -> String {
        let hex = hash.map { byte -> String in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        return "sha256:" + hex
    }
}
