import CLibYAML
import Diagnostics

/// Limits that keep a hostile or broken file from exhausting memory or time.
public struct YAMLLimits: Sendable, Hashable {
    /// The deepest nesting of mappings and sequences accepted (the root collection is depth 1).
    public var maxDepth: Int
    /// The largest file accepted, in bytes; checked before parsing.
    public var maxFileBytes: Int

    /// Creates limits.
    public init(maxDepth: Int = 64, maxFileBytes: Int = 16 * 1024 * 1024) {
        self.maxDepth = maxDepth
        self.maxFileBytes = maxFileBytes
    }

    /// 64 levels of nesting and 16 MiB.
    public static let `default` = YAMLLimits()
}

/// The outcome of parsing one file: its root node, if any, and everything found wrong with it.
public struct YAMLParseResult: Sendable, Hashable {
    /// The root node; `nil` for a file without a document (empty or only comments) and after a
    /// fatal error (encoding, size, syntax or nesting depth).
    public var root: YAMLNode?
    /// The problems found, in the order they were found.
    public var diagnostics: [Diagnostic]
    /// The file's lines, from the table parsing made, when asked for (``YAMLParser/parse(_:limits:keepingLines:)``)
    /// and the file passed the UTF-8 check; `nil` otherwise.
    public var lines: SourceLines?

    /// Creates a result.
    public init(root: YAMLNode?, diagnostics: [Diagnostic]) {
        self.root = root
        self.diagnostics = diagnostics
    }
}

/// Parses YAML files into `YAMLNode` trees with exact source ranges, on libyaml's event API.
///
/// automail accepts a strict subset of YAML: one document per file, UTF-8 only, no anchors,
/// aliases, merge keys, tags or complex keys, no duplicate keys. Everything else is reported as a
/// diagnostic, never thrown.
///
/// Positions: libyaml 0.2.5's `mark.index` and `mark.column` count Unicode scalars, not bytes
/// (verified: in `é: 😀x` the value starts at index 3, column 3), a CR LF pair advances `index` by
/// two, and a UTF-8 BOM is skipped without advancing the marks. Positions are computed from
/// `mark.index` with the file's own line table (see `SourceText`), which keeps them right for CR LF
/// files and for U+0085/U+2028/U+2029, which libyaml counts as line breaks but editors do not.
public enum YAMLParser {
    /// Parses `file`.
    public static func parse(_ file: SourceFile, limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(file, limits: limits, streaming: nil)
    }

    /// ``parse(_:limits:)``, keeping in ``YAMLParseResult/lines`` (with `keepingLines`) the file's
    /// ``SourceLines``, made from the line table parsing needs anyway: the same table as `SourceLines(file)`
    /// without a second scan of the bytes.
    public static func parse(_ file: SourceFile, limits: YAMLLimits = .default, keepingLines: Bool) -> YAMLParseResult {
        parse(file, limits: limits, streaming: nil, keepingLines: keepingLines)
    }

    /// ``parse(_:limits:)``, handing each mapping in the list under the root mapping's `key` to `item`
    /// as soon as it is read, and keeping in the tree, in its place, an empty mapping with its range:
    /// a file of 100,000 such items is never held whole as a tree. The diagnostics are the same.
    /// A duplicate `key` (refused, its value dropped) hands nothing over.
    public static func parse(
        _ file: SourceFile, limits: YAMLLimits = .default, streamingItemsOf key: String, _ item: (YAMLNode) -> Void
    ) -> YAMLParseResult {
        withoutActuallyEscaping(item) { item in parse(file, limits: limits, streaming: (key, item)) }
    }

    /// ``parse(_:limits:)`` with every literal block scalar's text held as the `String` libyaml decoded,
    /// never as a view of the file: the definition the views are tested against.
    static func parseDecodingEveryScalar(_ file: SourceFile, limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(file, limits: limits, streaming: nil, blockViews: false)
    }

    private static func parse(
        _ file: SourceFile, limits: YAMLLimits, streaming: (key: String, item: (YAMLNode) -> Void)?,
        blockViews: Bool = true, keepingLines: Bool = false
    ) -> YAMLParseResult {
        let path = file.path
        if file.bytes.count > limits.maxFileBytes {
            return YAMLParseResult(
                root: nil,
                diagnostics: [
                    .error(
                        .yamlFileTooLarge,
                        "file is \(file.bytes.count) bytes, larger than the limit of \(limits.maxFileBytes) bytes",
                        at: .startOf(file: path),
                        help: "split the file into smaller files")
                ])
        }
        let text = SourceText(file.bytes)
        if let failure = text.failure {
            return YAMLParseResult(root: nil, diagnostics: [encodingDiagnostic(failure, text: text, path: path)])
        }
        var builder = TreeBuilder(text: text, path: path, limits: limits)
        builder.streaming = streaming
        builder.keepsBlockViews = blockViews
        builder.run()
        var hidden = HiddenCharacters.diagnostics(in: text, path: path)
        // A value whose invisible character the byte scan saw is reported once, at the character.
        for (range, scalar) in builder.decodedHidden
        where !hidden.contains(where: { found in
            found.range.map { range.start <= $0.start && $0.start < range.end } ?? false
        }) {
            hidden.append(HiddenCharacters.escapeDiagnostic(scalar, at: range))
        }
        var result = YAMLParseResult(root: builder.root, diagnostics: hidden + builder.diagnostics)
        if keepingLines { result.lines = SourceLines(file, text: text) }
        return result
    }

    /// The checks every workspace file gets before it is read, for a text file that is not YAML (a
    /// layout): UTF-8 without a NUL byte (AM106, AM107), then no invisible character (AM112). Empty when
    /// the file passes.
    public static func checkText(_ file: SourceFile) -> [Diagnostic] {
        let text = SourceText(file.bytes)
        guard let failure = text.failure else { return HiddenCharacters.diagnostics(in: text, path: file.path) }
        let encoding = encodingDiagnostic(failure, text: text, path: file.path)
        // A NUL byte leaves the text readable: its invisible characters are reported too.
        guard case .nul = failure else { return [encoding] }
        let readable = SourceText(file.bytes.map { $0 == 0 ? 0x20 : $0 })
        guard readable.failure == nil else { return [encoding] }
        return [encoding] + HiddenCharacters.diagnostics(in: readable, path: file.path)
    }

    private static func encodingDiagnostic(_ failure: SourceText.Failure, text: SourceText, path: String)
        -> Diagnostic
    {
        var hint = 0
        switch failure {
        case .utf16(let reason):
            return .error(
                .yamlInvalidUTF8, "file is not UTF-8: it \(reason)", at: .startOf(file: path),
                help: "save the file as UTF-8")
        case .invalidUTF8(_, let index, let reason):
            return .error(
                .yamlInvalidUTF8, "file is not valid UTF-8: \(reason)",
                at: SourceRange(file: path, at: text.position(ofScalar: index, hint: &hint)),
                help: "save the file as UTF-8 and retype the character at this position")
        case .nul(_, let index):
            return .error(
                .yamlNulByte, "file contains a NUL byte",
                at: SourceRange(file: path, at: text.position(ofScalar: index, hint: &hint)),
                help: "remove the NUL byte; workspace files are text and cannot contain it")
        }
    }
}
