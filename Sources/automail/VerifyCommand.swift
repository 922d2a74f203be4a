import ArgumentParser
import Diagnostics
import AutoMail
import BundleFormat

/// `automail verify --bundle FILE [--key PUB]`: checks a bundle's digest and, with a key, its signature,
/// and prints a one-line verdict. Exit 0 when valid, 1 on any mismatch, 2 when a file cannot be read.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a bundle is intact and, with --key, signed by that key.",
        discussion: """
            Exit codes: 0 valid; 1 the bundle was changed, is not a bundle, is unsigned or signed by another \
            key; 2 a file cannot be read or a key is malformed. Without --key only the digest is checked. \
            See docs/signing.md.
            """
    )

    /// Bundles larger than this are refused.
    static let maxBundleBytes = 1 << 30

    @Option(help: "The bundle file to check.")
    var bundle: String

    @Option(help: "The public key (PEM `PUBLIC KEY`, as `automail keygen` writes NAME.pub), or env:VAR.")
    var key: String?

    func run() throws {
        let publicKey = try key.map(KeyFile.publicKey)
        let bytes: [UInt8]
        switch WorkspaceLoader.readFile(bundle, limit: Self.maxBundleBytes) {
        case .success(let file): bytes = file.bytes
        case .failure(let error):
            Console.writeLine("error: cannot read `\(bundle)`: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            throw fail("not a bundle: invalid JSON at \(error)")
        }
        guard case .object(let members) = document else {
            throw fail("not a bundle: the document is not a JSON object")
        }
        let line: String
        do {
            line = try verdict(members, publicKey: publicKey)
        } catch {
            throw fail(error.description)
        }
        try Console.writeOutput(line + "\n")
    }

    /// The verdict line for a bundle that passes, or why it does not.
    private func verdict(_ members: [String: JSONValue], publicKey: BundlePublicKey?)
        throws(BundleVerificationError) -> String
    {
        guard let publicKey else {
            let digest = try BundleSignature.verifyDigest(bundle: members)
            let signer =
                BundleSignature.keyID(of: members).map { "signed with key_id \($0)" }
                ?? (members["signature"] == nil ? "unsigned" : "malformed signature")
            return "verified: \(bundle): digest \(digest) matches; signature not checked (no --key; \(signer))"
        }
        let verified = try BundleSignature.verify(bundle: members, publicKey: publicKey)
        return "verified: \(bundle): digest \(verified.digest) matches; ed25519 signature valid, key_id "
            + (verified.keyID ?? publicKey.keyID)
    }

    /// Prints the failed verdict and returns the exit that ends the run with status 1.
    private func fail(_ reason: String) -> ExitCode {
        Console.writeLine("error: \(bundle): \(reason)")
        return ExitCode(ExitStatus.problems)
    }
}
