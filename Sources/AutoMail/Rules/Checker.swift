import Diagnostics
import YAMLSource

/// Runs every rule over a decoded workspace.
enum Checker {
    struct Output {
        var symbols: SymbolTable
        var variables: VariableCatalog
    }

    static func check(_ workspace: Workspace, lines: [String: SourceLines], into bag: inout DiagnosticBag) -> Output {
        let symbols = SymbolTable(workspace)
        let variables = VariableCatalog(manifest: workspace.manifest)
        IdentifierRules.check(workspace, into: &bag)
        ReferenceRules.check(workspace, symbols: symbols, into: &bag)
        SenderRules.check(workspace, into: &bag)
        ConsentRules.check(workspace, into: &bag)
        TemplateRules(symbols: symbols, variables: variables, lines: lines).check(workspace, into: &bag)
        FooterRules(symbols: symbols, variables: variables).check(workspace, into: &bag)
        RenderingRules(symbols: symbols, variables: variables).check(workspace, into: &bag)
        TriggerRules.check(workspace, symbols: symbols, into: &bag)
        LayoutRules(variables: variables).check(workspace, into: &bag)
        return Output(symbols: symbols, variables: variables)
    }
}
