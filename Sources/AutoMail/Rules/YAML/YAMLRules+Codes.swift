import Diagnostics
import YAMLSource

/// AM101–AM113 are declared in YAMLSource (`yamlSyntax` … `yamlUnquotedLiquid`), whose parser reports
/// them; the YAML family's catalog entries are in `YAMLRules+Catalog.swift`. These are the two names the
/// compiler reports YAML codes under from elsewhere (the loader, header values).
public extension DiagnosticCode {
    /// A file larger than the configured limit (AM110, also reported by the loader).
    static let fileTooLarge: DiagnosticCode = .yamlFileTooLarge
    /// An invisible or bidirectional-control character (AM112, also reported for header values).
    static let hiddenCharacter: DiagnosticCode = .yamlHiddenCharacter
}
