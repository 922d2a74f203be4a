import ArgumentParser
import AutoMail

/// `automail explain [CODE]`: one rule's explanation and examples, or the list of every rule.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, or list every rule."
    )

    @Argument(help: "A diagnostic code such as AM301. Without one, every rule is listed.")
    var code: String?

    func run() throws {
        guard let code else {
            Console.writeOutput(RuleExplanation.list(RuleCatalog.all))
            return
        }
        switch RuleExplanation.lookup(code, in: RuleCatalog.all) {
        case .success(let rule):
            Console.writeOutput(RuleExplanation.explain(rule))
        case .failure(let unknown):
            let help = unknown.help ?? "run `automail explain` to list every rule"
            Console.writeError("error: \(unknown.message)\nhelp: \(help)\n")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
