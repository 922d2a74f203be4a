import Diagnostics
import YAMLSource

/// Runs every rule over a decoded workspace.
enum Checker {
    struct Output {
        var symbols: SymbolTable
        var variables: VariableCatalog
        /// The Markdown conversions made by the checks (only when asked to keep them).
        var renderings: MarkdownRenderings
    }

    static func check(
        _ workspace: Workspace, lines: [String: SourceLines], parallelism: Int = 1, keepRenderings: Bool = false,
        into bag: inout DiagnosticBag
    ) -> Output {
        let symbols = SymbolTable(workspace)
        let variables = VariableCatalog(manifest: workspace.manifest)
        IdentifierRules.check(workspace, into: &bag)
        ReferenceRules.check(workspace, symbols: symbols, into: &bag)
        SenderRules.check(workspace, into: &bag)
        ConsentRules.check(workspace, into: &bag)
        let renderings = TemplateRules(
            symbols: symbols, variables: variables, lines: lines, parallelism: parallelism,
            keepsRenderings: keepRenderings
        ).check(workspace, into: &bag)
        FooterRules(symbols: symbols, variables: variables).check(workspace, into: &bag)
        RenderingRules(symbols: symbols, variables: variables, parallelism: parallelism).check(workspace, into: &bag)
        TriggerRules.check(workspace, symbols: symbols, into: &bag)
        LayoutRules(variables: variables).check(workspace, into: &bag)
        return Output(symbols: symbols, variables: variables, renderings: renderings)
    }
}
