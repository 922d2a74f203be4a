import ArgumentParser
import AutoMail

/// `automail check [WORKSPACE] [--strict] [--color auto|always|never]`: reports every problem on stderr.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a workspace and report every problem."
    )

    @Argument(help: "The workspace folder: the one that holds automail.yaml.")
    var workspace: String = "."

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var execution: RunOptions

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        let useColor = color.isEnabled(forDescriptor: Console.standardError)
        let loaded = try Console.load(workspace, useColor: useColor, limits: limits.loadLimits)
        let result = Compiler.check(
            loaded.files, options: BuildOptions(limits: limits.yamlLimits, parallelism: execution.threads))
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        let reporter = HumanReporter(
            useColor: useColor, sources: loaded.filesByPath,
            pathPrefix: HumanReporter.pathPrefix(forWorkspace: workspace))
        Console.writeError(execution.report(diagnostics, with: reporter))
        if Console.fails(diagnostics, strict: strict) { throw ExitCode(ExitStatus.problems) }
    }
}
