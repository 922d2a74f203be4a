import ArgumentParser
import Diagnostics
import AutoMail

/// What `explain` writes.
enum ExplainFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// `automail explain [CODE] [--format text|json]`: one rule's explanation, whether it can be suppressed, and
/// examples (the ones the tests run), or the list of every rule with its severity.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, or list every rule.",
        discussion: "An unknown code exits with status 2 and suggests the closest one."
    )

    @Argument(help: "A diagnostic code such as AM301. Without one, every rule is listed.")
    var code: String?

    @Option(help: "text (for people) or json (for editors and tools).")
    var format: ExplainFormat = .text

    func run() throws {
        guard let code else {
            try Console.writeOutput(
                format == .json ? RuleExplanation.listJSON(RuleCatalog.all) : RuleExplanation.list(RuleCatalog.all))
            return
        }
        switch RuleExplanation.lookup(code, in: RuleCatalog.all) {
        case .success(let rule):
            try Console.writeOutput(format == .json ? RuleExplanation.json(rule) : RuleExplanation.explain(rule))
        case .failure(let unknown):
            let help = unknown.help ?? "run `automail explain` to list every rule"
            Console.writeLine("error: \(unknown.message)")
            Console.writeLine("help: \(help)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
