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
        /// The file's line table, when it holds Liquid or Markdown texts (the manifest, templates).
        var lines: SourceLines?
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
    private var entries: [String: Entry] = [:]
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
    public var paths: [String] { DecodedWorkspace.sorted(entries.values.map(\.file)).map(\.path) }

    /// Adds `file`, or replaces the file at its path; a file whose bytes are those already held is left
    /// as it is (and not parsed again).
    public mutating func update(file: SourceFile) {
        let digest = Array(SHA256.hash(data: file.bytes))
        if let entry = entries[file.path], entry.digest == digest { return }
        entries[file.path] = Entry(file: file, digest: digest)
    }

    /// Removes the file at `path`, if the session holds one.
    public mutating func remove(path: String) {
        entries[path] = nil
    }

    /// Checks the workspace as it now is: what ``Compiler/check(_:options:)`` reports for the
    /// session's files, parsing and decoding only those added or changed since the last check, and
    /// running the per-template rules only on the templates whose file changed (on every one when the
    /// manifest or the options changed).
    public mutating func check() -> CompilationResult {
        let files = DecodedWorkspace.sorted(entries.values.map(\.file))
        let changed = files.filter { entries[$0.path]?.decoded == nil }
        for (file, decoded) in zip(changed, DecodeStage.run(changed, options: options)) {
            entries[file.path]?.decoded = decoded
            entries[file.path]?.lines = DecodedWorkspace.lineTables(of: [file])[file.path]
            if let kind = FileKind(path: file.path), kind != .layout { filesParsed += 1 }
        }
        // A manifest (or options) other than the kept diagnostics were found with: every template again.
        let context = TemplateContext(manifest: entries[FileKind.manifestPath]?.digest, options: options)
        if context != templateContext {
            for path in entries.keys { entries[path]?.templateDiagnostics = nil }
            footerDiagnostics = nil
            templateContext = context
        }
        var timings = PhaseTimings()
        var builder = DecodedWorkspace.Builder(files: files)
        var lines: [String: SourceLines] = [:]
        // The files the workspace's templates come from, in the order of `Workspace.templates`.
        var templatePaths: [String] = []
        for file in files {
            guard let entry = entries[file.path] else { continue }
            if let decoded = entry.decoded {
                builder.add(decoded, timings: &timings)
                if case .template? = decoded.model { templatePaths.append(file.path) }
            }
            if let table = entry.lines { lines[file.path] = table }
        }
        let decoded = builder.finish(files: files, lines: lines)
        workspace = decoded.workspace
        var results: TemplateResults? = TemplateResults(
            footers: footerDiagnostics, templates: templatePaths.map { entries[$0]?.templateDiagnostics })
        let result = Compiler.finish(
            decoded, options: options, emit: false, reusing: &results, timings: &timings, write: EmitStage.inMemory)
        if let results {
            footerDiagnostics = results.footers
            for (path, diagnostics) in zip(templatePaths, results.templates) {
                entries[path]?.templateDiagnostics = diagnostics
            }
            templatesChecked += results.templatesChecked
        }
        return result
    }
}
