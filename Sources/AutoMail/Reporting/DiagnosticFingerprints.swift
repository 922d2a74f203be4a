import Crypto
import Diagnostics

/// Fingerprints that identify a diagnostic across runs and unrelated edits, for code scanning (SARIF's
/// `partialFingerprints`) and GitLab's Code Quality (`fingerprint`): the SHA-256 of the code, the file, the
/// text the range covers (whitespace runs made one space; not its line, which moves when lines are
/// added above) and how many identical ones came before it in the reporting order. A diagnostic about the
/// workspace as a whole uses its message instead of a place.
struct DiagnosticFingerprints {
    /// Written before every workspace-relative path, as in the report.
    let pathPrefix: String
    private var occurrences: [String: Int] = [:]

    init(pathPrefix: String) {
        self.pathPrefix = pathPrefix
    }

    /// The fingerprint of `diagnostic`, the next in reporting order: lowercase hex.
    mutating func next(_ diagnostic: Diagnostic, locator: inout SourceLocator) -> String {
        let identity: String
        if let range = diagnostic.range {
            let text = locator.text(of: range).split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            identity = diagnostic.code.rawValue + "\u{0}" + pathPrefix + range.file + "\u{0}" + text
        } else {
            identity = diagnostic.code.rawValue + "\u{0}\u{0}" + diagnostic.message
        }
        let seen = occurrences[identity, default: 0]
        occurrences[identity] = seen + 1
        return Self.sha256(identity + "\u{0}\(seen)")
    }

    /// The lowercase hex SHA-256 of `text`'s UTF-8 bytes.
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
