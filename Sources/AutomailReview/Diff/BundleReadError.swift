import BundleModel

/// Why a bundle could not be read for a diff: where (a dotted path into the bundle, empty for the
/// whole document) and what is wrong.
public struct BundleReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the value at fault (`templates.bienvenue.locales.fr.subject`), empty for
    /// the document itself.
    public var path: String
    /// What is wrong, lowercase, no trailing period.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// The diff's wording of a problem the bundle reader found: a dotted path (for a missing member,
    /// the member's own), `missing`, and `a number` for an integer.
    public init(_ problem: FormatProblem) {
        var tokens = problem.pointer.tokens
        switch problem.reason {
        case .missingMember(let key):
            tokens.append(key)
            message = "missing"
        case .wrongKind(let expected, let found):
            message = "expected \(expected), found \(found == .integer ? "a number" : found.description)"
        case .unsupportedFormat(let found, let readable):
            let formats = "formats \(readable.lowerBound) to \(readable.upperBound)"
            message = "bundle format \(found) is not one this automail reads (\(formats))"
        case .invalid(let text):
            message = text
        }
        path = tokens.joined(separator: ".")
    }

    public var description: String { path.isEmpty ? message : "`\(path)`: \(message)" }
}
