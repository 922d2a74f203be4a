import Diagnostics

/// What the per-template rules found (``TemplateRules/check(_:into:)``: the manifest's footers, then each
/// template), kept between the checks of a ``CompilationSession`` so that an edit to one template runs
/// those rules on that template alone.
///
/// What a template's diagnostics depend on, read from the rules (not guessed): the template itself (its
/// file's bytes: the decoded template and its file's line table); the manifest (the declared and refused
/// locales of the ``SymbolTable``, the ``VariableCatalog`` of its contact fields, each locale's conversion
/// settings and globals, the sample contacts the ``RenderingRules`` render for); and the options the
/// files are decoded with. Nothing else: not the questionnaires, triggers or layouts, nor the other
/// templates (the texts several templates share are parsed and converted once, ``RepeatedTexts``, with
/// the same outcome for each). The footers' diagnostics depend on the manifest alone. The session keys
/// each template's kept diagnostics by its file's digest and all of them by the manifest's digest and
/// the options, so that an edit to the manifest runs the rules on every template again and an edit to
/// a trigger on none.
struct TemplateResults: Sendable {
    /// The diagnostics of the manifest's footers, in report order; `nil`: to be found.
    var footers: [Diagnostic]?
    /// Each template's diagnostics, in report order, in the order of `Workspace.templates`; `nil`: to be
    /// found.
    var templates: [[Diagnostic]?]
    /// How many templates the last ``TemplateRules/check(_:reusing:into:)`` ran the rules on.
    var templatesChecked = 0
    /// Asked before each template is checked: once it answers `true`, no other template is checked
    /// (those checked are kept) and ``wasCancelled`` is set: what is reported is then incomplete.
    var isCancelled: (@Sendable () -> Bool)?
    /// Whether some template was left unchecked because ``isCancelled`` answered `true`.
    var wasCancelled = false
}

extension TemplateRules {
    /// ``check(_:into:)`` with the diagnostics `results` already holds reused and those it lacks found
    /// (and kept in it): the same diagnostics reported into `bag`, in the same order. Each template's are
    /// found into a bag of its own, as ``check(_:into:)`` finds them, and the footers' too (a bag of its
    /// own folds at ``DiagnosticBag/maxPerFileAndCode`` as `bag` would, and `bag` folds the rest the same).
    func check(_ workspace: Workspace, reusing results: inout TemplateResults, into bag: inout DiagnosticBag) {
        if let manifest = workspace.manifest {
            if results.footers == nil {
                var local = DiagnosticBag()
                var findings = TextFindings()
                checkFooters(of: manifest, into: &local, keeping: &findings)
                results.footers = local.diagnostics
            }
            bag.report(contentsOf: results.footers ?? [])
        }
        let templates = workspace.templates
        if results.templates.count != templates.count {
            results.templates = Array(repeating: nil, count: templates.count)
        }
        let missing = templates.indices.filter { results.templates[$0] == nil }
        let subset = missing.map { templates[$0] }
        if !subset.isEmpty {
            let rules = sharingRepeatedTexts(of: subset)
            let isCancelled = results.isCancelled
            let outcomes = Parallel.map(subset.count, parallelism: parallelism) { index -> [Diagnostic]? in
                if let isCancelled, isCancelled() { return nil }
                var local = DiagnosticBag()
                var converted = TextFindings()
                rules.check(subset[index], into: &local, keeping: &converted)
                return local.diagnostics
            }
            for (index, diagnostics) in zip(missing, outcomes) { results.templates[index] = diagnostics }
            results.wasCancelled = outcomes.contains { $0 == nil }
        }
        // Those left unchecked (cancelled) are still `nil`.
        results.templatesChecked = missing.count - results.templates.count { $0 == nil }
        for diagnostics in results.templates { bag.report(contentsOf: diagnostics ?? []) }
    }
}
