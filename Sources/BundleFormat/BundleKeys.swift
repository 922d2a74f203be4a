import Crypto

/// Why a key could not be read. The description never quotes the key's content.
public enum BundleKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not one PEM block `-----BEGIN <label>-----` … `-----END <label>-----`.
    case notPEM(expectedLabel: String)
    /// A PEM block of another kind (for example a public key where a private key is expected).
    case wrongLabel(found: String, expected: String)
    /// The text between the PEM lines, or the base64 text given, is not canonical base64.
    case invalidBase64
    /// The DER is not an Ed25519 key of the expected form (PKCS#8 v1 for a private key,
    /// SubjectPublicKeyInfo for a public key).
    case notEd25519(expectedLabel: String, derCount: Int)
    /// A raw key of the wrong size.
    case wrongLength(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .notPEM(let label):
            return "not a PEM `-----BEGIN \(label)-----` block: expected that line, base64 lines, then "
                + "`-----END \(label)-----`, nothing else"
        case .wrongLabel(let found, let expected):
            let hint: String
            switch (found, expected) {
            case ("PUBLIC KEY", "PRIVATE KEY"): hint = ": this is a public key, give the private key (NAME.key)"
            case ("PRIVATE KEY", "PUBLIC KEY"): hint = ": this is a private key, give the public key (NAME.pub)"
            case ("ENCRYPTED PRIVATE KEY", _):
                hint = ": encrypted keys are not supported, decrypt it with `openssl pkey -in KEY -out PLAIN.key`"
            case ("OPENSSH PRIVATE KEY", _):
                hint = ": OpenSSH keys are not read, use `automail keygen` or `openssl genpkey -algorithm ed25519`"
            default: hint = ""
            }
            return "a PEM `\(found)` block where `\(expected)` is expected" + hint
        case .invalidBase64:
            return "the key is not valid base64"
        case .notEd25519(let label, let count):
            let form = label == BundlePublicKey.pemLabel ? "SubjectPublicKeyInfo (44 bytes)" : "PKCS#8 v1 (48 bytes)"
            return "not an Ed25519 key: expected the \(form) DER form, found \(count) bytes of another kind "
                + "(make one with `automail keygen` or `openssl genpkey -algorithm ed25519`)"
        case .wrongLength(let expected, let found):
            return "a raw Ed25519 key has \(expected) bytes, not \(found)"
        }
    }
}

/// An Ed25519 private key that signs bundles. Its description and reflection show only its `key_id`,
/// so printing or dumping one never reveals it.
public struct BundlePrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The PEM label of a private key: `PRIVATE KEY` (PKCS#8, RFC 5208 and RFC 8410).
    public static let pemLabel = "PRIVATE KEY"
    /// The DER of an Ed25519 PKCS#8 v1 key before its 32-byte seed (RFC 8410 §7): what OpenSSL writes.
    static let derPrefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public static func generate() -> BundlePrivateKey {
        BundlePrivateKey(key: Curve25519.Signing.PrivateKey())
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// The key whose RFC 8032 seed is `seed` (32 bytes).
    public init(seed: [UInt8]) throws(BundleKeyError) {
        key = try DERKey.make(seed) { try Curve25519.Signing.PrivateKey(rawRepresentation: $0) }
    }

    /// The key in a PKCS#8 DER: exactly ``derPrefix`` then the 32-byte seed.
    public init(der: [UInt8]) throws(BundleKeyError) {
        try self.init(seed: DERKey.keyBytes(of: der, prefix: Self.derPrefix, label: Self.pemLabel))
    }

    /// The key in a PEM `PRIVATE KEY` block (what `automail keygen` and `openssl genpkey -algorithm
    /// ed25519` write). Leading and trailing blank space and `\r\n` line ends are accepted; nothing else.
    public init(pem: String) throws(BundleKeyError) {
        try self.init(der: PEM.decode(pem, label: Self.pemLabel))
    }

    /// The key given as the base64 of its PKCS#8 DER on one line (the PEM body without its lines):
    /// how CI systems that hold only single-line secrets can carry it.
    public init(base64DER: String) throws(BundleKeyError) {
        guard let der = Base64.decode(base64DER) else { throw .invalidBase64 }
        try self.init(der: der)
    }

    /// The PEM text of the key, to store in a file only its owner can read.
    public var pem: String {
        PEM.encode(Self.derPrefix + Array(key.rawRepresentation), label: Self.pemLabel)
    }

    /// The public half, which verifies what this key signs.
    public var publicKey: BundlePublicKey {
        BundlePublicKey(key: key.publicKey)
    }

    public var description: String { "BundlePrivateKey(key_id: \(publicKey.keyID))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// An Ed25519 public key that verifies bundle signatures.
public struct BundlePublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The PEM label of a public key: `PUBLIC KEY` (SubjectPublicKeyInfo, RFC 5280 and RFC 8410).
    public static let pemLabel = "PUBLIC KEY"
    /// The DER of an Ed25519 SubjectPublicKeyInfo before its 32-byte key (RFC 8410 §4).
    static let derPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// The key from its 32 raw bytes (RFC 8032's encoding of the point).
    public init(rawRepresentation bytes: [UInt8]) throws(BundleKeyError) {
        key = try DERKey.make(bytes) { try Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// The key in a SubjectPublicKeyInfo DER: exactly ``derPrefix`` then the 32 raw bytes.
    public init(der: [UInt8]) throws(BundleKeyError) {
        try self.init(rawRepresentation: DERKey.keyBytes(of: der, prefix: Self.derPrefix, label: Self.pemLabel))
    }

    /// The key in a PEM `PUBLIC KEY` block (what `automail keygen` writes and `openssl pkey -pubout`
    /// prints). Leading and trailing blank space and `\r\n` line ends are accepted; nothing else.
    public init(pem: String) throws(BundleKeyError) {
        try self.init(der: PEM.decode(pem, label: Self.pemLabel))
    }

    /// The 32 raw bytes of the key.
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// The PEM text of the key.
    public var pem: String {
        PEM.encode(Self.derPrefix + rawRepresentation, label: Self.pemLabel)
    }

    /// The key's fingerprint, written in a signature's `key_id`: `sha256:` and the first 16 lowercase
    /// hex digits (8 bytes) of the SHA-256 of the 32 raw bytes.
    public var keyID: String {
        "sha256:" + Hex.lowercase(SHA256.hash(data: rawRepresentation).prefix(8))
    }

    public var description: String { "BundlePublicKey(key_id: \(keyID))" }

    public static func == (lhs: BundlePublicKey, rhs: BundlePublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawRepresentation)
    }
}

/// The two DER forms of Ed25519 keys: a fixed prefix, then the 32 key bytes (RFC 8410).
enum DERKey {
    /// The 32 key bytes of `der`, which must be exactly `prefix` followed by them.
    static func keyBytes(of der: [UInt8], prefix: [UInt8], label: String) throws(BundleKeyError) -> [UInt8] {
        guard der.count == prefix.count + 32, der.starts(with: prefix) else {
            throw .notEd25519(expectedLabel: label, derCount: der.count)
        }
        return Array(der.dropFirst(prefix.count))
    }

    /// The key `make` builds from 32 raw bytes.
    static func make<Key>(_ bytes: [UInt8], _ make: ([UInt8]) throws -> Key) throws(BundleKeyError) -> Key {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, found: bytes.count) }
        do {
            return try make(bytes)
        } catch {
            throw .wrongLength(expected: 32, found: bytes.count)
        }
    }
}

/// PEM (RFC 7468) blocks, read strictly: one block, its label as expected, base64 lines only.
enum PEM {
    /// The DER bytes of the single `label` block `text` holds.
    static func decode(_ text: String, label: String) throws(BundleKeyError) -> [UInt8] {
        // `\r\n` is one Character in Swift: split on it as on `\n`.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        // Blank lines before and after the block are fine (a file's final newline, a pasted secret).
        guard let first = lines.firstIndex(where: { !isBlank($0) }),
            let last = lines.lastIndex(where: { !isBlank($0) }), first < last
        else { throw .notPEM(expectedLabel: label) }
        let begin = lines[first]
        let end = lines[last]
        if let found = Self.label(of: begin, marker: "BEGIN"), found != label {
            throw .wrongLabel(found: found, expected: label)
        }
        guard begin == "-----BEGIN \(label)-----", end == "-----END \(label)-----" else {
            throw .notPEM(expectedLabel: label)
        }
        var body = ""
        for line in lines[(first + 1)..<last] {
            // Headers (`Proc-Type:`), blank lines inside and a second block are all refused here.
            guard !line.isEmpty, line.utf8.allSatisfy(isBase64Character) else {
                throw .notPEM(expectedLabel: label)
            }
            body += line
        }
        guard let der = Base64.decode(body) else { throw .invalidBase64 }
        return der
    }

    /// The PEM text of `der`: lines of 64 base64 characters, and a final newline.
    static func encode(_ der: [UInt8], label: String) -> String {
        let body = Array(Base64.encode(der).utf8)
        var text = "-----BEGIN \(label)-----\n"
        var index = 0
        while index < body.count {
            let next = min(index + 64, body.count)
            text += String(decoding: body[index..<next], as: UTF8.self) + "\n"
            index = next
        }
        return text + "-----END \(label)-----\n"
    }

    private static func label(of line: Substring, marker: String) -> String? {
        let prefix = "-----\(marker) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }

    private static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    private static func isBase64Character(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default: return false
        }
    }
}
