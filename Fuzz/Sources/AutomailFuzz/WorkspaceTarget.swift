import AutoMail
import Diagnostics

/// The `workspace` target: decodes a workspace from the bytes (FuzzInput.swift), builds it and renders
/// its diagnostics the way `automail check` does.
enum WorkspaceTarget {
    /// Runs one input.
    static func run(_ bytes: [UInt8]) {
        let files = FuzzInput.files(bytes)
        let result = Compiler.build(files, options: BuildOptions(revision: "fuzz"))
        let sources = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let reporter = HumanReporter(useColor: false, sources: sources)
        _ = reporter.render(result.diagnostics)
        _ = reporter.summary(result.diagnostics)
        // A bundle is written only without errors; a workspace with errors must never yield one.
        if result.hasErrors, result.bundle != nil { trap("a bundle was emitted despite errors") }
    }
}
