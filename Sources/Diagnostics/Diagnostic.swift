/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A stable diagnostic code such as `AM201`. Codes never change meaning once released.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The code as printed, e.g. `AM201`.
    public var rawValue: String

    /// Creates a code from its printed form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a code from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

/// A secondary message attached to a diagnostic, optionally pointing somewhere else
/// (for example "first defined here").
public struct DiagnosticNote: Sendable, Hashable {
    /// What the note says; lowercase, names things in backticks, no trailing period.
    public var message: String
    /// Where the note points, if anywhere.
    public var range: SourceRange?

    /// Creates a note.
    public init(_ message: String, at range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }
}

/// One finding of the compiler: what is wrong, where, and how to fix it.
///
/// Messages start lowercase, name the thing in backticks and have no trailing period;
/// the fix goes in `help`.
public struct Diagnostic: Sendable, Hashable {
    /// The stable code, e.g. `AM201`.
    public var code: DiagnosticCode
    /// How serious it is.
    public var severity: Severity
    /// What is wrong.
    public var message: String
    /// Where it is; `nil` only for diagnostics about the workspace as a whole.
    public var range: SourceRange?
    /// Related places and facts.
    public var notes: [DiagnosticNote]
    /// One actionable fix.
    public var help: String?

    /// Creates a diagnostic.
    public init(
        code: DiagnosticCode,
        severity: Severity,
        message: String,
        range: SourceRange?,
        notes: [DiagnosticNote] = [],
        help: String? = nil
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.help = help
    }

    /// Creates an error.
    public static func error(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange?, notes: [DiagnosticNote] = [],
        help: String? = nil
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .error, message: message, range: range, notes: notes, help: help)
    }

    /// Creates a warning.
    public static func warning(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange?, notes: [DiagnosticNote] = [],
        help: String? = nil
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, message: message, range: range, notes: notes, help: help)
    }
}

extension Diagnostic {
    /// The order diagnostics are reported in: by file, position, code, then message. Workspace-wide
    /// diagnostics (no range) come first. This order does not depend on the order files were read.
    public static func reportingOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        switch (lhs.range, rhs.range) {
        case (nil, .some): return true
        case (.some, nil): return false
        case let (l?, r?) where l != r: return l < r
        default:
            if lhs.code != rhs.code { return lhs.code < rhs.code }
            return lhs.message < rhs.message
        }
    }
}

/// Collects diagnostics from every stage so that a user sees all problems in one run.
public struct DiagnosticBag: Sendable {
    /// Everything reported so far, in report order (call `sorted()` for the stable order).
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates an empty bag.
    public init() {}

    /// Reports one diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Reports several diagnostics.
    public mutating func report(contentsOf other: some Sequence<Diagnostic>) {
        diagnostics.append(contentsOf: other)
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// A bag holding `transform` of each diagnostic, in the same report order.
    public func map(_ transform: (Diagnostic) -> Diagnostic) -> DiagnosticBag {
        var mapped = DiagnosticBag()
        mapped.diagnostics = diagnostics.map(transform)
        return mapped
    }

    /// The number of diagnostics of `severity`.
    public func count(of severity: Severity) -> Int { diagnostics.count { $0.severity == severity } }

    /// The diagnostics in the stable reporting order, without exact duplicates.
    public func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.sorted(by: Diagnostic.reportingOrder).filter { seen.insert($0).inserted }
    }
}
