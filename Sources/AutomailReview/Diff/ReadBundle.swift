import BundleFormat

/// A bundle file read back: its content and whether its `digest` matches that content.
public struct ReadBundle: Sendable, Hashable {
    /// Whether the recorded digest matches the content.
    public enum DigestStatus: String, Sendable, Hashable {
        /// The digest is that of the content: the file is as the compiler wrote it.
        case matches
        /// The digest is not that of the content: the file was changed after it was built.
        case mismatch
        /// The bundle has no `digest` member.
        case missing
    }

    /// The whole document.
    public var content: JSONValue
    /// The digest recorded in the bundle, if any.
    public var digest: String?
    /// Whether ``digest`` matches the content.
    public var digestStatus: DigestStatus

    /// Reads a bundle from its bytes with the strict ``JSONParser`` and checks its digest (the
    /// SHA-256 of the canonical form without `digest`, docs/bundle-format.md). The shape of the content
    /// is checked when it is compared (``BundleDiff/compare(old:new:)``).
    ///
    /// - Throws: ``BundleReadError`` when the bytes are not one JSON object.
    public static func read(_ bytes: [UInt8]) throws(BundleReadError) -> ReadBundle {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw BundleReadError(path: "", message: "not valid JSON: \(error)")
        }
        guard case .object(let members) = value else {
            throw BundleReadError(path: "", message: "a bundle is a JSON object, this is not one")
        }
        guard case .string(let digest)? = members["digest"] else {
            return ReadBundle(content: value, digest: nil, digestStatus: .missing)
        }
        let expected = BundleEmitter.expectedDigest(of: members)
        return ReadBundle(content: value, digest: digest, digestStatus: expected == digest ? .matches : .mismatch)
    }
}
