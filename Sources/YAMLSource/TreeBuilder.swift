import CLibYAML
import Diagnostics

/// Drives libyaml's event loop and builds the node tree with an explicit stack (no recursion, so
/// nesting depth is bounded only by `YAMLLimits.maxDepth`, and the finished tree is at most that
/// deep, which keeps its deinitialisation shallow too).
struct TreeBuilder {
    private let text: SourceText
    private let path: String
    private let limits: YAMLLimits
    /// The root of the first document, once built.
    private(set) var root: YAMLNode?
    /// What was found wrong, in order: at most `DiagnosticBag.maxPerFileAndCode` of each code, the
    /// last one counting the rest, so that a file of millions of aliases, tags or duplicate keys holds
    /// a bounded number of diagnostics.
    var diagnostics: [Diagnostic] { bag.diagnostics.map(DiagnosticBag.withFoldNote) }
    private var bag = DiagnosticBag()
    /// Double-quoted scalars whose decoded value holds an invisible character (AM112), perhaps written
    /// as an escape (`"\u202e"`) the file's byte scan cannot see: their range and the first one.
    private(set) var decodedHidden: [(range: SourceRange, scalar: Unicode.Scalar)] = []

    /// An open mapping or sequence. Its children wait in ``children`` from ``base`` on (a mapping's keys
    /// and values alternating), each moved there as it is read and moved out into an array of exactly
    /// their number when the collection ends: no array per frame regrown as children attach, no key
    /// held in an optional and copied into its pair.
    private struct Frame {
        var isMapping: Bool
        var isFlow: Bool
        var start: SourcePosition
        var lastEnd: SourcePosition
        /// Where the frame's children start in ``children``.
        var base: Int
        /// Whether a key was read and its value not yet (a mapping).
        var pendingKey = false
        /// Whether the pair being read is refused (duplicate, merge or complex key) and not kept: its key
        /// was not pushed, and its value is dropped.
        var dropPair = false
        /// Key text to range, built once a mapping has many keys; small mappings are scanned.
        var keyIndex: [String: SourceRange]?
    }

    /// The children of the open collections, innermost last.
    private let children = NodeStack()

    /// The root mapping's key whose list items are handed over as they are read, and the receiver
    /// (see ``YAMLParser/parse(_:limits:streamingItemsOf:_:)``).
    var streaming: (key: String, item: (YAMLNode) -> Void)?

    /// Whether a literal block scalar's text is kept as a view of the file where it can be (else as the
    /// `String` libyaml decoded: the definition of the views, for tests).
    var keepsBlockViews = true

    private var stack: [Frame] = []
    private var lineHint = 0
    private var documents = 0
    /// The open flow collection whose source starts with `{{` or `{%`, unquoted Liquid that YAML reads as
    /// a mapping: its depth in `stack`, where it starts, and the rest of its line as written. It is kept
    /// as the string the user meant, and nothing inside it is reported.
    private var liquidFlow: (depth: Int, start: SourcePosition, written: String)?
    /// The lines where a value was reported as unquoted Liquid (AM113): a syntax error there, or on the
    /// next line, follows from it and is not reported.
    private var liquidLines: Set<Int> = []

    init(text: SourceText, path: String, limits: YAMLLimits) {
        self.text = text
        self.path = path
        self.limits = limits
    }

    /// Parses the whole input.
    mutating func run() {
        guard !text.bytes.isEmpty else { return }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            bag.report(
                .error(.yamlSyntax, "yaml parser could not be initialised", at: .startOf(file: path)))
            return
        }
        defer { yaml_parser_delete(parser) }
        text.bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            yaml_parser_set_input_string(parser, base, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) != 0 else {
                    reportSyntaxError(parser.pointee)
                    root = nil
                    return
                }
                defer { yaml_event_delete(&event) }
                if !handle(&event) { return }
            }
        }
    }

    private mutating func position(_ mark: yaml_mark_t) -> SourcePosition {
        text.position(ofScalar: mark.index, hint: &lineHint)
    }

    private mutating func range(_ event: yaml_event_t) -> SourceRange {
        SourceRange(file: path, start: position(event.start_mark), end: position(event.end_mark))
    }

    /// Handles one event; `false` stops the parse.
    private mutating func handle(_ event: inout yaml_event_t) -> Bool {
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return false
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                bag.report(
                    .error(
                        .yamlMultipleDocuments, "file holds more than one YAML document",
                        at: SourceRange(file: path, at: position(event.start_mark)),
                        help: "put each document in a file of its own, or remove the `---` separator"))
                return false
            }
        case YAML_ALIAS_EVENT:
            let r = range(event)
            let name = string(event.data.alias.anchor) ?? ""
            bag.report(
                .error(
                    .yamlAnchorOrAlias, "alias `*\(name)` is not allowed", at: r,
                    help: "repeat the value instead of referring to an anchor"))
            attach(YAMLNode(.scalar(YAMLScalar(text: "", style: .plain)), range: r))
        case YAML_SCALAR_EVENT:
            var r = range(event)
            let data = event.data.scalar
            // Most scalars have neither an anchor nor a tag: asked here, not in a call for each scalar.
            if data.anchor != nil || data.tag != nil { checkProperties(anchor: data.anchor, tag: data.tag, at: r) }
            let tag = data.tag == nil ? nil : tagText(data.tag)
            // A literal block scalar (a body) is kept as a view of the file's bytes when that view reads as
            // libyaml's value, byte for byte: the text is not held twice.
            if keepsBlockViews, data.style == YAML_LITERAL_SCALAR_STYLE, let pointer = data.value, data.length > 0,
                let view = blockView(UnsafeBufferPointer(start: pointer, count: data.length), headerLine: r.start.line)
            {
                trim(&r, style: data.style)
                attach(YAMLNode(.scalar(YAMLScalar(view: view, tag: tag)), range: r))
                return true
            }
            let value: String
            if let pointer = data.value, data.length > 0 {
                value = String(decoding: UnsafeBufferPointer(start: pointer, count: data.length), as: UTF8.self)
            } else {
                value = ""
            }
            if data.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE, let hidden = HiddenCharacters.hiddenScalar(in: value) {
                decodedHidden.append((r, hidden.scalar))
            }
            if data.style == YAML_LITERAL_SCALAR_STYLE || data.style == YAML_FOLDED_SCALAR_STYLE {
                trim(&r, style: data.style)
            }
            // A key is checked on its text before the text moves into its node (the text went along to
            // `attach`: a copy retained and released for every scalar).
            let scalarStyle = style(data.style)
            var keyAccepted: Bool?
            if let top = stack.indices.last, stack[top].isMapping, !stack[top].pendingKey {
                keyAccepted = acceptKey(value, style: scalarStyle, at: r, frame: top)
            }
            attach(
                YAMLNode(.scalar(YAMLScalar(text: value, style: scalarStyle, tag: tag)), range: r),
                keyAccepted: keyAccepted)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let r = range(event)
            let (anchor, tag) =
                isMapping
                ? (event.data.mapping_start.anchor, event.data.mapping_start.tag)
                : (event.data.sequence_start.anchor, event.data.sequence_start.tag)
            if anchor != nil || tag != nil { checkProperties(anchor: anchor, tag: tag, at: r) }
            if stack.count + 1 > limits.maxDepth {
                bag.report(
                    .error(
                        .yamlTooDeep,
                        "mappings and sequences are nested more than \(limits.maxDepth) levels deep",
                        at: SourceRange(file: path, at: r.start),
                        help: "flatten the structure; automail files never need this much nesting"))
                stack.removeAll()
                children.removeAll(from: 0)
                root = nil
                return false
            }
            let isFlow =
                isMapping
                ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            if isFlow, liquidFlow == nil, let written = unquotedLiquid(at: r.start) {
                liquidFlow = (stack.count, r.start, written)
                reportUnquotedLiquid(written, at: r.start)
            }
            // Built in place on the stack (a frame built aside was copied in, then destroyed).
            stack.append(
                Frame(isMapping: isMapping, isFlow: isFlow, start: r.start, lastEnd: r.start, base: children.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            // `removeLast`, not `popLast`: an optional frame was destroyed through the generic runtime.
            guard !stack.isEmpty else { return false }
            let frame = stack.removeLast()
            // Flow collections end just past their bracket; a block collection's end event sits at
            // the next token (possibly lines later), so it ends where its last child ends.
            let end = frame.isFlow ? position(event.end_mark) : frame.lastEnd
            let r = SourceRange(file: path, start: frame.start, end: end)
            if let liquid = liquidFlow, liquid.depth == stack.count {
                // Unquoted Liquid, already reported: kept as the text it was meant to be, so that no
                // "expected a string, found a mapping" follows.
                liquidFlow = nil
                let width =
                    end.line == frame.start.line ? end.column - frame.start.column : liquid.written.unicodeScalars.count
                let text = String(String.UnicodeScalarView(liquid.written.unicodeScalars.prefix(max(0, width))))
                children.removeAll(from: frame.base)
                attach(YAMLNode(.scalar(YAMLScalar(text: text, style: .plain)), range: r))
                return true
            }
            // Each node made in the call: a content made aside was copied into the node, then released.
            if frame.isMapping {
                attach(YAMLNode(.mapping(children.popPairs(from: frame.base)), range: r))
            } else {
                attach(YAMLNode(.sequence(children.popItems(from: frame.base)), range: r))
            }
        default:
            break
        }
        return true
    }

    /// The view of a literal block scalar's value `value` whose header (`|`) is on 1-based line
    /// `headerLine`: its lines start on the next line, indented as the first of them holding more than
    /// blanks. `nil` when the view would not read as `value` (``BlockScalarText/match(_:in:from:indent:)``).
    private func blockView(_ value: UnsafeBufferPointer<UInt8>, headerLine: Int) -> BlockScalarText? {
        guard headerLine < text.lineByteStarts.count else { return nil }
        let start = text.bytes.startIndex + text.lineByteStarts[headerLine]
        let raw = text.raw
        var i = start
        var indent = 0
        while i < raw.endIndex {
            switch raw[i] {
            case 0x20:
                indent += 1
                i += 1
            case 0x0A, 0x0D:
                indent = 0
                i += 1
            default:
                return BlockScalarText.match(value, in: raw, from: start, indent: indent)
            }
        }
        return nil
    }

    /// A block scalar's end mark is at the start of the line after it; end it at its last line instead.
    /// Changed in place: a range built anew retained its path once more.
    private func trim(_ r: inout SourceRange, style: yaml_scalar_style_t) {
        guard style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE,
            r.end.column == 1, r.end.line > r.start.line
        else { return }
        let line = r.end.line - 1
        // The new end is past the start (a later line, or a column past 1 on the start's line), as
        // `SourceRange.init` would make it.
        r.end = max(r.start, SourcePosition(line: line, column: text.contentLength(ofLine: line - 1) + 1))
    }

    /// Adds `node` to the open collection (as its next item, key or value), or makes it the root. It is
    /// consumed: moved into its place, not copied and released.
    /// `keyAccepted` is, for a scalar read as a key, whether ``acceptKey(_:style:at:frame:)`` accepted its text
    /// (asked before the text moved into the node); any other key is checked here.
    private mutating func attach(_ node: consuming YAMLNode, keyAccepted: Bool? = nil) {
        guard !stack.isEmpty else {
            if root == nil { root = node }
            return
        }
        let top = stack.count - 1
        stack[top].lastEnd = node.range.end
        if !stack[top].isMapping {
            // The root mapping's pending key, kept (not dropped), is the last child before this list's.
            if let streaming, top == 1, stack[0].isMapping, stack[0].pendingKey, !stack[0].dropPair,
                children[stack[1].base - 1].isScalar(streaming.key), case .mapping = node.content
            {
                let range = node.range
                streaming.item(node)
                children.push(YAMLNode(.mapping([]), range: range))
                return
            }
            children.push(node)
            return
        }
        if stack[top].pendingKey {
            stack[top].pendingKey = false
            if stack[top].dropPair {
                stack[top].dropPair = false
            } else {
                children.push(node)
            }
            return
        }
        stack[top].pendingKey = true
        // The key is checked before it is stored: `acceptKey` reads the pairs kept so far, not the key.
        let accepted = keyAccepted ?? acceptKey(node, frame: top)
        if accepted {
            children.push(node)
        } else {
            stack[top].dropPair = true
        }
    }

    /// The range of the first key of mapping `stack[frame]` whose text is `text`, among its pairs read so far.
    private mutating func firstRange(ofKey text: String, frame: Int) -> SourceRange? {
        if let keyIndex = stack[frame].keyIndex { return keyIndex[text] }
        // Keys sit at even offsets from the frame's base (no key is pending while one is checked).
        var i = stack[frame].base
        while i < children.count {
            if children[i].isScalar(text) { return children[i].range }
            i += 2
        }
        return nil
    }

    /// Notes the accepted key at `range` (text `text`) of mapping `stack[frame]`, in its index once it has one.
    private mutating func remember(keyAt range: SourceRange, text: String, frame: Int) {
        let base = stack[frame].base
        if stack[frame].keyIndex == nil, (children.count - base) / 2 >= 12 {
            var index: [String: SourceRange] = [:]
            var i = base
            while i < children.count {
                if let t = children[i].scalar?.text, index[t] == nil { index[t] = children[i].range }
                i += 2
            }
            stack[frame].keyIndex = index
        }
        if stack[frame].keyIndex != nil, stack[frame].keyIndex?[text] == nil {
            stack[frame].keyIndex?[text] = range
        }
    }

    /// Checks a new key of mapping `stack[frame]`; `false` if its pair is not kept.
    private mutating func acceptKey(_ key: YAMLNode, frame: Int) -> Bool {
        guard let scalar = key.scalar else {
            // Inside unquoted Liquid (`{{ contact.firstname }}`), the inner `{ … }` is a mapping key only
            // to YAML; the unquoted value is reported already.
            if liquidFlow != nil { return false }
            bag.report(
                .error(
                    .yamlComplexKey, "mapping key is a \(key.kindDescription), not a scalar", at: key.range,
                    help: "use a plain string as the key"))
            return false
        }
        return acceptKey(scalar.text, style: scalar.style, at: key.range, frame: frame)
    }

    /// Checks a new scalar key of mapping `stack[frame]`, its text `text` written in `style` at `range`;
    /// `false` if its pair is not kept.
    private mutating func acceptKey(_ text: String, style: ScalarStyle, at range: SourceRange, frame: Int) -> Bool {
        // Its length asked first: `<<` is two bytes, and most keys are longer.
        if style == .plain, text.utf8.count == 2, text == "<<" {
            bag.report(
                .error(
                    .yamlMergeKey, "merge key `<<` is not allowed", at: range,
                    help: "write the keys out in this mapping instead of merging another one"))
            return false
        }
        if let first = firstRange(ofKey: text, frame: frame) {
            bag.report(
                .error(
                    .yamlDuplicateKey, "duplicate key `\(text)`", at: range,
                    notes: [DiagnosticNote("first defined here", at: first)],
                    help: "remove one of the two entries or rename this key"))
            return false
        }
        remember(keyAt: range, text: text, frame: frame)
        return true
    }

    private mutating func checkProperties(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, at r: SourceRange
    ) {
        if let name = string(anchor) {
            bag.report(
                .error(
                    .yamlAnchorOrAlias, "anchor `&\(name)` is not allowed", at: r,
                    help: "remove the anchor and repeat the value wherever it is needed"))
        }
        if let tag = tagText(tag) {
            bag.report(
                .error(
                    .yamlTag, "tag `\(tag)` is not allowed", at: r,
                    help: "remove the tag; automail reads every value as plain YAML"))
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The tag as written: `tag:yaml.org,2002:str` is shown as `!!str`.
    private func tagText(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer) else { return nil }
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    private func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    // MARK: Unquoted Liquid

    /// The rest of the line from `start`, up to a comment (` #`), when it starts with `{{` or `{%`: a plain
    /// value that is Liquid.
    private func unquotedLiquid(at start: SourcePosition) -> String? {
        guard let rest = text.rest(ofLine: start.line - 1, fromColumn: start.column),
            rest.hasPrefix("{{") || rest.hasPrefix("{%")
        else { return nil }
        let scalars = Array(rest.unicodeScalars)
        for i in scalars.indices.dropFirst()
        where scalars[i] == "#" && (scalars[i - 1] == " " || scalars[i - 1] == "\t") {
            var end = i
            while end > 0, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
            return String(String.UnicodeScalarView(scalars[..<end]))
        }
        return rest
    }

    /// Reports AM113 for the value `written` (the rest of its line) starting at `start`.
    private mutating func reportUnquotedLiquid(_ written: String, at start: SourcePosition) {
        guard liquidLines.insert(start.line).inserted else { return }
        let end = SourcePosition(line: start.line, column: start.column + written.unicodeScalars.count)
        let delimiter = written.hasPrefix("{%") ? "{%" : "{{"
        let quoted = "'" + written.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        bag.report(
            .error(
                .yamlUnquotedLiquid,
                "the value `\(written)` starts with `\(delimiter)` and is not quoted, so YAML reads it as a mapping, not as text",
                at: SourceRange(file: path, start: start, end: end),
                help: "quote the whole value in single quotes, `\(quoted)`, or write it as a block scalar (`|`)"))
    }

    /// The start of an unquoted value beginning with `{{` or `{%` on 1-based `line`, at or before
    /// `column`: after `key: `, after `- `, or at the start of the line's text.
    private func unquotedLiquidStart(onLine line: Int, before column: Int) -> SourcePosition? {
        guard let whole = text.rest(ofLine: line - 1, fromColumn: 1) else { return nil }
        let scalars = Array(whole.unicodeScalars)
        var i = 0
        while i + 1 < scalars.count, i + 1 <= column {
            if scalars[i] == "{", scalars[i + 1] == "{" || scalars[i + 1] == "%" {
                // The last character before the blanks in front: none (the line's first value), or the
                // `:` of a key or the `-` of a list item, each followed by a blank.
                var j = i - 1
                while j >= 0, scalars[j] == " " { j -= 1 }
                let startsValue =
                    j < 0
                    || (j < i - 1 && scalars[j] == ":")
                    || (j < i - 1 && scalars[j] == "-" && (j == 0 || scalars[j - 1] == " "))
                if startsValue { return SourcePosition(line: line, column: i + 1) }
            }
            i += 1
        }
        return nil
    }

    // MARK: Syntax errors

    private mutating func reportSyntaxError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error != YAML_MEMORY_ERROR, parser.error != YAML_READER_ERROR {
            // Unquoted Liquid (`subject: {% if … %}…`, `subject: {{ x }}, welcome`) breaks the YAML around
            // it: the one diagnostic is that the value must be quoted.
            let at = position(parser.problem_mark)
            if liquidFlow != nil || liquidLines.contains(at.line) || liquidLines.contains(at.line - 1) { return }
            if let start = unquotedLiquidStart(onLine: at.line, before: at.column),
                let written = unquotedLiquid(at: start)
            {
                reportUnquotedLiquid(written, at: start)
                return
            }
        }
        var notes: [DiagnosticNote] = []
        let at: SourcePosition
        switch parser.error {
        case YAML_MEMORY_ERROR:
            bag.report(
                .error(.yamlSyntax, "yaml parser ran out of memory", at: .startOf(file: path)))
            return
        case YAML_READER_ERROR:
            at = text.position(ofByte: parser.problem_offset)
        default:
            at = position(parser.problem_mark)
            if let context = parser.context {
                notes.append(
                    DiagnosticNote(
                        String(cString: context),
                        at: SourceRange(file: path, at: position(parser.context_mark))))
            }
        }
        var help = Self.help(forProblem: problem, context: parser.context.map { String(cString: $0) })
        // The usual cause in a template: an unquoted value holding Liquid with a filter argument
        // (`default: "friend"`), whose `: ` YAML reads as a nested key.
        if problem.contains("mapping values are not allowed"),
            text.line(at.line - 1, contains: "{{") || text.line(at.line - 1, contains: "{%")
        {
            help =
                "this value holds Liquid whose `: ` (a filter argument) YAML reads as a key: quote the whole"
                + " value in single quotes, e.g. `subject: 'Hello {{ contact.firstname | default: \"friend\" }}'`,"
                + " or write it as a block scalar (`|`)"
        }
        // Tabs in indentation surface as many different libyaml errors; look for one on the error's
        // line or the lines above it, up to the context.
        let contextLine = notes.first?.range?.start.line ?? at.line
        var line = at.line
        while line >= max(1, min(contextLine, at.line) - 1), line > at.line - 20 {
            if let column = text.tabInIndentation(ofLine: line - 1) {
                help = "YAML forbids tabs for indentation; indent with spaces"
                if line != at.line || column != at.column {
                    notes.append(
                        DiagnosticNote(
                            "tab used for indentation here",
                            at: SourceRange(file: path, at: SourcePosition(line: line, column: column))))
                }
                break
            }
            line -= 1
        }
        bag.report(
            .error(
                .yamlSyntax, "yaml syntax error: \(problem)", at: SourceRange(file: path, at: at), notes: notes,
                help: help))
    }

    private static func help(forProblem problem: String, context: String?) -> String {
        let context = context ?? ""
        if problem.contains("control characters") {
            return "remove the control character, or write it as an escape such as `\\u0007` in a double-quoted string"
        }
        if problem.contains("tab") { return "YAML forbids tabs for indentation; indent with spaces" }
        if problem.contains("mapping values are not allowed") {
            return "check the indentation of this line and that a space follows each `:`;"
                + " quote a value that itself contains `: `"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "check the indentation of this line: keys of one mapping start in the same column,"
                + " and a nested value is indented further than its key"
        }
        if problem.contains("could not find expected ':'") {
            return "add `: ` after the key, or indent or quote the continuation of a multi-line value"
        }
        if context.contains("quoted scalar") {
            if problem.contains("unknown escape") {
                return "write a literal backslash as `\\\\`, or use single quotes, where backslashes are not escapes"
            }
            return "close the quoted string that starts at the position in the note"
        }
        if problem.contains("cannot start any token") {
            return "a plain value cannot start with this character; quote the value"
        }
        if problem.contains("expected ',' or ']'") { return "close the `[` with `]` and separate items with `,`" }
        if problem.contains("expected ',' or '}'") { return "close the `{` with `}` and separate entries with `,`" }
        if problem.contains("tag") { return "remove the tag; automail reads every value as plain YAML" }
        if problem.contains("anchor") || problem.contains("alias") {
            return "remove the `&` or `*`, or quote the value"
        }
        return "check the YAML syntax at this position; quoting the value often helps"
    }
}

/// The nodes of a tree's open collections, innermost last: a buffer the builder owns, into which each
/// node is moved as it is read and out of which a collection's children are moved, at its end, into an
/// array of exactly their number. Every access is below ``count`` (checked where an index comes from
/// outside: the builder's frames record their base when they open, and children only ever sit above it).
private final class NodeStack {
    private var base: UnsafeMutablePointer<YAMLNode>
    private var capacity: Int
    /// How many nodes are held: `base[0 ..< count]` is initialised, the rest is not.
    private(set) var count = 0

    init() {
        capacity = 64
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The node at `index`, read in place.
    subscript(index: Int) -> YAMLNode {
        _read {
            precondition(index >= 0 && index < count, "NodeStack index out of range")
            yield base[index]
        }
    }

    /// Moves `node` on top.
    func push(_ node: consuming YAMLNode) {
        if count == capacity {
            let grown = UnsafeMutablePointer<YAMLNode>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: node)
        count += 1
    }

    /// Drops the nodes from `start` on.
    func removeAll(from start: Int) {
        guard start < count else { return }
        (base + start).deinitialize(count: count - start)
        count = start
    }

    /// The nodes from `start` on, moved out in order.
    func popItems(from start: Int) -> [YAMLNode] {
        let n = count - start
        guard n > 0 else { return [] }
        let items = [YAMLNode](unsafeUninitializedCapacity: n) { buffer, initialized in
            guard let out = buffer.baseAddress else { return }
            out.moveInitialize(from: base + start, count: n)
            initialized = n
        }
        count = start
        return items
    }

    /// The nodes from `start` on, keys and values alternating, moved out in order as pairs. A key left
    /// without its value (never, from libyaml's events) is dropped.
    func popPairs(from start: Int) -> [YAMLPair] {
        if (count - start) % 2 == 1 { removeAll(from: count - 1) }
        let n = (count - start) / 2
        guard n > 0 else { return [] }
        // Made from a sequence that moves the pairs out, not with `Array(unsafeUninitializedCapacity:)`,
        // whose allocation went through the generic runtime and looked up the array's storage type at
        // every call (about 400 instructions): this one is specialised. It allocates once, for
        // `underestimatedCount`, the exact number.
        let pairs = [YAMLPair](MovingPairs(cursor: base + start, count: n))
        count = start
        return pairs
    }
}

/// `count` key-value pairs moved out of consecutive nodes from `cursor` on (keys and values alternating), each
/// read exactly once: a `Sequence` consumed by one iteration, which ``NodeStack/popPairs(from:)`` makes
/// into an array. The nodes are initialised (below the stack's count) until moved.
struct MovingPairs: Sequence, IteratorProtocol {
    var cursor: UnsafeMutablePointer<YAMLNode>
    var count: Int

    var underestimatedCount: Int { count }

    mutating func next() -> YAMLPair? {
        guard count > 0 else { return nil }
        let key = cursor.move()
        let value = (cursor + 1).move()
        cursor += 2
        count -= 1
        return YAMLPair(key: key, value: value)
    }
}
