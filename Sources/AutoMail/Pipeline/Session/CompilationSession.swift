import Crypto
import Diagnostics
import YAMLSource

/// A workspace kept in memory between edits, for an editor (a language server) that checks it again
/// after each change: only the files that changed are parsed and decoded again.
///
/// The per-file stages (parse, decode) depend on one file each, so the session keeps each file's
/// ``DecodedFile`` keyed by its path and the SHA-256 of its bytes; ``check()`` parses and decodes the
/// files added or changed since the last check, then runs the workspace-wide stages (assembling the
/// ``Workspace``, the workspace-wide rules, the suppression comments) over all of them. The
/// per-template rules (Liquid, Markdown, every locale, rendering) depend on the template's file and the
/// manifest alone (``TemplateResults`` says how that was established), so the session keeps each
/// template's diagnostics with its file and runs those rules again only on the templates whose file
/// changed, or on every template when the manifest (or ``options``) changed. Its diagnostics are
/// ``Compiler/check(_:options:)``'s on the same files, in the same order. ``filesParsed`` counts the
/// files it has parsed, and ``templatesChecked`` the templates it has run the per-template rules on, so
/// that a caller (or a test) sees that one edit of a template parses one file and checks one template.
///
/// A session reads no file: the editor gives it each file's bytes (``SourceFile``), as the CLI gives
/// them to ``Compiler``. It reports no progress (``BuildOptions/progress`` is not used).
public struct CompilationSession: Sendable {
    /// One file, and its parsed and decoded form once a check has computed it.
    private struct Entry: Sendable {
        var file: SourceFile
        var digest: [UInt8]
        /// `nil` until the next ``check()`` parses and decodes the file.
        var decoded: DecodedFile?
        /// The per-template rules' diagnostics of the template decoded from the file, found with the
        /// manifest and options of ``templateContext``; `nil` until a check finds them.
        var templateDiagnostics: [Diagnostic]?
    }

    /// What the kept per-template diagnostics were found with, beside each template's own file.
    private struct TemplateContext: Equatable {
        /// The digest of the manifest's bytes; `nil` when the workspace has no manifest file.
        var manifest: [UInt8]?
        var options: BuildOptions
    }

    /// What every check is run with (the YAML limits, the threads, the reference time).
    public var options: BuildOptions
    /// The files, in path order once ``sortEntries()`` has run (a file added goes last until then); each
    /// read and written in place, never copied whole (an entry holds a file's model and diagnostics).
    private var entries: [Entry] = []
    /// The position of each path's entry in ``entries``.
    private var positions: [String: Int] = [:]
    /// Whether ``entries`` is in path order.
    private var entriesSorted = true
    /// The line tables of the files that hold Liquid or Markdown texts (the manifest, templates), each
    /// made when the file is decoded (``DecodedWorkspace/lineTables(of:)``).
    private var lines: [String: SourceLines] = [:]
    /// How many files this session has parsed and decoded, over all its checks (a layout, which is
    /// never parsed, and a file whose bytes did not change are not counted).
    public private(set) var filesParsed = 0
    /// How many templates this session has run the per-template rules on, over all its checks (a template
    /// whose file, and the manifest, did not change since the last check is not checked again).
    public private(set) var templatesChecked = 0
    /// The manifest and options the kept per-template diagnostics were found with (`nil`: none kept).
    private var templateContext: TemplateContext?
    /// The diagnostics of the manifest's footers, found with ``templateContext``.
    private var footerDiagnostics: [Diagnostic]?
    /// The model the last ``check()`` assembled from the files (empty before the first check): what an
    /// editor navigates (definitions, references, completion) between checks.
    public private(set) var workspace = Workspace(manifest: nil, questionnaires: [], templates: [], triggers: [])

    /// A session over `files` (paths relative to the workspace root); nothing is parsed until ``check()``.
    public init(files: [SourceFile] = [], options: BuildOptions = BuildOptions()) {
        self.options = options
        for file in files { update(file: file) }
    }

    /// The paths of the session's files, in path order.
    public var paths: [String] {
        let paths = entries.map(\.file.path)
        return entriesSorted ? paths : paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Adds `file`, or replaces the file at its path; a file whose bytes are those already held is left
    /// as it is (and not parsed again).
    public mutating func update(file: SourceFile) {
        let digest = Array(SHA256.hash(data: file.bytes))
        if let position = positions[file.path] {
            if entries[position].digest == digest { return }
            entries[position] = Entry(file: file, digest: digest)
            lines[file.path] = nil
        } else {
            positions[file.path] = entries.count
            entries.append(Entry(file: file, digest: digest))
            entriesSorted = false
        }
    }

    /// Removes the file at `path`, if the session holds one.
    public mutating func remove(path: String) {
        guard let position = positions.removeValue(forKey: path) else { return }
        lines[path] = nil
        // The last entry takes its place: the order is restored by the next check.
        let last = entries.count - 1
        if position != last {
            entries.swapAt(position, last)
            positions[entries[position].file.path] = position
            entriesSorted = false
        }
        entries.removeLast()
    }

    /// Puts ``entries`` in path order (UTF-8 bytes, as ``DecodedWorkspace/sorted(_:)``), with their positions.
    private mutating func sortEntries() {
        guard !entriesSorted else { return }
        entries.sort { $0.file.path.utf8.lexicographicallyPrecedes($1.file.path.utf8) }
        positions = [:]
        positions.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() { positions[entry.file.path] = position }
        entriesSorted = true
    }

    /// Checks the workspace as it now is: what ``Compiler/check(_:options:)`` reports for the
    /// session's files, parsing and decoding only those added or changed since the last check, and
    /// running the per-template rules only on the templates whose file changed (on every one when the
    /// manifest or the options changed).
    public mutating func check() -> CompilationResult {
        // Never cancelled: a result every time.
        check(cancelledIf: nil) ?? CompilationResult(diagnostics: [])
    }

    /// ``check()``, giving up when `isCancelled` answers `true` (asked before each template the
    /// per-template rules run on, from the checking threads): for a server that drops a check a newer
    /// edit made stale. Returns `nil` when it gave up; the templates checked until then are kept, so the
    /// next check does not check them again.
    public mutating func check(cancelledIf isCancelled: (@Sendable () -> Bool)?) -> CompilationResult? {
        sortEntries()
        let files = entries.map(\.file)
        let changed = entries.indices.filter { entries[$0].decoded == nil }
        for (position, decoded) in zip(changed, DecodeStage.run(changed.map { files[$0] }, options: options)) {
            let file = files[position]
            entries[position].decoded = decoded
            if DecodedWorkspace.hasLineTable(file) { lines[file.path] = SourceLines(file) }
            if let kind = FileKind(path: file.path), kind != .layout { filesParsed += 1 }
        }
        // A manifest (or options) other than the kept diagnostics were found with: every template again.
        let context = TemplateContext(
            manifest: positions[FileKind.manifestPath].map { entries[$0].digest }, options: options)
        if context != templateContext {
            for position in entries.indices { entries[position].templateDiagnostics = nil }
            footerDiagnostics = nil
            templateContext = context
        }
        var timings = PhaseTimings()
        var builder = DecodedWorkspace.Builder(files: files)
        // The positions of the files the workspace's templates come from, in the order of `Workspace.templates`.
        var templatePositions: [Int] = []
        for position in entries.indices {
            if let decoded = entries[position].decoded {
                builder.add(decoded, timings: &timings)
                if case .template? = decoded.model { templatePositions.append(position) }
            }
        }
        let decoded = builder.finish(files: files, lines: lines)
        workspace = decoded.workspace
        var results: TemplateResults? = TemplateResults(
            footers: footerDiagnostics, templates: templatePositions.map { entries[$0].templateDiagnostics },
            isCancelled: isCancelled)
        let result = Compiler.finish(
            decoded, options: options, emit: false, reusing: &results, timings: &timings, write: EmitStage.inMemory)
        if let results {
            footerDiagnostics = results.footers
            for (position, diagnostics) in zip(templatePositions, results.templates) {
                entries[position].templateDiagnostics = diagnostics
            }
            templatesChecked += results.templatesChecked
            if results.wasCancelled { return nil }
        }
        return result
    }
}
