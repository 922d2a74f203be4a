import BundleFormat
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
        files.sorted { JSONWriter.keyPrecedes($0.path, $1.path) }
    }

    /// The line tables of the files that hold Liquid or Markdown texts (the manifest and templates).
    static func lineTables(of files: [SourceFile]) -> [String: SourceLines] {
        var lines: [String: SourceLines] = [:]
        for file in files where hasLineTable(file) {
            lines[file.path] = SourceLines(file)
        }
        return lines
    }

    /// Whether `file` holds Liquid or Markdown texts, whose positions the rules map through its line table.
    static func hasLineTable(_ file: SourceFile) -> Bool {
        [.manifest, .template].contains(FileKind(path: file.path))
    }

    /// Parses and decodes `files` on `options.parallelism` threads, each thread taking the next file as it
    /// is free (with its line table, ``lineTables(of:)``), and takes the outcomes into the workspace in path
    /// order as they are done, at most ``DecodeStage/batchSize`` ahead of the last one taken: the files'
    /// trigger lists (50,000 triggers in 2,000 files) are never all held beside the workspace's array of them.
    static func decode(_ files: [SourceFile], options: BuildOptions, timings: inout PhaseTimings) -> DecodedWorkspace {
        let sorted = sorted(files)
        var builder = Builder(files: sorted)
        var lines: [String: SourceLines] = [:]
        options.progress?.update { $0.files = sorted.count }
        Parallel.forEachInOrder(sorted.count, parallelism: options.parallelism, window: DecodeStage.batchSize) {
            // The line table is the one parsing made (no second scan of the file), counted as parsing.
            DecodeStage.decodeKeepingLines(sorted[$0], options: options)
        } consume: { index, outcome in
            builder.add(outcome.0, timings: &timings)
            if let table = outcome.1 { lines[sorted[index].path] = table }
            if (index + 1) % DecodeStage.batchSize == 0 || index + 1 == sorted.count {
                options.progress?.update { $0.filesRead = index + 1 }
            }
        }
        return builder.finish(files: sorted, lines: lines)
    }
}
