import ArgumentParser
import AutomailReview
import Diagnostics
import AutoMail

/// What `diff` writes.
enum DiffFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case human, markdown, json
}

/// `automail diff OLD NEW [--workspace PATH] [--format human|markdown|json] [--output FILE]`: what changes
/// in what is sent between two bundles, workspaces or git revisions.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changes in what is sent between two bundles, workspaces or git revisions.",
        discussion: """
            Each side is a bundle file (from `automail build`), a workspace folder, or a git revision of the \
            repository around the current folder (`automail diff main HEAD`). An existing path wins over a \
            revision of the same name; write `main^{commit}` to mean the revision. For a revision, the \
            workspace is --workspace (default: the other side when it is a folder, else the current folder). \
            Exit status: 0 whether or not there are changes; 1 when a side cannot be read or does not \
            compile; 2 bad usage.
            """
    )

    @Argument(help: "The old side: a bundle file, a workspace folder or a git revision.")
    var old: String

    @Argument(help: "The new side: a bundle file, a workspace folder or a git revision.")
    var new: String

    @Option(
        help: "For a git revision side, the workspace folder within the repository (relative to the current folder).")
    var workspace: String?

    @Option(
        help: "human (for a terminal), markdown (a pull request comment) or json (for tools, schemas/diff.schema.json)."
    )
    var format: DiffFormat = .human

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of stdout.")
    var output: String?

    @Option(help: "Colour the human report: auto (when stdout is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var execution: RunOptions

    func run() throws {
        if let output, let problem = OutputFile.missingDirectory(for: output) {
            Console.writeLine("error: cannot write `\(output)`: no directory `\(problem)`")
            throw ExitCode(ExitStatus.usage)
        }
        let oldSide = try resolve(old)
        let newSide = try resolve(new)
        if workspace != nil, !oldSide.isRevision, !newSide.isRevision {
            throw ValidationError("--workspace is for git revision sides, and neither side is a revision")
        }
        let context = DiffContext(
            workspace: workspace ?? folder(of: oldSide) ?? folder(of: newSide) ?? ".",
            useColor: color.isEnabled(forDescriptor: Console.standardError), execution: execution)
        let (oldSource, oldContent) = try oldSide.read(context)
        let (newSource, newContent) = try newSide.read(context)
        let diff: BundleDiff
        do {
            diff = try BundleDiff.compare(old: oldContent, new: newContent, oldSource: oldSource, newSource: newSource)
        } catch {
            let name = error.side == .old ? old : new
            Console.writeLine("error: cannot compare `\(name)`: \(error.error)")
            throw ExitCode(ExitStatus.problems)
        }
        let report: [UInt8]
        switch format {
        case .human:
            let useColor = output == nil ? color.isEnabled(forDescriptor: Console.standardOutput) : color == .always
            report = Array(DiffHumanRenderer(useColor: useColor).render(diff).utf8)
        case .markdown:
            report = Array(DiffMarkdownRenderer().render(diff).utf8)
        case .json:
            report = DiffJSONRenderer.render(diff)
        }
        if let output {
            do {
                try OutputFile.writeAtomically(report, to: output)
            } catch {
                Console.writeLine("error: cannot write `\(output)`: \(error)")
                throw ExitCode(ExitStatus.internalFailure)
            }
        } else {
            try Console.writeOutput(report, what: "the report")
        }
    }

    private func resolve(_ argument: String) throws -> DiffSide {
        do {
            return try DiffSide.resolve(argument)
        } catch {
            Console.writeLine("error: \(error.message)")
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The folder of a workspace side, which a revision side then reads at its revision.
    private func folder(of side: DiffSide) -> String? {
        if case .workspace(let path) = side { return path }
        return nil
    }
}
