import ArgumentParser
import BundleFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `automail keygen --out NAME`: writes a new Ed25519 key pair, `NAME.key` (PEM PKCS#8, mode 0600) and
/// `NAME.pub` (PEM SubjectPublicKeyInfo), both readable by OpenSSL. Never overwrites a file.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new Ed25519 key pair for signing bundles: NAME.key (private) and NAME.pub (public).",
        discussion: """
            NAME.key is created readable by its owner only (mode 0600); keep it secret, for example as a CI \
            secret given to `build --sign env:VAR`. Give NAME.pub to the senders, for `verify --key`. \
            Existing files are never overwritten. See docs/signing.md.
            """
    )

    @Option(name: [.customLong("out"), .customShort("o")], help: "The path of the key pair, without extension.")
    var out: String

    func validate() throws {
        if out.isEmpty || out.hasSuffix("/") { throw ValidationError("--out needs a file name, such as `keys/ci`") }
    }

    func run() throws {
        let privatePath = out + ".key"
        let publicPath = out + ".pub"
        if let problem = OutputFile.missingDirectory(for: privatePath) {
            Console.writeError("error: cannot write `\(privatePath)`: no directory `\(problem)`\n")
            throw ExitCode(ExitStatus.usage)
        }
        for path in [privatePath, publicPath] where KeyFile.exists(path) {
            Console.writeError("error: `\(path)` already exists: keygen never overwrites a key\n")
            throw ExitCode(ExitStatus.usage)
        }
        let key = BundlePrivateKey.generate()
        do {
            try OutputFile.writeAtomically(Array(key.pem.utf8), to: privatePath, mode: 0o600, replacing: false)
        } catch {
            Console.writeError("error: cannot write `\(privatePath)`: \(error)\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
        do {
            try OutputFile.writeAtomically(Array(key.publicKey.pem.utf8), to: publicPath, replacing: false)
        } catch {
            // Leave no private key without its public half.
            unlink(privatePath)
            Console.writeError("error: cannot write `\(publicPath)`: \(error)\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
        try Console.writeOutput(
            "wrote \(privatePath) (private key, mode 0600: keep it secret) and \(publicPath) (public key), "
                + "key_id \(key.publicKey.keyID)\n")
    }
}
