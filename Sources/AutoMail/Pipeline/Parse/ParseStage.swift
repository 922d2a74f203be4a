import Diagnostics
import YAMLSource

/// What a workspace file holds, from its path.
public enum FileKind: Sendable, Equatable {
    /// `automail.yaml`.
    case manifest
    /// A file of `questionnaires/`.
    case questionnaire
    /// A file of `templates/`.
    case template
    /// A file of `triggers/`.
    case triggers
    /// An HTML file of `layouts/`.
    case layout

    /// The manifest's path.
    public static let manifestPath = "automail.yaml"

    /// What `path` (relative to the workspace root) holds; `nil` for a file the workspace does not read.
    public init?(path: String) {
        if path == Self.manifestPath {
            self = .manifest
            return
        }
        // Asked of every file several times a run: an ASCII path (each byte a Character, `/` joining no
        // neighbour into one) is split and its suffix compared on bytes, with the same outcome.
        let ascii = path.utf8.allSatisfy({ $0 < 0x80 })
        let parts = ascii ? Self.asciiParts(path) : path.split(separator: "/", omittingEmptySubsequences: false)
        func hasSuffix(_ part: Substring, _ suffix: String) -> Bool {
            ascii ? part.utf8.reversed().starts(with: suffix.utf8.reversed()) : part.hasSuffix(suffix)
        }
        if parts.count == 2, parts[0] == "layouts", hasSuffix(parts[1], ".html") {
            self = .layout
            return
        }
        guard parts.count == 2, hasSuffix(parts[1], ".yaml") else { return nil }
        switch parts[0] {
        case "questionnaires": self = .questionnaire
        case "templates": self = .template
        case "triggers": self = .triggers
        default: return nil
        }
    }

    /// `path.split(separator: "/", omittingEmptySubsequences: false)` for an ASCII `path`, on bytes.
    private static func asciiParts(_ path: String) -> [Substring] {
        var parts: [Substring] = []
        let utf8 = path.utf8
        var start = utf8.startIndex
        var i = start
        while i < utf8.endIndex {
            if utf8[i] == UInt8(ascii: "/") {
                parts.append(path[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        parts.append(path[start...])
        return parts
    }
}

/// One YAML file of the workspace, parsed: its node tree and its `# automail: ignore` comments. It
/// lives only until ``DecodeStage`` has decoded it: the trees of a workspace are never all held at once.
struct ParsedFile {
    var path: String
    var kind: FileKind
    /// The tree (its root is `nil` for a file without a document or after a fatal YAML error).
    var parsed: YAMLParseResult
    /// A triggers file's bindings, decoded as they were read (see ``ParseStage/parse(_:kind:options:)``);
    /// `nil` when the file was read whole.
    var streamed: [Trigger]?
    /// The file's `# automail: ignore` comments.
    var suppressions: [SuppressionComment] = []
    /// What parsing, the streamed decoding and the comment scanner reported, in that order.
    var diagnostics: [Diagnostic] = []
    var parseTime: Duration = .zero
}

/// The parse stage: one file's bytes to a YAML node tree with source ranges (the `YAMLSource` module),
/// and its suppression comments. Each file is parsed independently of every other file.
enum ParseStage {
    /// Parses `file`, of kind `kind` (never a layout: layouts are HTML, read whole by the rules).
    static func parse(_ file: SourceFile, kind: FileKind, options: BuildOptions) -> ParsedFile {
        let clock = ContinuousClock()
        let mark = clock.now
        let parsed: YAMLParseResult
        var bag = DiagnosticBag()
        // A triggers file's bindings are decoded as they are read, so that its tree never holds them all
        // (50,000 bindings in one file: ~85 MB of tree). A file with a suppression comment keeps its
        // whole tree: the comment scanner reads it.
        var streamed: [Trigger]?
        if kind == .triggers, !SuppressionScanner.mayHoldComments(file) {
            var triggers: [Trigger] = []
            var itemBag = DiagnosticBag()
            parsed = YAMLParser.parse(file, limits: options.limits, streamingItemsOf: "triggers") { item in
                if let trigger = WorkspaceDecoder.decodeStreamedTrigger(item, file: file.path, into: &itemBag) {
                    triggers.append(trigger)
                }
            }
            // A file that does not parse is not decoded at all, as when it is read whole.
            if parsed.root != nil {
                streamed = triggers
                bag.report(contentsOf: itemBag.diagnostics)
            }
        } else {
            parsed = YAMLParser.parse(file, limits: options.limits)
        }
        var result = ParsedFile(path: file.path, kind: kind, parsed: parsed, streamed: streamed)
        result.parseTime = clock.now - mark
        bag.report(contentsOf: parsed.diagnostics)
        // Comments are read only where the file parsed (or holds no document): after a fatal YAML
        // error, which text is a comment is unknown.
        if parsed.root != nil || !parsed.diagnostics.contains(where: { $0.severity == .error }) {
            let scan = SuppressionScanner.scan(file, root: parsed.root)
            result.suppressions = scan.comments
            bag.report(contentsOf: scan.diagnostics)
        }
        result.diagnostics = bag.diagnostics
        return result
    }
}
