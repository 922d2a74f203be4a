import Crypto
import Diagnostics
import YAMLSource

/// A workspace kept in memory between edits, for an editor (a language server) that checks it again
/// after each change: only the files that changed are parsed and decoded again.
///
/// The per-file stages (parse, decode) depend on one file each, so the session keeps each file's
/// ``DecodedFile`` keyed by its path and the SHA-256 of its bytes; ``check()`` parses and decodes the
/// files added or changed since the last check, then runs the workspace-wide stages (assembling the
/// ``Workspace``, every rule, the suppression comments) over all of them. Its diagnostics are
/// ``Compiler/check(_:options:)``'s on the same files, in the same order. ``filesParsed`` counts the
/// files it has parsed, so that a caller (or a test) sees that one edit parses one file.
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
    }

    /// What every check is run with (the YAML limits, the threads, the reference time).
    public var options: BuildOptions
    private var entries: [String: Entry] = [:]
    /// How many files this session has parsed and decoded, over all its checks (a layout, which is
    /// never parsed, and a file whose bytes did not change are not counted).
    public private(set) var filesParsed = 0
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
    /// session's files, parsing and decoding only those added or changed since the last check.
    public mutating func check() -> CompilationResult {
        let files = DecodedWorkspace.sorted(entries.values.map(\.file))
        let changed = files.filter { entries[$0.path]?.decoded == nil }
        for (file, decoded) in zip(changed, DecodeStage.run(changed, options: options)) {
            entries[file.path]?.decoded = decoded
            entries[file.path]?.lines = DecodedWorkspace.lineTables(of: [file])[file.path]
            if let kind = FileKind(path: file.path), kind != .layout { filesParsed += 1 }
        }
        var timings = PhaseTimings()
        var builder = DecodedWorkspace.Builder(files: files)
        var lines: [String: SourceLines] = [:]
        for file in files {
            guard let entry = entries[file.path] else { continue }
            if let decoded = entry.decoded { builder.add(decoded, timings: &timings) }
            if let table = entry.lines { lines[file.path] = table }
        }
        let decoded = builder.finish(files: files, lines: lines)
        workspace = decoded.workspace
        return Compiler.finish(decoded, options: options, emit: false, timings: &timings, write: EmitStage.inMemory)
    }
}
