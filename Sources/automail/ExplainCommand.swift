import ArgumentParser
import Diagnostics
import AutoMail

/// What `explain` writes.
enum ExplainFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json, markdown
}

/// `automail explain [CODE] [--format text|json|markdown]`: one rule's explanation, whether it can be suppressed, and
/// examples (the ones the tests run), or the list of every rule with its severity.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, or list every rule.",
        discussion: "An unknown code exits with status 2 and suggests the closest one."
    )

    @Argument(help: "A diagnostic code such as AM301. Without one, every rule is listed.")
    var code: String?

    @Option(help: "text (for people), json (for editors and tools) or markdown (docs/diagnostics.md's rule table).")
    var format: ExplainFormat = .text

    func run() throws {
        guard let code else {
            switch format {
            case .text: try Console.writeOutput(RuleExplanation.list(RuleCatalog.all))
            case .json: try Console.writeOutput(RuleExplanation.listJSON(RuleCatalog.all))
            case .markdown: try Console.writeOutput(RuleExplanation.listMarkdown(RuleCatalog.all))
            }
            return
        }
        switch RuleExplanation.lookup(code, in: RuleCatalog.all) {
        case .success(let rule):
            switch format {
            case .text: try Console.writeOutput(RuleExplanation.explain(rule))
            case .json: try Console.writeOutput(RuleExplanation.json(rule))
            case .markdown: try Console.writeOutput(RuleExplanation.markdown(rule))
            }
        case .failure(let unknown):
            let help = unknown.help ?? "run `automail explain` to list every rule"
            Console.writeLine("error: \(unknown.message)")
            Console.writeLine("help: \(help)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
