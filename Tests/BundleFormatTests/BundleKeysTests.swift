import BundleFormat
import Foundation
import Testing

/// Reading and writing keys: the PEM forms OpenSSL reads and writes, parsed strictly, and a private key
/// that never shows itself.
struct BundleKeysTests {
    /// RFC 8032 §7.1 TEST 1: the seed and the public key it gives.
    static let rfcSeed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfcPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    @Test func fixtureKeyIsTheRFC8032TestKey() throws {
        let key = try SigningFixtures.testKey()
        #expect(key.publicKey.rawRepresentation == Self.bytes(hex: Self.rfcPublicKey))
        #expect(try BundlePrivateKey(seed: Self.bytes(hex: Self.rfcSeed)).publicKey == key.publicKey)
        #expect(try BundlePublicKey(pem: try SigningFixtures.text("test-key.pub")) == key.publicKey)
        // The committed files are what OpenSSL and Python's `cryptography` write, byte for byte.
        #expect(key.pem == (try SigningFixtures.text("test-key.key")))
        #expect(key.publicKey.pem == (try SigningFixtures.text("test-key.pub")))
        #expect(key.publicKey.keyID == "sha256:21fe31dfa154a261")
    }

    @Test func generatedKeysRoundTripThroughPEM() throws {
        let key = BundlePrivateKey.generate()
        let again = try BundlePrivateKey(pem: key.pem)
        #expect(again.publicKey == key.publicKey)
        #expect(try BundlePublicKey(pem: key.publicKey.pem) == key.publicKey)
        #expect(BundlePrivateKey.generate().publicKey != key.publicKey)
        let body = key.pem.split(separator: "\n").dropFirst().dropLast().joined()
        #expect(try BundlePrivateKey(base64DER: body).publicKey == key.publicKey)
    }

    @Test func blankSpaceAroundAndWindowsLineEndsAreAccepted() throws {
        let text = try SigningFixtures.text("test-key.key")
        let key = try SigningFixtures.testKey()
        #expect(try BundlePrivateKey(pem: "\n  \n" + text + "\n\n").publicKey == key.publicKey)
        #expect(try BundlePrivateKey(pem: text.replacingOccurrences(of: "\n", with: "\r\n")).publicKey == key.publicKey)
        #expect(try BundlePrivateKey(pem: String(text.dropLast())).publicKey == key.publicKey)
    }

    /// A private key text and the error reading it must give.
    struct BadKey: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var expected: BundleKeyError
        var testDescription: String { name }
    }

    static let privateBody = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"
    static func privatePEM(_ body: String, label: String = "PRIVATE KEY") -> String {
        "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    static let badPrivateKeys: [BadKey] = [
        BadKey(name: "empty", text: "", expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(name: "bare base64", text: privateBody, expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "a public key",
            text:
                "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n",
            expected: .wrongLabel(found: "PUBLIC KEY", expected: "PRIVATE KEY")),
        BadKey(
            name: "an encrypted key", text: privatePEM(privateBody, label: "ENCRYPTED PRIVATE KEY"),
            expected: .wrongLabel(found: "ENCRYPTED PRIVATE KEY", expected: "PRIVATE KEY")),
        BadKey(
            name: "an OpenSSH key", text: privatePEM(privateBody, label: "OPENSSH PRIVATE KEY"),
            expected: .wrongLabel(found: "OPENSSH PRIVATE KEY", expected: "PRIVATE KEY")),
        BadKey(
            name: "END label differs",
            text: "-----BEGIN PRIVATE KEY-----\n\(privateBody)\n-----END PUBLIC KEY-----\n",
            expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "a header line", text: privatePEM("Proc-Type: 4,ENCRYPTED\n" + privateBody),
            expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "a blank line inside",
            text: privatePEM("MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v\n\n/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"),
            expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "two blocks", text: privatePEM(privateBody) + privatePEM(privateBody),
            expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "text after the block", text: privatePEM(privateBody) + "comment\n",
            expected: .notPEM(expectedLabel: "PRIVATE KEY")),
        BadKey(
            name: "base64 cut short", text: privatePEM(String(privateBody.dropLast())), expected: .invalidBase64),
        BadKey(name: "misplaced padding", text: privatePEM("MC4=" + privateBody), expected: .invalidBase64),
        BadKey(
            name: "a PKCS#8 key of another algorithm (X25519)",
            text: privatePEM("MC4CAQAwBQYDK2VuBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"),
            expected: .notEd25519(expectedLabel: "PRIVATE KEY", derCount: 48)),
        BadKey(
            name: "PKCS#8 v2 with the public key (83 bytes)",
            text: privatePEM(
                "MFECAQEwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9ggSEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
            ),
            expected: .notEd25519(expectedLabel: "PRIVATE KEY", derCount: 83)),
    ]

    @Test(arguments: badPrivateKeys)
    func malformedPrivateKeysAreRefused(_ bad: BadKey) {
        #expect(throws: bad.expected) { try BundlePrivateKey(pem: bad.text) }
    }

    @Test func malformedPublicKeysAreRefused() {
        #expect(throws: BundleKeyError.wrongLabel(found: "PRIVATE KEY", expected: "PUBLIC KEY")) {
            try BundlePublicKey(pem: Self.privatePEM(Self.privateBody))
        }
        #expect(throws: BundleKeyError.notEd25519(expectedLabel: "PUBLIC KEY", derCount: 48)) {
            try BundlePublicKey(pem: Self.privatePEM(Self.privateBody, label: "PUBLIC KEY"))
        }
        #expect(throws: BundleKeyError.wrongLength(expected: 32, found: 31)) {
            try BundlePublicKey(rawRepresentation: Array(repeating: 1, count: 31))
        }
        #expect(throws: BundleKeyError.invalidBase64) { try BundlePrivateKey(base64DER: "not base64!") }
    }

    @Test func errorsExplainWithoutQuotingTheKey() {
        for bad in Self.badPrivateKeys {
            let message = bad.expected.description
            #expect(!message.contains("MC4CAQAw"), "\(bad.name): \(message)")
            #expect(message.first?.isLowercase == true && message.last != ".", "\(bad.name): \(message)")
        }
        #expect(
            BundleKeyError.wrongLabel(found: "PRIVATE KEY", expected: "PUBLIC KEY").description
                .hasSuffix("this is a private key, give the public key (NAME.pub)"))
    }

    @Test func privateKeyNeverShowsItself() throws {
        let key = try SigningFixtures.testKey()
        var dumped = ""
        dump(key, to: &dumped)
        let shown = [String(describing: key), String(reflecting: key), "\(key)", dumped]
        let seedBase64 = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
        for text in shown {
            #expect(text.contains("sha256:21fe31dfa154a261"), "\(text)")
            #expect(!text.contains(seedBase64) && !text.contains("9d61b1") && !text.contains("157, 97"), "\(text)")
        }
    }
}
