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
        // Asked of every file several times a run: an ASCII path (each byte a Character, `/` joining no
        // neighbour into one) is read on its bytes, with the same outcome as the Character reading.
        var path = path
        if let kind = path.withUTF8({ Self.kind(asciiPath: $0) }) {
            guard let kind else { return nil }
            self = kind
            return
        }
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

    /// What an ASCII path holds (`.some(nil)` for a file the workspace does not read); `nil` when the path
    /// is not ASCII and must be read by Characters.
    private static func kind(asciiPath bytes: UnsafeBufferPointer<UInt8>) -> FileKind?? {
        var slash: Int?
        var slashes = 0
        for (i, b) in bytes.enumerated() {
            if b >= 0x80 { return nil }
            if b == UInt8(ascii: "/") {
                slashes += 1
                slash = i
            }
        }
        if bytes.elementsEqual(manifestPath.utf8) { return .some(.manifest) }
        guard slashes == 1, let slash else { return .some(nil) }
        let folder = UnsafeBufferPointer(rebasing: bytes[..<slash])
        let name = UnsafeBufferPointer(rebasing: bytes[(slash + 1)...])
        func nameEnds(with suffix: String) -> Bool {
            name.count >= suffix.utf8.count && name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }
        if folder.elementsEqual("layouts".utf8), nameEnds(with: ".html") { return .some(.layout) }
        guard nameEnds(with: ".yaml") else { return .some(nil) }
        if folder.elementsEqual("questionnaires".utf8) { return .some(.questionnaire) }
        if folder.elementsEqual("templates".utf8) { return .some(.template) }
        if folder.elementsEqual("triggers".utf8) { return .some(.triggers) }
        return .some(nil)
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
        // Asked once: the scanner's byte search is as long as the file.
        let mayHoldComments = SuppressionScanner.mayHoldComments(file)
        if kind == .triggers, !mayHoldComments {
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
            // The files whose line tables the rules read keep the one parsing made.
            parsed = YAMLParser.parse(
                file, limits: options.limits, keepingLines: kind == .manifest || kind == .template)
        }
        var result = ParsedFile(path: file.path, kind: kind, parsed: parsed, streamed: streamed)
        result.parseTime = clock.now - mark
        bag.report(contentsOf: parsed.diagnostics)
        // Comments are read only where the file parsed (or holds no document): after a fatal YAML
        // error, which text is a comment is unknown.
        // A file without `automail:` has none (the scanner would search it again to find so).
        if mayHoldComments, parsed.root != nil || !parsed.diagnostics.contains(where: { $0.severity == .error }) {
            let scan = SuppressionScanner.scan(file, root: parsed.root)
            result.suppressions = scan.comments
            bag.report(contentsOf: scan.diagnostics)
        }
        result.diagnostics = bag.diagnostics
        return result
    }
}
