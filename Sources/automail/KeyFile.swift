import ArgumentParser
import AutoMail
import BundleFormat
import Diagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the keys that `build --sign` and `verify --key` name: a PEM file, or `env:NAME` for the
/// environment variable NAME (how CI systems hand out secrets). Problems are printed and end the run
/// with status 2; a key's content is never printed.
enum KeyFile {
    /// What names an environment variable instead of a file.
    static let environmentPrefix = "env:"
    /// Key files are a few hundred bytes; anything larger is not a key.
    static let maxBytes = 64 * 1024

    /// The signing key `argument` names. A file must be readable by its owner only (like ssh, automail
    /// refuses a private key that other users can read); a variable holds the PEM text or the base64 of
    /// the PKCS#8 DER on one line.
    static func privateKey(_ argument: String) throws -> BundlePrivateKey {
        let text = try read(argument)
        let key: BundlePrivateKey
        do {
            let trimmed = text.trimmingBlankSpace
            if argument.hasPrefix(environmentPrefix), !trimmed.hasPrefix("-----") {
                key = try BundlePrivateKey(base64DER: trimmed)
            } else {
                key = try BundlePrivateKey(pem: text)
            }
        } catch {
            throw fail("cannot use the signing key `\(argument)`: \(error)")
        }
        // Checked once the file is known to hold a private key, so a public key given by mistake is
        // named as such.
        var info = stat()
        if !argument.hasPrefix(environmentPrefix), stat(argument, &info) == 0, Int(info.st_mode) & 0o077 != 0 {
            let mode = String(Int(info.st_mode) & 0o777, radix: 8)
            throw fail(
                "the private key `\(argument)` is accessible by other users (mode 0\(mode)): "
                    + "run `chmod 600 \(argument)`, or pass it as `env:NAME`")
        }
        return key
    }

    /// The public key `argument` names (a PEM `PUBLIC KEY` file or variable).
    static func publicKey(_ argument: String) throws -> BundlePublicKey {
        let text = try read(argument)
        do {
            return try BundlePublicKey(pem: text)
        } catch {
            throw fail("cannot use the public key `\(argument)`: \(error)")
        }
    }

    /// Whether something (a file, a folder, a link, even a broken one) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The text of the file or variable `argument` names.
    private static func read(_ argument: String) throws -> String {
        if argument.hasPrefix(environmentPrefix) {
            let name = String(argument.dropFirst(environmentPrefix.count))
            guard let value = getenv(name) else { throw fail("the environment variable `\(name)` is not set") }
            let text = String(cString: value)
            guard !text.isEmpty else { throw fail("the environment variable `\(name)` is empty") }
            return text
        }
        let file: SourceFile
        switch WorkspaceLoader.readFile(argument, limit: maxBytes) {
        case .success(let read): file = read
        case .failure(let error): throw fail("cannot read the key `\(argument)`: \(error)")
        }
        return String(decoding: file.bytes, as: UTF8.self)
    }

    /// Prints `message` as an error and returns the exit that ends the run with status 2.
    private static func fail(_ message: String) -> ExitCode {
        Console.writeLine("error: \(message)")
        return ExitCode(ExitStatus.usage)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line ends.
    fileprivate var trimmingBlankSpace: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
