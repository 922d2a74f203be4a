import Diagnostics
import YAMLSource

/// The decoded workspace: the typed model of every file, with what the later stages read beside it.
///
/// It is the boundary between the per-file stages (parse and decode, which depend on one file each)
/// and the workspace-wide ones (check, lower, emit, which depend on every file).
struct DecodedWorkspace {
    /// The workspace's files, in path order (UTF-8 bytes).
    var files: [SourceFile]
    /// The model.
    var workspace: Workspace
    /// Every file's `# automail: ignore` comments, in path order.
    var suppressions: [SuppressionComment]
    /// Line tables, which map a character of a Liquid or Markdown text to its file position: only the
    /// manifest and templates hold such texts.
    var lines: [String: SourceLines]
    /// What loading, parsing and decoding reported.
    var bag: DiagnosticBag

    /// Takes in the decoded files one at a time, in path order, and builds the workspace from them.
    struct Builder {
        private var bag = DiagnosticBag()
        private var manifest: Manifest?
        private var questionnaires: [Questionnaire] = []
        private var templates: [Template] = []
        private var triggers: [Trigger] = []
        private var unreadable: [String] = []
        private var suppressions: [SuppressionComment] = []

        /// A builder for the workspace of `files`, sorted (``DecodedWorkspace/sorted(_:)``).
        init(files: [SourceFile]) {
            var kinds = (questionnaires: 0, templates: 0)
            for file in files {
                switch FileKind(path: file.path) {
                case .questionnaire?: kinds.questionnaires += 1
                case .template?: kinds.templates += 1
                default: break
                }
            }
            questionnaires.reserveCapacity(kinds.questionnaires)
            templates.reserveCapacity(kinds.templates)
        }

        /// Takes in the next file, adding its parse and decode times to `timings`.
        mutating func add(_ outcome: DecodedFile, timings: inout PhaseTimings) {
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

        /// The workspace of `files` (sorted, every one of them added), with `lines`, the line tables
        /// (``DecodedWorkspace/lineTables(of:)``).
        func finish(files: [SourceFile], lines: [String: SourceLines]) -> DecodedWorkspace {
            var bag = self.bag
            if let missing = WorkspaceLoader.missingManifest(among: files) { bag.report(missing) }
            // Layouts are HTML, never parsed as YAML: the rules read them whole.
            var layouts: [String: SourceFile] = [:]
            for file in files where FileKind(path: file.path) == .layout { layouts[file.path] = file }
            let workspace = Workspace(
                manifest: manifest, questionnaires: questionnaires, templates: templates, triggers: triggers,
                unreadableFiles: unreadable, layoutFiles: layouts)
            return DecodedWorkspace(
                files: files, workspace: workspace, suppressions: suppressions, lines: lines, bag: bag)
        }
    }

    /// `files` in path order (UTF-8 bytes), whatever order they came in: the order of every stage.
    static func sorted(_ files: [SourceFile]) -> [SourceFile] {
        files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The line tables of the files that hold Liquid or Markdown texts (the manifest and templates).
    static func lineTables(of files: [SourceFile]) -> [String: SourceLines] {
        var lines: [String: SourceLines] = [:]
        for file in files where [.manifest, .template].contains(FileKind(path: file.path)) {
            lines[file.path] = SourceLines(file)
        }
        return lines
    }

    /// Parses and decodes `files`, a batch at a time (``DecodeStage/batchSize``): each batch's outcomes
    /// are taken into the workspace and dropped before the next is parsed, so the files' trigger lists
    /// (50,000 triggers in 2,000 files) are never all held beside the workspace's array of them.
    static func decode(_ files: [SourceFile], options: BuildOptions, timings: inout PhaseTimings) -> DecodedWorkspace {
        let sorted = sorted(files)
        var builder = Builder(files: sorted)
        options.progress?.update { $0.files = sorted.count }
        var start = 0
        while start < sorted.count {
            let end = min(sorted.count, start + DecodeStage.batchSize)
            for outcome in DecodeStage.run(Array(sorted[start..<end]), options: options) {
                builder.add(outcome, timings: &timings)
            }
            options.progress?.update { $0.filesRead = end }
            start = end
        }
        let clock = ContinuousClock()
        let mark = clock.now
        let lines = lineTables(of: sorted)
        timings.parse += clock.now - mark
        return builder.finish(files: sorted, lines: lines)
    }
}
