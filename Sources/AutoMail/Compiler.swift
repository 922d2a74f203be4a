import Diagnostics
import YAMLSource

/// Options that change what `build` writes.
public struct BuildOptions: Sendable, Hashable {
    /// The source revision recorded in the bundle (`--revision`, else the git commit), if any.
    public var revision: String?
    /// Limits on what the YAML layer accepts.
    public var limits: YAMLLimits

    /// Creates build options.
    public init(revision: String? = nil, limits: YAMLLimits = .default) {
        self.revision = revision
        self.limits = limits
    }
}

/// What one run of the compiler produced.
public struct CompilationResult: Sendable {
    /// Every diagnostic, in the stable reporting order.
    public var diagnostics: [Diagnostic]
    /// The bundle bytes; present only when a bundle was asked for and no diagnostic is an error.
    public var bundle: [UInt8]?
    /// The bundle's content as a value (without `digest`), present whenever `bundle` is: what
    /// ``Preview`` renders.
    public var bundleContent: JSONValue?
    /// The sample contacts the manifest declares (`samples`), for previews.
    public var samples: [PreviewContact] = []

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The compiler pipeline: parse, decode, check, lower, emit. Pure: it reads no file and prints nothing.
public enum Compiler {
    /// The compiler's version, recorded in every bundle.
    public static let version = "0.1.0"

    /// Checks a workspace given as its files (paths relative to the workspace root).
    public static func check(_ files: [SourceFile], options: BuildOptions = BuildOptions()) -> CompilationResult {
        run(files, options: options, emit: false)
    }

    /// Checks a workspace and, when it has no error, lowers it to a bundle.
    public static func build(_ files: [SourceFile], options: BuildOptions = BuildOptions()) -> CompilationResult {
        run(files, options: options, emit: true)
    }

    private static func run(_ files: [SourceFile], options: BuildOptions, emit: Bool) -> CompilationResult {
        var bag = DiagnosticBag()
        // Parse and decode, in path order whatever order the files came in.
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var lines: [String: SourceLines] = [:]
        var manifest: Manifest?
        var questionnaires: [Questionnaire] = []
        var templates: [Template] = []
        var triggers: [Trigger] = []
        var unreadable: [String] = []
        var layouts: [String: SourceFile] = [:]
        for file in sorted {
            guard let kind = FileKind(path: file.path) else { continue }
            if kind == .layout {
                layouts[file.path] = file
                continue
            }
            let parsed = YAMLParser.parse(file, limits: options.limits)
            bag.report(contentsOf: parsed.diagnostics)
            lines[file.path] = SourceLines(file)
            guard let root = parsed.root else {
                unreadable.append(file.path)
                if kind == .manifest, !parsed.diagnostics.contains(where: { $0.severity == .error }) {
                    bag.report(
                        .error(
                            .emptyValue, "`automail.yaml` is empty", at: .startOf(file: file.path),
                            help: "declare at least `id`, `name`, `locales`, `sending_domains`, `legal` and `footer`"))
                }
                continue
            }
            switch kind {
            case .manifest: manifest = WorkspaceDecoder.decodeManifest(root, file: file.path, into: &bag)
            case .questionnaire:
                if let q = WorkspaceDecoder.decodeQuestionnaire(root, file: file.path, into: &bag) {
                    questionnaires.append(q)
                } else {
                    unreadable.append(file.path)
                }
            case .template:
                if let t = WorkspaceDecoder.decodeTemplate(root, file: file.path, into: &bag) {
                    templates.append(t)
                } else {
                    unreadable.append(file.path)
                }
            case .triggers:
                if root.pairs == nil { unreadable.append(file.path) }
                triggers += WorkspaceDecoder.decodeTriggers(root, file: file.path, into: &bag)
            case .layout: break  // taken above, never parsed as YAML
            }
        }
        if !sorted.contains(where: { $0.path == FileKind.manifestPath }) {
            bag.report(
                .error(
                    .notAWorkspace, "the workspace has no `automail.yaml`", at: nil,
                    help: "create `automail.yaml` at the workspace root (`automail init` writes a starting one)"))
        }
        let workspace = Workspace(
            manifest: manifest, questionnaires: questionnaires, templates: templates, triggers: triggers,
            unreadableFiles: unreadable, layoutFiles: layouts)
        let checked = Checker.check(workspace, lines: lines, into: &bag)
        var bundle: [UInt8]?
        var bundleContent: JSONValue?
        if emit, !bag.hasErrors, let manifest {
            let lowering = BundleLowering(
                workspace: workspace, manifest: manifest, symbols: checked.symbols, variables: checked.variables,
                options: options)
            let lowered = lowering.lower()
            bundle = BundleEmitter.emit(lowered)
            bundleContent = .object(lowered)
        }
        var result = CompilationResult(diagnostics: bag.sorted(), bundle: bundle, bundleContent: bundleContent)
        result.samples = (manifest?.samples ?? []).map(PreviewContact.init(sample:))
        return result
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
