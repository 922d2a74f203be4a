import Crypto

/// Emits a lowered bundle: computes its digest over the canonical form and writes the pretty form.
public enum BundleEmitter {
    /// The bundle format version this compiler writes.
    public static let formatVersion = 1

    /// The bytes of the bundle `content` (an object without `digest`), with its `digest` member added.
    public static func emit(_ content: [String: JSONValue]) -> [UInt8] {
        var members = content
        members["digest"] = nil
        members["digest"] = .string(digest(ofCanonical: JSONWriter(pretty: false).write(.object(members))))
        return JSONWriter(pretty: true).write(.object(members))
    }

    /// `sha256:` and the lowercase hex SHA-256 of `bytes`.
    public static func digest(ofCanonical bytes: [UInt8]) -> String {
        let hash = SHA256.hash(data: bytes)
        let hex = hash.map { byte -> String in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        return "sha256:" + hex
    }
}
