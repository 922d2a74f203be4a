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
    /// How many more diagnostics of this code in this file this one stands for, not shown: a
    /// ``DiagnosticBag`` keeps at most ``DiagnosticBag/maxPerFileAndCode`` of each and folds the rest
    /// into the last one kept, whose note counts them. Summaries count them.
    public var notShown = 0

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
///
/// A bag keeps at most ``maxPerFileAndCode`` diagnostics of one code in one file: the rest are counted,
/// not kept (a 15 MB file of `- *a` lines is 3,000,000 AM103, which would take gigabytes to hold and
/// print). The last one kept stands for them (``Diagnostic/notShown``) and ``sorted()`` gives it a note
/// `N more AM103 in this file are not shown`; summaries count them.
public struct DiagnosticBag: Sendable {
    /// How many diagnostics of one code one file keeps at most.
    public static let maxPerFileAndCode = 20

    /// Everything kept so far, in report order (call `sorted()` for the stable order).
    public private(set) var diagnostics: [Diagnostic] = []

    private struct FoldKey: Hashable {
        var file: String
        var code: DiagnosticCode
    }

    /// For each file and code: how many are kept, and the index of the last one kept.
    private var kept: [FoldKey: (count: Int, last: Int)] = [:]

    /// Creates an empty bag.
    public init() {}

    /// Reports one diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        let key = FoldKey(file: diagnostic.range?.file ?? "", code: diagnostic.code)
        if let entry = kept[key], entry.count >= Self.maxPerFileAndCode {
            diagnostics[entry.last].notShown += 1 + diagnostic.notShown
            return
        }
        kept[key, default: (0, 0)].count += 1
        kept[key]?.last = diagnostics.count
        diagnostics.append(diagnostic)
    }

    /// Reports several diagnostics.
    public mutating func report(contentsOf other: some Sequence<Diagnostic>) {
        for diagnostic in other { report(diagnostic) }
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// A bag holding `transform` of each diagnostic, in the same report order.
    public func map(_ transform: (Diagnostic) -> Diagnostic) -> DiagnosticBag {
        var mapped = self
        mapped.diagnostics = diagnostics.map(transform)
        return mapped
    }

    /// The number of diagnostics of `severity`, those not shown included.
    public func count(of severity: Severity) -> Int {
        diagnostics.reduce(0) { $0 + ($1.severity == severity ? 1 + $1.notShown : 0) }
    }

    /// The diagnostics in the stable reporting order, without exact duplicates, each that stands for
    /// others with its note counting them.
    public func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.sorted(by: Diagnostic.reportingOrder).filter { seen.insert($0).inserted }
            .map(Self.withFoldNote)
    }

    /// The note that counts the diagnostics `diagnostic` stands for (replacing an earlier count).
    public static func withFoldNote(_ diagnostic: Diagnostic) -> Diagnostic {
        guard diagnostic.notShown > 0 else { return diagnostic }
        var result = diagnostic
        let suffix = " more \(diagnostic.code) in this file are not shown"
        result.notes.removeAll { $0.range == nil && $0.message.hasSuffix(suffix) }
        result.notes.append(DiagnosticNote("\(diagnostic.notShown)" + suffix))
        return result
    }
}

extension Sequence<Diagnostic> {
    /// The number of diagnostics of `severity`, counting those each stands for (``Diagnostic/notShown``).
    public func total(of severity: Severity) -> Int {
        reduce(0) { $0 + ($1.severity == severity ? 1 + $1.notShown : 0) }
    }
}
