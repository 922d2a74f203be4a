import ArgumentParser
import Diagnostics
import AutoMail
import BundleFormat

/// `automail build [WORKSPACE] [--output FILE] [--revision REV] [--strict] [--sign KEY] [--format F] [--report FILE]`:
/// writes the bundle (signed with KEY when given) to FILE (atomically) or to stdout; diagnostics go to
/// stderr in any format (stdout is the bundle's), or to `--report FILE`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a workspace into one deterministic JSON rule bundle.",
        discussion: """
            The bundle goes to stdout (or --output FILE); diagnostics go to stderr in any format, or to \
            --report FILE. Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 bad usage, \
            3 internal failure (docs/diagnostics.md).
            """
    )

    @Argument(help: "The workspace folder: the one that holds automail.yaml.")
    var workspace: String = "."

    @Option(name: .shortAndLong, help: "Write the bundle to this file (atomically) instead of stdout.")
    var output: String?

    @Option(help: "The source revision recorded in the bundle (default: the git commit of the workspace).")
    var revision: String?

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(help: "Sign the bundle with this Ed25519 private key: a PEM file only its owner can read (automail keygen), or env:VAR. See docs/signing.md.")
    var sign: String?

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var report: ReportOptions

    @OptionGroup var execution: RunOptions

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        if let output, let problem = OutputFile.missingDirectory(for: output) {
            Console.writeLine("error: cannot write `\(output)`: no directory `\(problem)`")
            throw ExitCode(ExitStatus.usage)
        }
        let signingKey = try sign.map(KeyFile.privateKey)
        let useColor = color.isEnabled(forDescriptor: Console.standardError)
        let loaded = try Console.load(workspace, useColor: useColor, limits: limits.loadLimits)
        var options = BuildOptions(
            revision: revision ?? WorkspaceLoader.gitRevision(of: loaded.root), limits: limits.yamlLimits,
            parallelism: execution.threads)
        options.referenceTime = ReferenceTime.now()
        // The bundle streams into its file (or into memory for stdout) as it is lowered: it is never
        // held whole as a value. The file is put in place only once the diagnostics allow it.
        var file: OutputFile.AtomicFile?
        var memory = BundleBytes()
        let result: CompilationResult
        do {
            if let output {
                var sink = OutputFile.AtomicFile(path: output)
                defer { file = sink }
                result = try Compiler.build(loaded.files, options: options, signingKey: signingKey, into: &sink)
            } else {
                result = try Compiler.build(loaded.files, options: options, signingKey: signingKey, into: &memory)
            }
        } catch {
            file?.abandon()
            Console.writeLine("error: internal: cannot sign the bundle: \(error)")
            throw ExitCode(ExitStatus.internalFailure)
        }
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        do {
            try report.write(
                diagnostics, suppressed: result.suppressed, loaded: loaded, workspace: workspace, color: color,
                maxDiagnostics: execution.maxDiagnostics, machineDescriptor: Console.standardError, onlyIfAny: true)
        } catch {
            file?.abandon()
            throw error
        }
        if Console.fails(diagnostics, strict: strict) {
            file?.abandon()
            throw ExitCode(ExitStatus.problems)
        }
        guard result.bundleDigest != nil else {
            file?.abandon()
            Console.writeLine("error: internal: the compiler reported no error but produced no bundle")
            throw ExitCode(ExitStatus.internalFailure)
        }
        if var file, let output {
            do {
                try file.commit()
            } catch {
                Console.writeLine("error: cannot write `\(output)`: \(error)")
                throw ExitCode(ExitStatus.internalFailure)
            }
        } else {
            try Console.writeOutput(memory.bytes, what: "the bundle")
        }
    }
}
