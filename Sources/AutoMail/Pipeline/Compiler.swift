import BundleFormat
import Diagnostics
import YAMLSource

/// Options that change what `build` writes.
public struct BuildOptions: Sendable, Hashable {
    /// The source revision recorded in the bundle (`--revision`, else the git commit), if any.
    public var revision: String?
    /// Limits on what the YAML layer accepts.
    public var limits: YAMLLimits
    /// How many files are parsed and decoded at once (1: serially). The bundle and the diagnostics
    /// are byte-identical whatever the value.
    public var parallelism: Int
    /// Whether the bundle is meant for contacts, so that diagnostics take their rules' build severity
    /// (``RuleDescription/buildSeverity``: AM508's placeholders are errors). A preview, which sends
    /// nothing, keeps `check`'s severities: a workspace fresh from `automail init` can be previewed.
    public var reachesContacts = true
    /// How many templates a streaming build lowers at once (``Compiler/build(_:options:signingKey:into:)``):
    /// enough to keep every thread busy, few enough that a batch is small beside the bundle. Tests
    /// lower it to cross batch boundaries on small workspaces.
    var streamingBatchSize = 128
    /// Where the compiler counts the files and templates it has done, for a front end that shows
    /// progress (nil: not counted). It changes nothing in what is compiled.
    public var progress: CompilationProgress?
    /// Where a build keeps and finds the templates it lowered (`--cache DIR`; nil: none). The bundle is
    /// the same with or without it.
    public var templateCache: TemplateCache?
    /// "Now" for the checks that compare with today (a lifetime already ended, an election in the past:
    /// warnings, AM904 and AM905), in seconds since 1970-01-01T00:00:00Z; `nil` skips them. The CLI takes
    /// `SOURCE_DATE_EPOCH` when set, else the clock. It never changes the bundle's bytes.
    public var referenceTime: Int?

    /// Creates build options.
    public init(revision: String? = nil, limits: YAMLLimits = .default, parallelism: Int = 1) {
        self.revision = revision
        self.limits = limits
        self.parallelism = parallelism
    }
}

/// What one run of the compiler produced.
public struct CompilationResult: Sendable {
    /// Every diagnostic, in the stable reporting order, except those a suppression comment silenced.
    public var diagnostics: [Diagnostic]
    /// The diagnostics silenced by `# automail: ignore` comments, in the stable reporting order.
    public var suppressed: [SuppressedDiagnostic] = []
    /// The bundle bytes; present only when a bundle was asked for and no diagnostic is an error.
    public var bundle: [UInt8]?
    /// The bundle's content as a value (without `digest`), present whenever `bundle` is: what
    /// ``Preview`` renders.
    public var bundleContent: JSONValue?
    /// The digest of the bundle written, whenever one was (in memory or into a sink).
    public var bundleDigest: String?
    /// The sample contacts the manifest declares (`samples`), for previews.
    public var samples: [PreviewContact] = []
    /// What the bundle holds, counted, whenever a bundle was written: for the line a front end prints
    /// after a build.
    public var summary: BundleSummary?

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Forgets the bundle: the lowering found an error after it had started writing.
    mutating func dropBundle() {
        bundle = nil
        bundleContent = nil
        bundleDigest = nil
        summary = nil
    }
}

/// The compiler pipeline: parse, decode, check, lower, emit. Pure: it reads no file and prints nothing.
public enum Compiler {
    /// Checks a workspace given as its files (paths relative to the workspace root).
    public static func check(_ files: [SourceFile], options: BuildOptions = BuildOptions()) -> CompilationResult {
        run(files, options: options, emit: false)
    }

    /// Checks a workspace and, when it has no error, lowers it to a bundle.
    public static func build(_ files: [SourceFile], options: BuildOptions = BuildOptions()) -> CompilationResult {
        run(files, options: options, emit: true)
    }

    /// Checks a workspace and, when it has no error, writes its bundle into `sink` (signed with
    /// `signingKey` when given) as it lowers it, template by template: the bytes ``build(_:options:)``
    /// gives (signed: ``BundleEmitter/emit(_:signingKey:)``'s), without holding the bundle whole. The
    /// result has no `bundle` nor `bundleContent`; `bundleDigest` says that a bundle was written.
    public static func build<Sink: BundleSink>(
        _ files: [SourceFile], options: BuildOptions = BuildOptions(), signingKey: BundlePrivateKey? = nil,
        into sink: inout Sink
    ) throws(BundleSigningError) -> CompilationResult {
        var timings = PhaseTimings()
        return try build(files, options: options, signingKey: signingKey, into: &sink, timings: &timings)
    }

    /// ``build(_:options:signingKey:into:)``, adding the time spent in each phase to `timings` (for
    /// benchmarks: the library never prints them). Lowering and writing are interleaved: both count
    /// as lowering.
    public static func build<Sink: BundleSink>(
        _ files: [SourceFile], options: BuildOptions = BuildOptions(), signingKey: BundlePrivateKey? = nil,
        into sink: inout Sink, timings: inout PhaseTimings
    ) throws(BundleSigningError) -> CompilationResult {
        var failure: BundleSigningError?
        let result = run(files, options: options, emit: true, timings: &timings) { lowering, result, timings in
            let clock = ContinuousClock()
            let mark = clock.now
            do throws(BundleSigningError) {
                result.bundleDigest = try lowering.emit(into: &sink, signingKey: signingKey)
            } catch {
                failure = error
            }
            // Lowering and writing are interleaved: all of it counts as lowering.
            timings.lower += clock.now - mark
        }
        if let failure { throw failure }
        return result
    }

    /// Checks a workspace and, when `emit` is set and it has no error, lowers it to a bundle, adding
    /// the time spent in each phase to `timings` (for benchmarks: the library never prints them).
    public static func compile(
        _ files: [SourceFile], options: BuildOptions = BuildOptions(), emit: Bool, timings: inout PhaseTimings
    ) -> CompilationResult {
        run(files, options: options, emit: emit, timings: &timings)
    }

    private static func run(_ files: [SourceFile], options: BuildOptions, emit: Bool) -> CompilationResult {
        var timings = PhaseTimings()
        return run(files, options: options, emit: emit, timings: &timings)
    }

    private static func run(
        _ files: [SourceFile], options: BuildOptions, emit: Bool, timings: inout PhaseTimings
    ) -> CompilationResult {
        run(files, options: options, emit: emit, timings: &timings) { lowering, result, timings in
            let clock = ContinuousClock()
            var mark = clock.now
            let content = lowering.lower()
            timings.lower += clock.now - mark
            mark = clock.now
            let (bundle, digest) = BundleEmitter.emitWithDigest(content)
            result.bundle = bundle
            result.bundleContent = .object(content)
            result.bundleDigest = digest
            timings.emit += clock.now - mark
        }
    }

    /// The pipeline; `write` lowers the checked workspace, writes its bundle into the result and
    /// times itself (it runs only when `emit` is set and there is no error).
    private static func run(
        _ files: [SourceFile], options: BuildOptions, emit: Bool, timings: inout PhaseTimings,
        write: (inout BundleLowering, inout CompilationResult, inout PhaseTimings) -> Void
    ) -> CompilationResult {
        let clock = ContinuousClock()
        var bag = DiagnosticBag()
        // Parse and decode, in path order whatever order the files came in.
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var manifest: Manifest?
        var questionnaires: [Questionnaire] = []
        var templates: [Template] = []
        var triggers: [Trigger] = []
        var unreadable: [String] = []
        var suppressions: [SuppressionComment] = []
        // Layouts are HTML, never parsed as YAML: the rules read them whole.
        var layouts: [String: SourceFile] = [:]
        var kinds = (questionnaires: 0, templates: 0)
        for file in sorted {
            switch FileKind(path: file.path) {
            case .layout?: layouts[file.path] = file
            case .questionnaire?: kinds.questionnaires += 1
            case .template?: kinds.templates += 1
            default: break
            }
        }
        questionnaires.reserveCapacity(kinds.questionnaires)
        templates.reserveCapacity(kinds.templates)
        // A batch of files at a time, each batch's outcomes taken into the workspace and dropped before
        // the next is parsed: the files' trigger lists (50,000 triggers in 2,000 files) are never all
        // held beside the workspace's array of them.
        options.progress?.update { $0.files = sorted.count }
        var start = 0
        while start < sorted.count {
            let end = min(sorted.count, start + FileStage.batchSize)
            for outcome in FileStage.run(Array(sorted[start..<end]), options: options) {
                timings.parse += outcome.parseTime
                timings.decode += outcome.decodeTime
                bag.report(contentsOf: outcome.diagnostics)
                suppressions += outcome.suppressions
                if outcome.unreadable { unreadable.append(outcome.path) }
                switch outcome.model {
                case .none: break
                case .manifest(let m): manifest = m
                case .questionnaire(let q): questionnaires.append(q)
                case .template(let t): templates.append(t)
                // The first list is taken as it is (shared, not copied): a workspace may keep all its
                // bindings in one file.
                case .triggers(let list): if triggers.isEmpty { triggers = list } else { triggers += list }
                }
            }
            options.progress?.update { $0.filesRead = end }
            start = end
        }
        if !sorted.contains(where: { $0.path == FileKind.manifestPath }) {
            bag.report(
                .rule(
                    .notAWorkspace, "the workspace has no `automail.yaml`", at: nil,
                    help: "create `automail.yaml` at the workspace root (`automail init` writes a starting one)"))
        }
        let workspace = Workspace(
            manifest: manifest, questionnaires: questionnaires, templates: templates, triggers: triggers,
            unreadableFiles: unreadable, layoutFiles: layouts)
        var mark = clock.now
        // Line tables map a character of a Liquid or Markdown text to its file position: only the
        // manifest and templates hold such texts.
        var lines: [String: SourceLines] = [:]
        for file in sorted where [.manifest, .template].contains(FileKind(path: file.path)) {
            lines[file.path] = SourceLines(file)
        }
        timings.parse += clock.now - mark
        mark = clock.now
        // A build defers the template rules to the lowering, which runs them on each template as it
        // lowers it (see `BundleLowering`).
        let checked = Checker.check(
            workspace, lines: lines, parallelism: options.parallelism, deferringTemplates: emit,
            referenceTime: options.referenceTime, into: &bag)
        // What a workspace being written may hold but a bundle may not (AM508's placeholders): a build
        // reports it with its rule's build severity, before deciding whether to lower.
        if emit, options.reachesContacts { bag = bag.map(RuleCatalog.forBuild) }
        // Suppression comments silence diagnostics before anything is lowered: a suppressed error (only
        // those `Suppressibility` allows) does not stop the build.
        var filtered = SuppressionFilter.apply(suppressions, to: bag.sorted())
        timings.check += clock.now - mark
        var result = CompilationResult(diagnostics: [])
        if emit {
            if !filtered.reported.contains(where: { $0.severity == .error }), let manifest {
                var lowering = BundleLowering(
                    workspace: workspace, manifest: manifest, symbols: checked.symbols, variables: checked.variables,
                    templateRules: checked.templateRules, options: options)
                if options.templateCache != nil {
                    let manifestFile = sorted.first { $0.path == FileKind.manifestPath }
                    let context = TemplateCache.context(
                        manifest: manifestFile, layouts: layouts, reachesContacts: options.reachesContacts)
                    let templateFiles = sorted.filter { FileKind(path: $0.path) == .template }
                    lowering.cacheInput = (Dictionary(templateFiles.map { ($0.path, $0) }) { first, _ in first }, context)
                }
                write(&lowering, &result, &timings)
                result.summary = BundleSummary(
                    templates: workspace.templates.count, locales: manifest.locales.count,
                    triggers: workspace.triggers.count)
                bag.report(contentsOf: lowering.templateDiagnostics)
                if lowering.leftOutTemplates { result.dropBundle() }
            } else {
                // Nothing will be lowered: the template rules only need the Markdown's issues.
                mark = clock.now
                var rules = checked.templateRules
                rules.keepsRenderings = false
                rules.check(workspace, into: &bag)
                timings.check += clock.now - mark
            }
            mark = clock.now
            filtered = SuppressionFilter.apply(suppressions, to: bag.sorted())
            timings.check += clock.now - mark
        }
        bag = DiagnosticBag()
        bag.report(contentsOf: filtered.reported)
        // An error in a template (found while lowering) means what was written is not a bundle.
        if bag.hasErrors { result.dropBundle() }
        mark = clock.now
        result.diagnostics = bag.sorted()
        timings.check += clock.now - mark
        result.suppressed = filtered.suppressed
        result.samples = (manifest?.samples ?? []).map(PreviewContact.init(sample:))
        return result
    }
}

/// What a bundle holds, counted.
public struct BundleSummary: Sendable, Hashable {
    /// The templates, each in every locale.
    public var templates: Int
    /// The workspace's locales.
    public var locales: Int
    /// The trigger bindings.
    public var triggers: Int
}

/// The time one compilation spent in each phase. Parse and decode are summed over files (over every
/// worker when files are compiled in parallel); check includes sorting the diagnostics.
public struct PhaseTimings: Sendable, Hashable {
    /// libyaml events to node trees, with the UTF-8 check and line table.
    public var parse: Duration = .zero
    /// Node trees to the typed model.
    public var decode: Duration = .zero
    /// Every rule over the model (in a build, every rule but the per-template ones, which run inside
    /// the lowering).
    public var check: Duration = .zero
    /// Model to bundle content (rendering included; in a build, the per-template rules too).
    public var lower: Duration = .zero
    /// Bundle content to bytes (digest included).
    public var emit: Duration = .zero

    /// No time in any phase.
    public init() {}
}

/// What parsing and decoding one file gave.
struct FileOutcome: Sendable {
    enum Model: Sendable {
        case manifest(Manifest)
        case questionnaire(Questionnaire)
        case template(Template)
        case triggers([Trigger])
    }

    var path: String
    var diagnostics: [Diagnostic] = []
    var model: Model?
    var unreadable = false
    /// The file's `# automail: ignore` comments.
    var suppressions: [SuppressionComment] = []
    var parseTime: Duration = .zero
    var decodeTime: Duration = .zero
}

/// The per-file stage: parse then decode each file, independently of every other file.
enum FileStage {
    /// How many files the pipeline parses and decodes before taking their outcomes in.
    static let batchSize = 256

    /// The outcomes of `files`, in their order, computed on up to `options.parallelism` threads.
    /// Each file's outcome depends on that file alone, so the result is the same for any number of threads.
    static func run(_ files: [SourceFile], options: BuildOptions) -> [FileOutcome] {
        Parallel.map(files.count, parallelism: options.parallelism) { outcome(of: files[$0], options: options) }
    }

    static func outcome(of file: SourceFile, options: BuildOptions) -> FileOutcome {
        var outcome = FileOutcome(path: file.path)
        guard let kind = FileKind(path: file.path), kind != .layout else { return outcome }
        let clock = ContinuousClock()
        var mark = clock.now
        let parsed: YAMLParseResult
        var bag = DiagnosticBag()
        // A triggers file's bindings are decoded as they are read, so that its tree never holds them all
        // (50,000 bindings in one file: ~85 MB of tree). A file with a suppression comment keeps its
        // whole tree: the comment scanner reads it.
        var streamed: [Trigger]?
        if kind == .triggers, !SuppressionScanner.mayHoldComments(file) {
            var triggers: [Trigger] = []
            var itemBag = DiagnosticBag()
            parsed = YAMLParser.parse(file, limits: options.limits, streamingItemsOf: "triggers") { item in
                if let trigger = WorkspaceDecoder.decodeStreamedTrigger(item, file: file.path, into: &itemBag) {
                    triggers.append(trigger)
                }
            }
            // A file that does not parse is not decoded at all, as when it is read whole.
            if parsed.root != nil {
                streamed = triggers
                bag.report(contentsOf: itemBag.diagnostics)
            }
        } else {
            parsed = YAMLParser.parse(file, limits: options.limits)
        }
        outcome.parseTime = clock.now - mark
        bag.report(contentsOf: parsed.diagnostics)
        // Comments are read only where the file parsed (or holds no document): after a fatal YAML
        // error, which text is a comment is unknown.
        if parsed.root != nil || !parsed.diagnostics.contains(where: { $0.severity == .error }) {
            let scan = SuppressionScanner.scan(file, root: parsed.root)
            outcome.suppressions = scan.comments
            bag.report(contentsOf: scan.diagnostics)
        }
        mark = clock.now
        decode(parsed, kind: kind, path: file.path, streamed: streamed, into: &outcome, bag: &bag)
        outcome.decodeTime = clock.now - mark
        outcome.diagnostics = bag.diagnostics
        return outcome
    }

    private static func decode(
        _ parsed: YAMLParseResult, kind: FileKind, path: String, streamed: [Trigger]?, into outcome: inout FileOutcome,
        bag: inout DiagnosticBag
    ) {
        guard let root = parsed.root else {
            outcome.unreadable = true
            if kind == .manifest, !parsed.diagnostics.contains(where: { $0.severity == .error }) {
                bag.report(
                    .rule(
                        .emptyValue, "`automail.yaml` is empty", at: .startOf(file: path),
                        help: "declare at least `id`, `name`, `locales`, `sending_domains`, `legal` and `footer`"))
            }
            return
        }
        switch kind {
        case .manifest:
            outcome.model = .manifest(WorkspaceDecoder.decodeManifest(root, file: path, into: &bag))
        case .questionnaire:
            if let q = WorkspaceDecoder.decodeQuestionnaire(root, file: path, into: &bag) {
                outcome.model = .questionnaire(q)
            } else {
                outcome.unreadable = true
            }
        case .template:
            if let t = WorkspaceDecoder.decodeTemplate(root, file: path, into: &bag) {
                outcome.model = .template(t)
            } else {
                outcome.unreadable = true
            }
        case .triggers:
            if root.pairs == nil { outcome.unreadable = true }
            outcome.model = .triggers(WorkspaceDecoder.decodeTriggers(root, file: path, streamed: streamed, into: &bag))
        case .layout:
            break  // never parsed as YAML
        }
    }
}

/// What a workspace file holds, from its path.
enum FileKind: Equatable {
    case manifest, questionnaire, template, triggers, layout

    static let manifestPath = "automail.yaml"

    init?(path: String) {
        if path == Self.manifestPath {
            self = .manifest
            return
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0] == "layouts", parts[1].hasSuffix(".html") {
            self = .layout
            return
        }
        guard parts.count == 2, parts[1].hasSuffix(".yaml") else { return nil }
        switch parts[0] {
        case "questionnaires": self = .questionnaire
        case "templates": self = .template
        case "triggers": self = .triggers
        default: return nil
        }
    }
}
