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

    /// The families of workspace-wide rules, in the order their diagnostics are reported; the template
    /// rules come between ``consent`` and ``footers``.
    enum Family: CaseIterable {
        case identifiers, references, senders, placeholders, consent
        case footers, triggers, layout, brand, timing

        /// The families reported before the template rules.
        static let beforeTemplates: [Family] = [.identifiers, .references, .senders, .placeholders, .consent]
        /// The families reported after them.
        static let afterTemplates: [Family] = [.footers, .triggers, .layout, .brand, .timing]

        /// The families run together on one thread when the checks have several, in two groups of about
        /// the same cost on the generated L (callgrind, `check --jobs 1`): the footers (converted,
        /// rendered and explored once per distinct footer, then looked up for each template's) with the
        /// references and the rules over the manifest alone; the trigger rules with the duplicate ids
        /// and the timing rules (the triggers' and ids' tables).
        static let groups: [[Family]] = [
            [.footers, .references, .senders, .placeholders, .consent, .layout, .brand],
            [.triggers, .identifiers, .timing],
        ]
    }

    /// Runs every rule; with `deferringTemplates`, every rule but the per-template ones (the template
    /// rules, AM601–AM611, AM618 and the Markdown checks, and the rendering rules they run on each
    /// template), which a build runs inside the lowering, template by template, so that no template's
    /// Markdown conversion outlives its lowering (``CheckAndLowerTemplates``).
    ///
    /// With `parallelism` above 1, the workspace-wide families run on up to that many threads (in
    /// ``Family/groups``), each into its own bag; the bags are then reported in the serial order, so the
    /// diagnostics, their folding (``DiagnosticBag/maxPerFileAndCode``) included, are the same as on one
    /// thread. The template rules run after them, on their own threads.
    static func check(
        _ workspace: Workspace, lines: [String: SourceLines], parallelism: Int = 1, deferringTemplates: Bool = false,
        referenceTime: Int? = nil, into bag: inout DiagnosticBag
    ) -> Output {
        var fresh: TemplateResults?
        return check(
            workspace, lines: lines, parallelism: parallelism, deferringTemplates: deferringTemplates,
            referenceTime: referenceTime, reusing: &fresh, into: &bag)
    }

    /// ``check(_:lines:parallelism:deferringTemplates:referenceTime:into:)``, the per-template rules'
    /// diagnostics taken from `templateResults` where it holds them and kept in it where it does not
    /// (``TemplateResults``, what a ``CompilationSession`` keeps between checks); `nil`: every template is
    /// checked and nothing kept. The diagnostics are the same either way.
    static func check(
        _ workspace: Workspace, lines: [String: SourceLines], parallelism: Int = 1, deferringTemplates: Bool = false,
        referenceTime: Int? = nil, reusing templateResults: inout TemplateResults?, into bag: inout DiagnosticBag
    ) -> Output {
        /// The per-template rules, reusing and keeping their diagnostics when there is somewhere to keep them.
        func checkTemplates(_ templateRules: TemplateRules, into bag: inout DiagnosticBag) {
            if var results = templateResults {
                templateRules.check(workspace, reusing: &results, into: &bag)
                templateResults = results
            } else {
                templateRules.check(workspace, into: &bag)
            }
        }
        let symbols = SymbolTable(workspace)
        let variables = VariableCatalog(manifest: workspace.manifest)
        let renderingRules = RenderingRules(symbols: symbols, variables: variables, lines: lines)
        let templateRules = TemplateRules(
            symbols: symbols, variables: variables, lines: lines, parallelism: parallelism,
            rendering: renderingRules.samples(for: workspace).map { (renderingRules, $0) },
            keepsRenderings: deferringTemplates, manifest: workspace.manifest)
        let rules = WorkspaceRules(
            workspace: workspace, symbols: symbols, variables: variables, lines: lines, referenceTime: referenceTime)
        guard parallelism > 1 else {
            for family in Family.beforeTemplates { rules.run(family, into: &bag) }
            if !deferringTemplates { checkTemplates(templateRules, into: &bag) }
            for family in Family.afterTemplates { rules.run(family, into: &bag) }
            return Output(symbols: symbols, variables: variables, templateRules: templateRules)
        }
        let groups = Family.groups
        let outcomes = Parallel.map(groups.count, parallelism: parallelism) { group in
            groups[group].map { family in
                var local = DiagnosticBag()
                rules.run(family, into: &local)
                return (family, local.diagnostics)
            }
        }
        var diagnostics: [Family: [Diagnostic]] = [:]
        for (family, found) in outcomes.joined() { diagnostics[family] = found }
        for family in Family.beforeTemplates { bag.report(contentsOf: diagnostics[family] ?? []) }
        if !deferringTemplates { checkTemplates(templateRules, into: &bag) }
        for family in Family.afterTemplates { bag.report(contentsOf: diagnostics[family] ?? []) }
        return Output(symbols: symbols, variables: variables, templateRules: templateRules)
    }

    /// What the workspace-wide families read: the workspace and the tables built once for it, never
    /// written, so that families may run on several threads at once.
    private struct WorkspaceRules {
        let workspace: Workspace
        let symbols: SymbolTable
        let variables: VariableCatalog
        let lines: [String: SourceLines]
        let referenceTime: Int?

        func run(_ family: Family, into bag: inout DiagnosticBag) {
            switch family {
            case .identifiers: IdentifierRules.check(workspace, symbols: symbols, into: &bag)
            case .references: ReferenceRules.check(workspace, symbols: symbols, into: &bag)
            case .senders: SenderRules.check(workspace, into: &bag)
            case .placeholders: PlaceholderRules.check(workspace, into: &bag)
            case .consent: ConsentRules.check(workspace, into: &bag)
            case .footers:
                FooterRules(symbols: symbols, variables: variables, lines: lines).check(workspace, into: &bag)
            case .triggers: TriggerRules.check(workspace, symbols: symbols, into: &bag)
            case .layout: LayoutRules(variables: variables).check(workspace, into: &bag)
            case .brand: BrandRules.check(workspace, into: &bag)
            case .timing: TimingChecks(referenceTime: referenceTime).check(workspace, symbols: symbols, into: &bag)
            }
        }
    }
}
