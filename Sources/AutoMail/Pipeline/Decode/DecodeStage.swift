import Diagnostics
import YAMLSource

/// What parsing and decoding one file gave: its piece of the model, its diagnostics and its suppression
/// comments. It depends on that file alone, so an editor keeps it until the file changes
/// (``CompilationSession``).
struct DecodedFile: Sendable {
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

/// The decode stage: a parsed file's node tree to its piece of the typed model, with the structural
/// diagnostics (``WorkspaceDecoder``). Parsing and decoding run one file after the other on the same
/// thread, so a file's tree is dropped as soon as it is decoded.
enum DecodeStage {
    /// How many files the pipeline parses and decodes before taking their outcomes in.
    static let batchSize = 256

    /// The decoded `files`, in their order, computed on up to `options.parallelism` threads.
    /// Each file's outcome depends on that file alone, so the result is the same for any number of threads.
    static func run(_ files: [SourceFile], options: BuildOptions) -> [DecodedFile] {
        Parallel.map(files.count, parallelism: options.parallelism) { decode(files[$0], options: options) }
    }

    /// `file` parsed (``ParseStage``) then decoded.
    static func decode(_ file: SourceFile, options: BuildOptions) -> DecodedFile {
        guard let kind = FileKind(path: file.path), kind != .layout else { return DecodedFile(path: file.path) }
        return decode(ParseStage.parse(file, kind: kind, options: options))
    }

    /// ``decode(_:options:)``, with the file's line table when it has one
    /// (``DecodedWorkspace/hasLineTable(_:)``): the one parsing made, else `SourceLines(file)`.
    static func decodeKeepingLines(_ file: SourceFile, options: BuildOptions) -> (DecodedFile, SourceLines?) {
        guard let kind = FileKind(path: file.path), kind != .layout else { return (DecodedFile(path: file.path), nil) }
        let parsed = ParseStage.parse(file, kind: kind, options: options)
        guard kind == .manifest || kind == .template else { return (decode(parsed), nil) }
        if let lines = parsed.parsed.lines { return (decode(parsed), lines) }
        // A file refused before its lines were read (too large, not UTF-8): its lines are the bytes'.
        let clock = ContinuousClock()
        let mark = clock.now
        let lines = SourceLines(file)
        var outcome = decode(parsed)
        outcome.parseTime += clock.now - mark
        return (outcome, lines)
    }

    /// `file`'s tree decoded.
    static func decode(_ file: ParsedFile) -> DecodedFile {
        var bag = DiagnosticBag()
        bag.report(contentsOf: file.diagnostics)
        let clock = ContinuousClock()
        let mark = clock.now
        let (model, unreadable) = decode(
            file.parsed, kind: file.kind, path: file.path, streamed: file.streamed, bag: &bag)
        let decodeTime = clock.now - mark
        // Made once, at the end, from what was decoded (an outcome filled in place through `inout` was
        // copied out to be returned, then destroyed: its model holds a whole template).
        return DecodedFile(
            path: file.path, diagnostics: bag.diagnostics, model: model, unreadable: unreadable,
            suppressions: file.suppressions, parseTime: file.parseTime, decodeTime: decodeTime)
    }

    /// The model of a parsed file, and whether the file is unreadable (no tree, or a root that is not the
    /// mapping its kind needs).
    private static func decode(
        _ parsed: YAMLParseResult, kind: FileKind, path: String, streamed: [Trigger]?, bag: inout DiagnosticBag
    ) -> (model: DecodedFile.Model?, unreadable: Bool) {
        guard let root = parsed.root else {
            if kind == .manifest, !parsed.diagnostics.contains(where: { $0.severity == .error }) {
                bag.report(
                    .rule(
                        .emptyValue, "`automail.yaml` is empty", at: .startOf(file: path),
                        help: "declare at least `id`, `name`, `locales`, `sending_domains`, `legal` and `footer`"))
            }
            return (nil, true)
        }
        switch kind {
        case .manifest:
            return (.manifest(WorkspaceDecoder.decodeManifest(root, file: path, into: &bag)), false)
        case .questionnaire:
            guard let q = WorkspaceDecoder.decodeQuestionnaire(root, file: path, into: &bag) else { return (nil, true) }
            return (.questionnaire(q), false)
        case .template:
            guard let t = WorkspaceDecoder.decodeTemplate(root, file: path, into: &bag) else { return (nil, true) }
            return (.template(t), false)
        case .triggers:
            let unreadable = root.pairs == nil
            return (
                .triggers(WorkspaceDecoder.decodeTriggers(root, file: path, streamed: streamed, into: &bag)), unreadable
            )
        case .layout:
            return (nil, false)  // never parsed as YAML
        }
    }
}
