import ArgumentParser
import AutoMail
import BundleFormat

/// `automail build [WORKSPACE] [--output FILE] [--revision REV] [--strict] [--sign KEY]`: writes the bundle
/// (signed with KEY when given) to FILE (atomically) or to stdout; diagnostics go to stderr.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a workspace into one deterministic JSON rule bundle."
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

    @OptionGroup var execution: RunOptions

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        if let output, let problem = OutputFile.missingDirectory(for: output) {
            Console.writeError("error: cannot write `\(output)`: no directory `\(problem)`\n")
            throw ExitCode(ExitStatus.usage)
        }
        let signingKey = try sign.map(KeyFile.privateKey)
        let useColor = color.isEnabled(forDescriptor: Console.standardError)
        let loaded = try Console.load(workspace, useColor: useColor, limits: limits.loadLimits)
        let options = BuildOptions(
            revision: revision ?? WorkspaceLoader.gitRevision(of: loaded.root), limits: limits.yamlLimits,
            parallelism: execution.threads)
        let result = Compiler.build(loaded.files, options: options)
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        if !diagnostics.isEmpty {
            let reporter = HumanReporter(
                useColor: useColor, sources: loaded.filesByPath,
                pathPrefix: HumanReporter.pathPrefix(forWorkspace: workspace))
            Console.writeError(execution.report(diagnostics, with: reporter))
        }
        if Console.fails(diagnostics, strict: strict) { throw ExitCode(ExitStatus.problems) }
        guard var bundle = result.bundle else {
            Console.writeError("error: internal: the compiler reported no error but produced no bundle\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
        if let signingKey { bundle = try KeyFile.signedBundle(result.bundleContent, with: signingKey) }
        if let output {
            do {
                try OutputFile.writeAtomically(bundle, to: output)
            } catch {
                Console.writeError("error: cannot write `\(output)`: \(error)\n")
                throw ExitCode(ExitStatus.internalFailure)
            }
        } else if !Console.writeAll(bundle, to: Console.standardOutput) {
            Console.writeError("error: cannot write the bundle to standard output\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
    }
}
