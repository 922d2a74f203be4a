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
    /// How many lowered templates a streaming build (``Compiler/build(_:options:signingKey:into:)``) may
    /// hold ahead of the one it writes (the window of `Parallel.forEachInOrder`): enough to keep every
    /// thread busy, few enough that they are small beside the bundle. Tests lower it to fill the window
    /// on small workspaces.
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
    /// The bundle's content as a value (without `digest`), present whenever `bundle` is: what a
    /// preview renders.
    public var bundleContent: JSONValue?
    /// The digest of the bundle written, whenever one was (in memory or into a sink).
    public var bundleDigest: String?
    /// The sample contacts the manifest declares (`samples`), as written: the compiler's model of
    /// them, which a front end turns into contacts to preview.
    public var samples: [SampleContact] = []
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

/// The compiler pipeline: parse, decode, check, lower, emit (ARCHITECTURE.md). Pure: it reads no file and
/// prints nothing. ``CompilationSession`` runs the same stages for an editor, one changed file at a time.
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
            do throws(BundleSigningError) {
                try EmitStage.streamed(
                    &lowering, into: &sink, signingKey: signingKey, result: &result, timings: &timings)
            } catch {
                failure = error
            }
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
        run(files, options: options, emit: emit, timings: &timings, write: EmitStage.inMemory)
    }

    /// The pipeline, stage after stage (ARCHITECTURE.md): files -> ``ParsedFile`` -> ``DecodedFile``
    /// -> ``DecodedWorkspace`` -> ``CheckedWorkspace`` -> (a build) ``CheckAndLowerTemplates`` -> ``EmitStage``.
    /// `write` is the emit stage (it runs only when `emit` is set and there is no error).
    private static func run(
        _ files: [SourceFile], options: BuildOptions, emit: Bool, timings: inout PhaseTimings,
        write: CheckAndLowerTemplates.Emit
    ) -> CompilationResult {
        // Parse and decode each file (in batches, on `options.parallelism` threads), in path order.
        let decoded = DecodedWorkspace.decode(files, options: options, timings: &timings)
        return finish(decoded, options: options, emit: emit, timings: &timings, write: write)
    }

    /// The stages after decoding, shared by ``run(_:options:emit:timings:write:)`` and ``CompilationSession``.
    static func finish(
        _ decoded: DecodedWorkspace, options: BuildOptions, emit: Bool, timings: inout PhaseTimings,
        write: CheckAndLowerTemplates.Emit
    ) -> CompilationResult {
        var fresh: TemplateResults?
        return finish(decoded, options: options, emit: emit, reusing: &fresh, timings: &timings, write: write)
    }

    /// ``finish(_:options:emit:timings:write:)``, the per-template rules' diagnostics reused from
    /// `templateResults` and kept in it when it is not `nil` (a ``CompilationSession``'s check: the
    /// diagnostics are the same).
    static func finish(
        _ decoded: DecodedWorkspace, options: BuildOptions, emit: Bool, reusing templateResults: inout TemplateResults?,
        timings: inout PhaseTimings, write: CheckAndLowerTemplates.Emit
    ) -> CompilationResult {
        let manifest = decoded.workspace.manifest
        // Every rule over the workspace; a build leaves the per-template ones to the fused stage.
        var checked = CheckedWorkspace.check(
            decoded, options: options, deferringTemplates: emit, reusing: &templateResults, timings: &timings)
        var result = CompilationResult(diagnostics: [])
        if emit {
            // Per template: check, lower, write (fused for memory: see `CheckAndLowerTemplates`).
            CheckAndLowerTemplates.run(&checked, options: options, result: &result, timings: &timings, emit: write)
        }
        checked.report(into: &result, timings: &timings)
        result.samples = manifest?.samples ?? []
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
