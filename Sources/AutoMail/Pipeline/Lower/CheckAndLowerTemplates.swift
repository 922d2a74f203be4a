import Diagnostics

/// The fused stage of a build: each template is checked by the per-template rules (the template rules,
/// AM601–AM611, AM618 and the Markdown checks, with the rendering rules they run), then lowered, then
/// written in id order, by the thread that took it or the one that finds it next in order. `check` does not lower and runs these
/// rules in the check stage with the others (``Checker``, without `deferringTemplates`).
///
/// Why check and lower are not two stages: memory. A template's check converts its Markdown (every
/// locale's body and footer to HTML and text), and its lowering needs exactly that conversion. Checking
/// every template first and lowering afterwards would either convert every body twice (Markdown was
/// 85–90 % of a build's time, BENCHMARKS.md) or keep every conversion until the checks end: that is the
/// bundle's size again, 45.9 MB for the generated M (2,000 templates, 3 locales) and 267 MB for L
/// (BENCHMARKS.md, "Memory"), held beside the model. Fused, a template's conversion is dropped as soon as
/// it is written, and a streaming build (``Compiler/build(_:options:signingKey:into:)``) holds at most
/// ``BuildOptions/streamingBatchSize`` lowered templates ahead of the one it writes.
///
/// What it costs: a template rule's error is only known once lowering has begun, so a build whose
/// templates have an error writes part of a bundle and drops it (the streamed build's sink discards it),
/// and the suppression comments are applied twice: once before lowering, to decide whether to lower at
/// all (a suppressed error does not stop the build), and once after, over the template rules'
/// diagnostics too (which codes a comment silenced, AM802, is known only then).
enum CheckAndLowerTemplates {
    /// How the lowered workspace is written (``EmitStage``): it lowers through `BundleLowering`, writes
    /// the bundle into the result, and times itself.
    typealias Emit = (inout BundleLowering, inout CompilationResult, inout PhaseTimings) -> Void

    /// Runs the per-template rules over `checked` and, when nothing so far is an error, lowers and writes
    /// the bundle with `emit`; the templates' diagnostics join `checked`'s, filtered again.
    static func run(
        _ checked: inout CheckedWorkspace, options: BuildOptions, result: inout CompilationResult,
        timings: inout PhaseTimings, emit: Emit
    ) {
        let clock = ContinuousClock()
        let workspace = checked.decoded.workspace
        if !checked.hasErrors, let manifest = workspace.manifest {
            // The texts several templates share are converted once, before the first batch; not with a
            // template cache, where most templates are not checked at all.
            let templateRules =
                options.templateCache == nil
                ? checked.rules.templateRules.sharingRepeatedTexts(of: workspace.templates)
                : checked.rules.templateRules
            var lowering = BundleLowering(
                workspace: workspace, manifest: manifest, symbols: checked.rules.symbols,
                variables: checked.rules.variables, templateRules: templateRules, options: options)
            if options.templateCache != nil {
                let files = checked.decoded.files
                let manifestFile = files.first { $0.path == FileKind.manifestPath }
                let context = TemplateCache.context(
                    manifest: manifestFile, layouts: workspace.layoutFiles, reachesContacts: options.reachesContacts)
                let templateFiles = files.filter { FileKind(path: $0.path) == .template }
                lowering.cacheInput = (Dictionary(templateFiles.map { ($0.path, $0) }) { first, _ in first }, context)
            }
            emit(&lowering, &result, &timings)
            result.summary = BundleSummary(
                templates: workspace.templates.count, locales: manifest.locales.count,
                triggers: workspace.triggers.count)
            checked.bag.report(contentsOf: lowering.templateDiagnostics)
            if lowering.leftOutTemplates { result.dropBundle() }
        } else {
            // Nothing will be lowered: the template rules only need the Markdown's issues.
            let mark = clock.now
            var rules = checked.rules.templateRules
            rules.keepsRenderings = false
            rules.check(workspace, into: &checked.bag)
            timings.check += clock.now - mark
        }
        let mark = clock.now
        checked.filtered = SuppressionFilter.apply(checked.decoded.suppressions, to: checked.bag.sorted())
        timings.check += clock.now - mark
    }
}
