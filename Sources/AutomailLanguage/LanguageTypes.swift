import Diagnostics

/// A position in a document as the Language Server Protocol counts it: a zero-based line and a
/// zero-based character offset in UTF-16 code units into that line.
///
/// Every feature clamps a position it is given: before the first line is the document's start, past the
/// last line its end, a character past the end of its line is the line's end, and an offset inside a
/// surrogate pair is the pair's start.
public struct DocumentPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The zero-based line.
    public var line: Int
    /// The zero-based offset into the line, in UTF-16 code units.
    public var character: Int

    /// Creates a position.
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public static func < (lhs: DocumentPosition, rhs: DocumentPosition) -> Bool {
        (lhs.line, lhs.character) < (rhs.line, rhs.character)
    }

    public var description: String { "\(line):\(character)" }
}

/// A range in a document: from ``start`` up to, not including, ``end`` (LSP's `Range`).
public struct DocumentRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first position.
    public var start: DocumentPosition
    /// Just past the last position.
    public var end: DocumentPosition

    /// Creates a range; an `end` before `start` is `start`.
    public init(start: DocumentPosition, end: DocumentPosition) {
        self.start = start
        self.end = max(start, end)
    }

    /// An empty range at `position`.
    public init(at position: DocumentPosition) {
        self.init(start: position, end: position)
    }

    /// Whether `position` is inside the range, its end included (where an editor's cursor can be).
    public func contains(_ position: DocumentPosition) -> Bool {
        start <= position && position <= end
    }

    public static func < (lhs: DocumentRange, rhs: DocumentRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "\(start)-\(end)" }
}

/// A place in a workspace file: its path relative to the workspace root and a range (LSP's `Location`;
/// the adapter turns the path into a URI).
public struct DocumentLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's path relative to the workspace root, with `/` separators.
    public var path: String
    /// The range in that file.
    public var range: DocumentRange

    /// Creates a location.
    public init(path: String, range: DocumentRange) {
        self.path = path
        self.range = range
    }

    public static func < (lhs: DocumentLocation, rhs: DocumentLocation) -> Bool {
        (lhs.path, lhs.range) < (rhs.path, rhs.range)
    }

    public var description: String { "\(path):\(range)" }
}

/// A replacement of a range of a document by a new text (LSP's `TextEdit`).
public struct TextEdit: Sendable, Hashable {
    /// What is replaced; an empty range inserts.
    public var range: DocumentRange
    /// The new text.
    public var newText: String

    /// Creates an edit.
    public init(range: DocumentRange, newText: String) {
        self.range = range
        self.newText = newText
    }
}

/// Edits to several files, by path (LSP's `WorkspaceEdit` with `changes`). Each file's edits do not
/// overlap and are sorted by position.
public struct WorkspaceEdit: Sendable, Hashable {
    /// The edits of each file.
    public var changes: [String: [TextEdit]]

    /// Creates a workspace edit.
    public init(changes: [String: [TextEdit]] = [:]) {
        self.changes = changes
    }

    /// Whether it changes nothing.
    public var isEmpty: Bool { changes.values.allSatisfy(\.isEmpty) }
}

/// A note of a diagnostic that points somewhere (LSP's `DiagnosticRelatedInformation`).
public struct RelatedInformation: Sendable, Hashable {
    /// Where the note points.
    public var location: DocumentLocation
    /// What it says.
    public var message: String

    /// Creates related information.
    public init(location: DocumentLocation, message: String) {
        self.location = location
        self.message = message
    }
}

/// A diagnostic as an editor shows it: `automail check`'s diagnostic, its positions in LSP's counting.
public struct LanguageDiagnostic: Sendable, Hashable {
    /// The file it is in; `nil` for a diagnostic about the workspace as a whole.
    public var path: String?
    /// Where it is (the start of the file for a workspace-wide diagnostic).
    public var range: DocumentRange
    /// How serious it is.
    public var severity: Severity
    /// Its rule's code, e.g. `AM301`; `automail explain CODE` (and ``LanguageWorkspace/hover(at:)`` on
    /// its range) explains it.
    public var code: String
    /// What is wrong.
    public var message: String
    /// One actionable fix, if the rule gives one.
    public var help: String?
    /// The notes that point somewhere.
    public var relatedInformation: [RelatedInformation]
    /// The notes that point nowhere (counts, facts).
    public var unlocatedNotes: [String]
    /// The diagnostic exactly as `automail check` reports it.
    public var source: Diagnostic

    /// The message with its help and unlocated notes, one a line: what an editor that shows one text
    /// per diagnostic should show.
    public var fullMessage: String {
        var lines = [message]
        lines += unlocatedNotes.map { "note: \($0)" }
        if let help { lines.append("help: \(help)") }
        return lines.joined(separator: "\n")
    }
}

/// The diagnostics of a workspace, grouped by file.
public struct DiagnosticReport: Sendable, Hashable {
    /// Each file's diagnostics, in `automail check`'s order; files without any are absent.
    public var files: [String: [LanguageDiagnostic]]
    /// The diagnostics about the workspace as a whole (no file).
    public var workspace: [LanguageDiagnostic]
    /// Every diagnostic in `automail check`'s order.
    public var all: [LanguageDiagnostic]
}

/// What kind of thing a symbol, a completion item or a reference is.
public enum SymbolKind: String, Sendable, Hashable, CaseIterable {
    /// An email template (`templates/*.yaml`, `id`).
    case template
    /// A trigger (`triggers/*.yaml`).
    case trigger
    /// A questionnaire.
    case questionnaire
    /// A question of a questionnaire.
    case question
    /// An answer of a choice question.
    case answer
    /// A support level (`support_levels` of `automail.yaml`).
    case supportLevel
    /// A task (`tasks` of `automail.yaml`).
    case task
    /// A named sender.
    case sender
    /// A consent purpose.
    case purpose
    /// A locale of the workspace.
    case locale
    /// A custom email layout file.
    case layout
    /// A custom contact field (`contact.<id>` in Liquid).
    case contactField
    /// A value of `legal` or the workspace's `id` and `name`, read in Liquid as `legal.*`, `workspace.*`.
    case manifestValue
    /// A Liquid variable the sender provides (`contact.firstname`, `unsubscribe_url`).
    case variable
    /// A Liquid filter.
    case filter
    /// A duration (`30m`, `7d`, `forever`).
    case duration
}

/// A symbol of one file, for an editor's outline (LSP's `DocumentSymbol`).
public struct DocumentSymbol: Sendable, Hashable {
    /// Its name (the id).
    public var name: String
    /// A short detail (a label, a type, an event).
    public var detail: String?
    /// What it is.
    public var kind: SymbolKind
    /// The whole definition.
    public var range: DocumentRange
    /// The id itself.
    public var selectionRange: DocumentRange
    /// What it contains (a questionnaire's questions, a question's answers).
    public var children: [DocumentSymbol]
}

/// A link in a document (LSP's `DocumentLink`): the privacy page, the layout file.
public struct DocumentLink: Sendable, Hashable {
    /// The linked text.
    public var range: DocumentRange
    /// An absolute URL, when the link leaves the workspace.
    public var url: String?
    /// A workspace file, by path relative to the root, when the link is to one.
    public var path: String?
    /// What the link is.
    public var tooltip: String
}

/// A completion proposal (LSP's `CompletionItem` with a `textEdit`).
public struct CompletionItem: Sendable, Hashable {
    /// What the list shows, and what is inserted.
    public var label: String
    /// What it is.
    public var kind: SymbolKind
    /// A short detail (a label, a type).
    public var detail: String?
    /// The edit that inserts it: it replaces the word being typed.
    public var edit: TextEdit
}

/// A hover (LSP's `Hover`): Markdown text about what is under the cursor.
public struct HoverInfo: Sendable, Hashable {
    /// The text, Markdown.
    public var markdown: String
    /// What it is about.
    public var range: DocumentRange
}

/// A quick fix (LSP's `CodeAction` of kind `quickfix`).
public struct CodeAction: Sendable, Hashable {
    /// What it does, as the editor's menu shows it.
    public var title: String
    /// Whether it is the fix an editor may apply on its own (a did-you-mean).
    public var isPreferred: Bool
    /// The edits.
    public var edit: WorkspaceEdit
}

/// The id a rename would change (LSP `prepareRename`'s answer).
public struct RenameTarget: Sendable, Hashable {
    /// The id's characters under the cursor.
    public var range: DocumentRange
    /// The id as written there (the last segment of an answer path).
    public var name: String
    /// What it names.
    public var kind: SymbolKind
}

/// Why a rename was refused, in a sentence an editor shows.
public struct RenameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message.
    public var message: String

    /// Creates a refusal.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
