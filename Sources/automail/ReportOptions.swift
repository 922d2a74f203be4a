import ArgumentParser
import AutoMail
import Diagnostics

/// `--format` takes a ``ReportFormat`` by its raw value.
extension ReportFormat: ExpressibleByArgument {}

/// `--format` and `--report`, shared by `check` and `build`: which reporter renders the diagnostics and
/// where its output goes (docs/diagnostics.md).
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The diagnostics' format: \(ReportFormat.helpList)."))
    var format: ReportFormat = .human

    @Option(
        name: .customLong("report"),
        help: "Write the diagnostics to this file (atomically) instead of the terminal.")
    var reportFile: String?

    func validate() throws {
        if let reportFile, let problem = OutputFile.missingDirectory(for: reportFile) {
            throw ValidationError("cannot write `\(reportFile)`: no directory `\(problem)`")
        }
    }

    /// Renders `diagnostics` (and the `suppressed` ones) and writes them: to `--report FILE` when given;
    /// else the human format to stderr and machine formats to `machineDescriptor`. With `onlyIfAny`, a
    /// human report without diagnostics is not written (what `build` does).
    ///
    /// - Throws: `ExitCode(3)` when the report cannot be written.
    func write(
        _ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic], loaded: LoadedWorkspace, workspace: String,
        color: ColorChoice, maxDiagnostics: Int?, machineDescriptor: Int32, onlyIfAny: Bool = false
    ) throws {
        let kind = format
        if kind == .human, onlyIfAny, diagnostics.isEmpty { return }
        let descriptor = kind == .human ? Console.standardError : machineDescriptor
        let prefix =
            kind == .human
            ? HumanReporter.pathPrefix(forWorkspace: workspace)
            : WorkspaceLoader.reportPathPrefix(root: loaded.root, argument: workspace)
        let context = ReportContext(
            sources: loaded.filesByPath, pathPrefix: prefix,
            useColor: reportFile == nil && color.isEnabled(forDescriptor: descriptor), maxDiagnostics: maxDiagnostics)
        let text = kind.reporter(context).report(diagnostics, suppressed: suppressed)
        guard let reportFile else {
            if !Console.writeAll(Array(text.utf8), to: descriptor) {
                Console.writeError("error: cannot write the report: \(SystemErrorText.current())\n")
                throw ExitCode(ExitStatus.internalFailure)
            }
            return
        }
        do {
            try OutputFile.writeAtomically(Array(text.utf8), to: reportFile)
        } catch {
            Console.writeError("error: cannot write `\(reportFile)`: \(error)\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
    }
}
