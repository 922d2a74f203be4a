import Diagnostics

/// Options that change what `build` writes.
public struct BuildOptions: Sendable, Hashable {
    /// The source revision recorded in the bundle (`--revision`, else the git commit), if any.
    public var revision: String?

    /// Creates build options.
    public init(revision: String? = nil) {
        self.revision = revision
    }
}

/// What one run of the compiler produced.
public struct CompilationResult: Sendable {
    /// Every diagnostic, in the stable reporting order.
    public var diagnostics: [Diagnostic]
    /// The canonical bundle bytes; present only when no diagnostic is an error and a bundle was asked for.
    public var bundle: [UInt8]?

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The compiler pipeline: parse, decode, check, lower, emit. Pure: it reads no file and prints nothing.
public enum Compiler {
    /// The compiler's version, recorded in every bundle.
    public static let version = "0.1.0"

    /// Checks a workspace given as its files.
    public static func check(_ files: [SourceFile]) -> CompilationResult {
        CompilationResult(diagnostics: [], bundle: nil)
    }

    /// Checks a workspace and, when it has no error, lowers it to a bundle.
    public static func build(_ files: [SourceFile], options: BuildOptions = BuildOptions()) -> CompilationResult {
        CompilationResult(diagnostics: [], bundle: nil)
    }
}
