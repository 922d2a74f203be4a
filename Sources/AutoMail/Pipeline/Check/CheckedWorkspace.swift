import Diagnostics

/// The checked workspace: the decoded workspace with what the workspace-wide rules found, and what
/// the lowering reuses of them (the symbol table, the variables, the template rules).
struct CheckedWorkspace {
    /// The workspace as decoded.
    var decoded: DecodedWorkspace
    /// The symbol table, the variable catalog and the template rules (``Checker/Output``).
    var rules: Checker.Output
    /// Every diagnostic so far, suppressed ones included.
    var bag: DiagnosticBag
    /// ``bag`` once the suppression comments are applied: what decides whether a build lowers.
    var filtered: SuppressionFilter.Outcome

    /// The check stage: every rule over the decoded workspace (``Checker``). With `deferringTemplates`
    /// (a build), every rule but the per-template ones, which ``CheckAndLowerTemplates`` runs.
    ///
    /// A build that reaches contacts then gives each diagnostic its rule's build severity (AM508's
    /// placeholders are errors), and the suppression comments silence diagnostics before anything is
    /// lowered: a suppressed error (only those ``Suppressibility`` allows) does not stop the build.
    static func check(
        _ decoded: DecodedWorkspace, options: BuildOptions, deferringTemplates: Bool, timings: inout PhaseTimings
    ) -> CheckedWorkspace {
        var fresh: TemplateResults?
        return check(
            decoded, options: options, deferringTemplates: deferringTemplates, reusing: &fresh, timings: &timings)
    }

    /// ``check(_:options:deferringTemplates:timings:)``, reusing and keeping the per-template rules'
    /// diagnostics in `templateResults` when it is not `nil` (``CompilationSession``).
    static func check(
        _ decoded: DecodedWorkspace, options: BuildOptions, deferringTemplates: Bool,
        reusing templateResults: inout TemplateResults?, timings: inout PhaseTimings
    ) -> CheckedWorkspace {
        let clock = ContinuousClock()
        let mark = clock.now
        var bag = decoded.bag
        let rules = Checker.check(
            decoded.workspace, lines: decoded.lines, parallelism: options.parallelism,
            deferringTemplates: deferringTemplates, referenceTime: options.referenceTime, reusing: &templateResults,
            into: &bag)
        if deferringTemplates, options.reachesContacts { bag = bag.map(RuleCatalog.forBuild) }
        let filtered = SuppressionFilter.apply(decoded.suppressions, to: bag.sorted())
        timings.check += clock.now - mark
        return CheckedWorkspace(decoded: decoded, rules: rules, bag: bag, filtered: filtered)
    }

    /// Whether a diagnostic that no comment silenced is an error: then nothing is lowered.
    var hasErrors: Bool { filtered.reported.contains { $0.severity == .error } }

    /// The end of every run: the diagnostics that no comment silenced, in the stable reporting order,
    /// and the silenced ones, into `result`; a bundle written despite an error is dropped.
    func report(into result: inout CompilationResult, timings: inout PhaseTimings) {
        var bag = DiagnosticBag()
        bag.report(contentsOf: filtered.reported)
        // An error in a template (found while lowering) means what was written is not a bundle.
        if bag.hasErrors { result.dropBundle() }
        let clock = ContinuousClock()
        let mark = clock.now
        result.diagnostics = bag.sorted()
        timings.check += clock.now - mark
        result.suppressed = filtered.suppressed
    }
}
