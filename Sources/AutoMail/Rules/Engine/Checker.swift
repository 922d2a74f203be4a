import Diagnostics
import YAMLSource

/// Runs every rule over a decoded workspace: the check stage's work (``CheckedWorkspace``).
enum Checker {
    struct Output {
        var symbols: SymbolTable
        var variables: VariableCatalog
        /// The template rules, with the workspace's symbols; when the checks were asked to defer them,
        /// they have not run yet: the lowering runs them on each template as it lowers it.
        var templateRules: TemplateRules
    }

    /// Runs every rule; with `deferringTemplates`, every rule but the per-template ones (the template
    /// rules, AM601–AM611, AM618 and the Markdown checks, and the rendering rules they run on each
    /// template), which a build runs inside the lowering, template by template, so that no template's
    /// Markdown conversion outlives its lowering (``CheckAndLowerTemplates``).
    static func check(
        _ workspace: Workspace, lines: [String: SourceLines], parallelism: Int = 1, deferringTemplates: Bool = false,
        referenceTime: Int? = nil, into bag: inout DiagnosticBag
    ) -> Output {
        let symbols = SymbolTable(workspace)
        let variables = VariableCatalog(manifest: workspace.manifest)
        let renderingRules = RenderingRules(symbols: symbols, variables: variables, lines: lines)
        let templateRules = TemplateRules(
            symbols: symbols, variables: variables, lines: lines, parallelism: parallelism,
            rendering: renderingRules.samples(for: workspace).map { (renderingRules, $0) },
            keepsRenderings: deferringTemplates, manifest: workspace.manifest)
        IdentifierRules.check(workspace, symbols: symbols, into: &bag)
        ReferenceRules.check(workspace, symbols: symbols, into: &bag)
        SenderRules.check(workspace, into: &bag)
        PlaceholderRules.check(workspace, into: &bag)
        ConsentRules.check(workspace, into: &bag)
        if !deferringTemplates { templateRules.check(workspace, into: &bag) }
        FooterRules(symbols: symbols, variables: variables, lines: lines).check(workspace, into: &bag)
        TriggerRules.check(workspace, symbols: symbols, into: &bag)
        LayoutRules(variables: variables).check(workspace, into: &bag)
        BrandRules.check(workspace, into: &bag)
        TimingChecks(referenceTime: referenceTime).check(workspace, symbols: symbols, into: &bag)
        return Output(symbols: symbols, variables: variables, templateRules: templateRules)
    }
}
