import ArgumentParser
import AutoMail

/// `automail check [WORKSPACE] [--strict] [--format F] [--report FILE]`: reports every
/// problem; the human format goes to stderr, machine formats to stdout (or to `--report FILE`).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a workspace and report every problem.",
        discussion: """
            The human format goes to stderr; json, sarif and github go to stdout, or to --report FILE. \
            Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 bad usage, 3 internal failure. \
            `# automail: ignore CODE — reason` comments silence a diagnostic (docs/diagnostics.md).
            """
    )

    @Argument(help: "The workspace folder: the one that holds automail.yaml.")
    var workspace: String = "."

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var output: ReportOptions

    @OptionGroup var execution: RunOptions

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        let useColor = color.isEnabled(forDescriptor: Console.standardError)
        let progress = execution.progressLine()
        defer { progress.finish() }
        let loaded = try Console.load(
            workspace, useColor: useColor, limits: limits.loadLimits, parallelism: execution.threads)
        var options = BuildOptions(limits: limits.yamlLimits, parallelism: execution.threads)
        options.progress = progress.progress
        options.referenceTime = ReferenceTime.now()
        let result = Compiler.check(loaded.files, options: options)
        progress.finish()
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        try output.write(
            diagnostics, suppressed: result.suppressed, loaded: loaded, workspace: workspace, color: color,
            maxDiagnostics: execution.maxDiagnostics, machineDescriptor: Console.standardOutput)
        if Console.fails(diagnostics, strict: strict) { throw ExitCode(ExitStatus.problems) }
    }
}
