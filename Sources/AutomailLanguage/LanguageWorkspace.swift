import AutoMail
import Diagnostics

/// A workspace as an editor sees it: the files on disk, the open buffers over them (their unsaved
/// text), and after each change the compiler's verdict and an index of every id, so that every
/// request (diagnostics, definition, references, symbols, links, completion, hover, code actions,
/// rename) is answered from values, without reading the disk.
///
/// Paths are relative to the workspace root, with `/` separators (the adapter turns URIs into them).
/// Each change checks the workspace again through a ``CompilationSession``, which parses and decodes
/// only the file that changed; the diagnostics are exactly `automail check`'s for the same content.
///
/// No request crashes on any content or position: positions and ranges are clamped to the documents.
public struct LanguageWorkspace: Sendable {
    /// What the disk holds, by path.
    private var disk: [String: String] = [:]
    /// The open buffers, by path: they take the place of the disk's text.
    private var buffers: [String: String] = [:]
    private var session: CompilationSession
    /// The current text of every file, by path.
    private(set) var documents: [String: Document] = [:]
    /// The last check's diagnostics, the loader's among them.
    private(set) var checked: [Diagnostic] = []
    /// What the loader reported while reading the disk (AM002 unreadable file, AM003 a file that is not
    /// `NAME.yaml`, AM004 limits): `automail check` shows them with the compiler's.
    public private(set) var loaderDiagnostics: [Diagnostic] = []
    /// Every id of the workspace, defined or used.
    private(set) var index = SymbolIndex(
        workspace: Workspace(manifest: nil, questionnaires: [], templates: [], triggers: []), documents: [:])

    /// A workspace over `files` as read from disk (paths relative to the root), checked once;
    /// `loaderDiagnostics` are the loader's (`LoadedWorkspace.diagnostics`), reported with the compiler's
    /// as `automail check` does.
    public init(files: [SourceFile], loaderDiagnostics: [Diagnostic] = [], options: BuildOptions = BuildOptions()) {
        session = CompilationSession(options: options)
        self.loaderDiagnostics = loaderDiagnostics
        for file in files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            disk[file.path] = text
            session.update(file: file)
        }
        refresh()
    }

    /// The paths of the workspace's files, in path order.
    public var paths: [String] { documents.keys.sorted() }

    /// The current text of the file at `path` (its open buffer's, else the disk's).
    public func text(of path: String) -> String? { documents[path]?.text }

    /// Whether the file at `path` is open in the editor.
    public func isOpen(_ path: String) -> Bool { buffers[path] != nil }

    /// The model the last check decoded.
    public var workspace: Workspace { session.workspace }

    // MARK: - Changes

    /// The editor opened `path` with `text` (LSP `didOpen`); a path that is not on disk is a new file.
    public mutating func open(path: String, text: String) {
        buffers[path] = text
        apply(path)
    }

    /// The open buffer of `path` now reads `text` (LSP `didChange`, full text; see
    /// ``LineIndex/applying(_:to:)-swift.type.method`` for incremental changes).
    public mutating func change(path: String, text: String) {
        buffers[path] = text
        apply(path)
    }

    /// The open buffer of `path` changed by `edits` (LSP `didChange` with incremental changes, applied in
    /// order).
    public mutating func change(path: String, edits: [TextEdit]) {
        var text = buffers[path] ?? disk[path] ?? ""
        for edit in edits { text = LineIndex.applying(edit, to: text) }
        change(path: path, text: text)
    }

    /// The editor closed `path` (LSP `didClose`); `text` is what the disk now holds (`nil`: no such file
    /// on disk, the buffer was never saved).
    public mutating func close(path: String, text: String?) {
        buffers[path] = nil
        disk[path] = text
        apply(path)
    }

    /// The disk's copy of `path` changed, was created (`text`) or deleted (`nil`) outside the editor
    /// (LSP `didChangeWatchedFiles`, `didSave`). An open buffer still takes its place.
    public mutating func diskChanged(path: String, text: String?) {
        disk[path] = text
        apply(path)
    }

    /// The disk was read again (the workspace's files were added, removed or renamed outside the editor):
    /// what the loader now reports.
    public mutating func loaderReported(_ diagnostics: [Diagnostic]) {
        loaderDiagnostics = diagnostics
        refresh()
    }

    /// Passes the current text of `path` to the session and checks again.
    private mutating func apply(_ path: String) {
        if let text = buffers[path] ?? disk[path] {
            session.update(file: SourceFile(path: path, text: text))
        } else {
            session.remove(path: path)
        }
        refresh()
    }

    /// Checks the workspace and rebuilds the documents and the index.
    private mutating func refresh() {
        let compiled = session.check().diagnostics
        if loaderDiagnostics.isEmpty {
            checked = compiled
        } else {
            // As `automail check` merges them: the loader's first, then one bag's stable order.
            var bag = DiagnosticBag()
            bag.report(contentsOf: loaderDiagnostics)
            bag.report(contentsOf: compiled)
            checked = bag.sorted()
        }
        var documents: [String: Document] = [:]
        for path in Set(disk.keys).union(buffers.keys) {
            guard let text = buffers[path] ?? disk[path] else { continue }
            if let kept = self.documents[path], kept.text == text {
                documents[path] = kept
            } else {
                documents[path] = Document(path: path, text: text)
            }
        }
        self.documents = documents
        index = SymbolIndex(workspace: session.workspace, documents: documents, reusing: index)
    }

    // MARK: - Diagnostics

    /// The diagnostics of the workspace as it now reads: `automail check`'s, grouped by file, with notes
    /// as related information, help, and the rule code.
    public func diagnostics() -> DiagnosticReport {
        var files: [String: [LanguageDiagnostic]] = [:]
        var workspaceWide: [LanguageDiagnostic] = []
        var all: [LanguageDiagnostic] = []
        for diagnostic in checked {
            let converted = convert(diagnostic)
            all.append(converted)
            if let path = converted.path {
                files[path, default: []].append(converted)
            } else {
                workspaceWide.append(converted)
            }
        }
        return DiagnosticReport(files: files, workspace: workspaceWide, all: all)
    }

    /// The diagnostics of one file.
    public func diagnostics(path: String) -> [LanguageDiagnostic] {
        diagnostics().files[path] ?? []
    }

    /// `diagnostic` in LSP's counting.
    func convert(_ diagnostic: Diagnostic) -> LanguageDiagnostic {
        var related: [RelatedInformation] = []
        var unlocated: [String] = []
        for note in diagnostic.notes {
            if let range = note.range {
                related.append(RelatedInformation(location: location(of: range), message: note.message))
            } else {
                unlocated.append(note.message)
            }
        }
        return LanguageDiagnostic(
            path: diagnostic.range?.file,
            range: diagnostic.range.map { location(of: $0).range }
                ?? DocumentRange(at: DocumentPosition(line: 0, character: 0)),
            severity: diagnostic.severity, code: diagnostic.code.rawValue, message: diagnostic.message,
            help: diagnostic.help, relatedInformation: related, unlocatedNotes: unlocated, source: diagnostic)
    }

    /// A compiler range as a location; in a file the workspace does not hold, columns are taken as
    /// UTF-16 offsets.
    func location(of range: SourceRange) -> DocumentLocation {
        if let document = documents[range.file] {
            return DocumentLocation(path: range.file, range: document.lines.range(of: range))
        }
        return DocumentLocation(
            path: range.file,
            range: DocumentRange(
                start: DocumentPosition(line: max(0, range.start.line - 1), character: max(0, range.start.column - 1)),
                end: DocumentPosition(line: max(0, range.end.line - 1), character: max(0, range.end.column - 1))))
    }

    /// The document at `path` and `position` clamped into it.
    func clamped(_ path: String, _ position: DocumentPosition) -> (Document, DocumentPosition)? {
        guard let document = documents[path] else { return nil }
        return (document, document.lines.clamp(position))
    }
}
