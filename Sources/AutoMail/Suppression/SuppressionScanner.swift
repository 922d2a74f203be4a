#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Diagnostics
import YAMLSource

/// Finds the `# automail: ignore` comments of one YAML file.
///
/// libyaml's event stream drops comments, so the file's text is scanned: a `#` starts a comment when it
/// begins the line (after blanks) or follows a blank, and lies outside every scalar of the parsed tree
/// (the range of a quoted scalar, or the content lines of a block scalar). Only comments whose text
/// starts with `automail:` are read. A comment whose target line holds a block scalar's header (`body: |`)
/// covers every line of that scalar, where no comment can be written. A file without the bytes `automail:` costs one byte search.
enum SuppressionScanner {
    /// What a file's comments gave: the suppressions and the problems with them.
    struct Result: Sendable {
        var comments: [SuppressionComment] = []
        var diagnostics: [Diagnostic] = []
    }

    /// The suppression comments of `file`, whose parsed root is `root` (`nil` for a file holding only
    /// comments).
    static func scan(_ file: SourceFile, root: YAMLNode?) -> Result {
        guard mayHoldComments(file) else { return Result() }
        let lines = SourceLines(file)
        let prefixText = "automail:"
        let numbers = (1...max(1, lines.count)).filter { lines.text(ofLine: $0)?.contains(prefixText) == true }
        guard !numbers.isEmpty else { return Result() }
        let zones = ScalarZones(root: root)
        func scalars(_ line: Int) -> [Unicode.Scalar] { Array((lines.text(ofLine: line) ?? "").unicodeScalars) }
        /// The index of the `#` that starts the line's comment, if it has one.
        func commentStart(_ line: Int, _ scalars: [Unicode.Scalar]) -> Int? {
            for (index, scalar) in scalars.enumerated() where scalar == "#" {
                guard index == 0 || SuppressionDirectiveParser.isBlank(scalars[index - 1]) else { continue }
                if !zones.contains(SourcePosition(line: line, column: index + 1)) { return index }
            }
            return nil
        }
        func isCommentOnly(_ line: Int) -> Bool {
            let text = scalars(line)
            guard let hash = commentStart(line, text) else { return false }
            return text[..<hash].allSatisfy(SuppressionDirectiveParser.isBlank)
        }
        // The first line after `line` that is not a comment line, memoised so that a stack of N comment
        // lines costs O(N), not O(N²).
        var nextYAMLLine: [Int: Int] = [:]
        func lineAfterComments(_ line: Int) -> Int {
            var chain: [Int] = []
            var current = line + 1
            while current <= lines.count, nextYAMLLine[current] == nil, isCommentOnly(current) {
                chain.append(current)
                current += 1
            }
            let target = nextYAMLLine[current] ?? current
            for link in chain { nextYAMLLine[link] = target }
            return target
        }
        var result = Result()
        var parser = SuppressionDirectiveParser(path: file.path)
        for number in numbers {
            let text = scalars(number)
            guard let hash = commentStart(number, text), isDirective(text, hash: hash) else { continue }
            let column = hash + 1
            var comment = Array(text[hash...])
            while let last = comment.last, SuppressionDirectiveParser.isBlank(last) { comment.removeLast() }
            let outcome = parser.parse(comment, line: number, column: column)
            result.diagnostics += outcome.diagnostics
            guard outcome.isDirective, !outcome.entries.isEmpty else { continue }
            var target = number
            if text[..<hash].allSatisfy(SuppressionDirectiveParser.isBlank) { target = lineAfterComments(number) }
            result.comments.append(
                SuppressionComment(
                    range: SourceRange(
                        file: file.path, start: SourcePosition(line: number, column: column),
                        end: SourcePosition(line: number, column: column + comment.count)),
                    targetLines: target...max(target, zones.blockEnd(startingOn: target) ?? target),
                    entries: outcome.entries, reason: outcome.reason))
        }
        return result
    }

    /// Whether the comment at `hash` reads `# automail:` (blanks allowed after `#`).
    private static func isDirective(_ scalars: [Unicode.Scalar], hash: Int) -> Bool {
        var index = hash + 1
        while index < scalars.count, SuppressionDirectiveParser.isBlank(scalars[index]) { index += 1 }
        let prefix = SuppressionDirectiveParser.prefix
        guard scalars.count - index >= prefix.count else { return false }
        return Array(scalars[index..<(index + prefix.count)]) == prefix
    }

    /// Whether `file` may hold a suppression comment (`scan` needs its whole tree only then).
    static func mayHoldComments(_ file: SourceFile) -> Bool {
        contains(file.bytes, commentPrefix)
    }

    /// The bytes every suppression comment holds.
    private static let commentPrefix: [UInt8] = Array("automail:".utf8)

    /// Whether `bytes` hold `needle`: each place its last byte is (`:`, found by `memchr`, libc's search of
    /// many bytes a step) compared backwards with the needle. Asked of every YAML file, it was a byte-by-byte
    /// loop costing about six instructions a byte. ``containsByBytes(_:_:)`` is its definition
    /// (`DecodingDifferentialTests`).
    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let last = needle.last, bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            guard let base = haystack.baseAddress else { return false }
            let count = haystack.count
            // The needle's last byte can be at `needle.count - 1` at the earliest.
            var i = needle.count - 1
            while i < count {
                // `memchr` reads the `count - i` bytes from `i`, all within the buffer (`i < count`).
                guard let found = memchr(base + i, Int32(last), count - i) else { return false }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                // `end >= i >= needle.count - 1`: the needle's bytes before it, `end - needle.count + 1`
                // onwards, are in the buffer.
                var matched = 1
                while matched < needle.count, haystack[end - matched] == needle[needle.count - 1 - matched] {
                    matched += 1
                }
                if matched == needle.count { return true }
                i = end + 1
            }
            return false
        }
    }

    /// ``contains(_:_:)`` byte by byte: the definition of the search.
    static func containsByBytes(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            let last = haystack.count - needle.count
            var index = 0
            while index <= last {
                if haystack[index] == first {
                    var matched = 1
                    while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }
}

/// The places where a `#` is a scalar's content, not a comment: quoted and plain scalars' ranges, and
/// the lines after a block scalar's header (the header line itself may end with a comment). Scalars never
/// overlap, so the zones are kept sorted and searched by bisection.
private struct ScalarZones {
    private var zones: [(start: SourcePosition, end: SourcePosition)] = []
    /// For each line holding a block scalar's header, the last line of its content.
    private var blocks: [Int: Int] = [:]

    init(root: YAMLNode?) {
        guard let root else { return }
        var stack = [root]
        while let node = stack.popLast() {
            switch node.content {
            case .mapping(let pairs):
                for pair in pairs {
                    stack.append(pair.key)
                    stack.append(pair.value)
                }
            case .sequence(let items):
                stack += items
            case .scalar(let scalar):
                var start = node.range.start
                if scalar.style == .literal || scalar.style == .folded {
                    start = SourcePosition(line: start.line + 1, column: 1)
                    let end = node.range.end
                    let last = end.column == 1 ? end.line - 1 : end.line
                    blocks[node.range.start.line] = max(blocks[node.range.start.line] ?? 0, last)
                }
                if start < node.range.end { zones.append((start, node.range.end)) }
            }
        }
        zones.sort { $0.start < $1.start }
    }

    /// The last content line of the block scalar whose header is on `line`, if one is.
    func blockEnd(startingOn line: Int) -> Int? { blocks[line] }

    func contains(_ position: SourcePosition) -> Bool {
        // The last zone starting at or before `position`.
        var low = 0
        var high = zones.count
        while low < high {
            let middle = (low + high) / 2
            if zones[middle].start <= position { low = middle + 1 } else { high = middle }
        }
        return low > 0 && position < zones[low - 1].end
    }
}
