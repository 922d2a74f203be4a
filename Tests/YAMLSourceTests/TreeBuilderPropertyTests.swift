import Diagnostics
import TestSupport
import Testing

@testable import YAMLSource

/// Random trees written as YAML (block and flow collections, plain and quoted scalars, repeated keys)
/// and parsed back: the tree the builder makes is the tree written, each repeated key's pair dropped
/// (the first kept) and reported, each scalar at the position it was written at. The definition of the
/// builder's result, whatever it keeps its open collections in; the streamed parse hands over the same
/// items.
struct TreeBuilderPropertyTests {
    /// A tree as written.
    indirect enum Written {
        case scalar(String, quoted: Bool)
        case mapping([(key: String, value: Written)], flow: Bool)
        case sequence([Written], flow: Bool)
    }

    /// What the parse must give: the tree with repeated keys dropped, and each scalar's start.
    indirect enum Expected: Equatable {
        case scalar(String, line: Int, column: Int)
        case mapping([Pair])
        case sequence([Expected])

        struct Pair: Equatable {
            var key: Expected
            var value: Expected
        }

        /// The expected form of a parsed node.
        init(_ node: YAMLNode) {
            switch node.content {
            case .scalar(let s): self = .scalar(s.text, line: node.range.start.line, column: node.range.start.column)
            case .mapping(let pairs):
                self = .mapping(pairs.map { Pair(key: Expected($0.key), value: Expected($0.value)) })
            case .sequence(let items): self = .sequence(items.map(Expected.init))
            }
        }
    }

    static let words = ["id", "when", "a", "bb", "ccc", "name", "x", "yz", "mot", "clé"]

    static func randomWritten(_ g: inout SplitMix64, depth: Int, flow: Bool = false) -> Written {
        let choice = depth >= 4 ? 0 : g.next(flow ? 4 : 5)
        switch choice {
        case 0, 1:
            let word = words[g.next(words.count)] + (g.next(3) == 0 ? "\(g.next(100))" : "")
            return .scalar(word, quoted: g.next(4) == 0)
        case 2:
            let inFlow = flow || g.next(4) == 0
            let count = g.next(inFlow ? 3 : 6)
            var pairs: [(key: String, value: Written)] = []
            for _ in 0..<count {
                // Few distinct keys: a mapping often repeats one.
                let key = words[g.next(4)]
                pairs.append((key, randomWritten(&g, depth: depth + 1, flow: inFlow)))
            }
            return .mapping(pairs, flow: inFlow)
        default:
            let inFlow = flow || g.next(4) == 0
            let count = g.next(inFlow ? 3 : 5)
            return .sequence((0..<count).map { _ in randomWritten(&g, depth: depth + 1, flow: inFlow) }, flow: inFlow)
        }
    }

    /// Writes YAML, tracking the position of what it writes (every character is one column: the words'
    /// `é` is one scalar).
    struct Writer {
        var text = ""
        var line = 1
        var column = 1

        mutating func put(_ s: String) {
            for scalar in s.unicodeScalars {
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            text += s
        }

        mutating func scalar(_ word: String, quoted: Bool) -> Expected {
            let expected = Expected.scalar(word, line: line, column: column)
            put(quoted ? "\"\(word)\"" : word)
            return expected
        }

        /// A flow collection or a scalar, on the current line.
        mutating func inline(_ node: Written) -> Expected {
            switch node {
            case .scalar(let word, let quoted):
                return scalar(word, quoted: quoted)
            case .mapping(let pairs, _):
                put("{")
                var kept: [Expected.Pair] = []
                var seen: Set<String> = []
                for (i, pair) in pairs.enumerated() {
                    if i > 0 { put(", ") }
                    let key = scalar(pair.key, quoted: false)
                    put(": ")
                    let value = inline(pair.value)
                    if seen.insert(pair.key).inserted { kept.append(.init(key: key, value: value)) }
                }
                put("}")
                return .mapping(kept)
            case .sequence(let items, _):
                put("[")
                var expected: [Expected] = []
                for (i, item) in items.enumerated() {
                    if i > 0 { put(", ") }
                    expected.append(inline(item))
                }
                put("]")
                return .sequence(expected)
            }
        }

        /// Whether `node` is written on the line of its key or dash.
        static func isInline(_ node: Written) -> Bool {
            switch node {
            case .scalar: return true
            case .mapping(let pairs, let flow): return flow || pairs.isEmpty
            case .sequence(let items, let flow): return flow || items.isEmpty
            }
        }

        /// A block collection at `indent`, starting on a fresh line.
        mutating func block(_ node: Written, indent: Int) -> Expected {
            let pad = String(repeating: " ", count: indent)
            switch node {
            case .mapping(let pairs, _):
                var kept: [Expected.Pair] = []
                var seen: Set<String> = []
                for pair in pairs {
                    put(pad)
                    let key = scalar(pair.key, quoted: false)
                    put(":")
                    let value: Expected
                    if Self.isInline(pair.value) {
                        put(" ")
                        value = inline(pair.value)
                        put("\n")
                    } else {
                        put("\n")
                        value = block(pair.value, indent: indent + 2)
                    }
                    if seen.insert(pair.key).inserted { kept.append(.init(key: key, value: value)) }
                }
                return .mapping(kept)
            case .sequence(let items, _):
                var expected: [Expected] = []
                for item in items {
                    put(pad + "-")
                    if Self.isInline(item) {
                        put(" ")
                        expected.append(inline(item))
                        put("\n")
                    } else {
                        put("\n")
                        expected.append(block(item, indent: indent + 2))
                    }
                }
                return .sequence(expected)
            case .scalar:
                let value = inline(node)
                put("\n")
                return value
            }
        }
    }

    /// How many pairs of `node` repeat a key of their mapping (each reported once).
    static func repeatedKeys(_ node: Written) -> Int {
        switch node {
        case .scalar: return 0
        case .sequence(let items, _): return items.map(repeatedKeys).reduce(0, +)
        case .mapping(let pairs, _):
            var seen: Set<String> = []
            var repeated = 0
            for pair in pairs where !seen.insert(pair.key).inserted { repeated += 1 }
            return repeated + pairs.map { repeatedKeys($0.value) }.reduce(0, +)
        }
    }

    @Test func randomTreesParseBackAsWritten() {
        var g = SplitMix64(state: 0x7265_6573)
        var checked = 0
        for _ in 0..<3_000 {
            let pairs = (0..<(1 + g.next(5))).map { _ in
                (key: Self.words[g.next(4)], value: Self.randomWritten(&g, depth: 1))
            }
            let root = Written.mapping(pairs, flow: false)
            var writer = Writer()
            let expected = writer.block(root, indent: 0)
            let result = parse(writer.text)
            guard let node = result.root else {
                Issue.record("no tree for:\n\(writer.text)\n\(summary(result))")
                continue
            }
            #expect(Expected(node) == expected, "\(writer.text)")
            let duplicates = result.diagnostics.filter { $0.code == .yamlDuplicateKey }.count
            #expect(duplicates == min(Self.repeatedKeys(root), DiagnosticBag.maxPerFileAndCode), "\(writer.text)")
            checked += 1
        }
        #expect(checked == 3_000)
    }

    /// Keys are duplicates when their texts are equal as Strings (canonically equivalent): `é` precomposed and
    /// decomposed, `K` and the Kelvin sign, `;` and the Greek question mark are duplicates in either order;
    /// keys of another length or other bytes are not.
    @Test func canonicallyEquivalentKeysAreDuplicates() {
        let cases: [(String, String, Bool)] = [
            ("é", "e\u{301}", true), ("Key", "\u{212A}ey", true), ("a;b", "a\u{37E}b", true), ("a`", "a\u{1FEF}", true),
            ("ab", "ab", true), ("ab", "ac", false), ("id", "idx", false), ("when", "whe\u{301}n", false),
        ]
        for (first, second, duplicate) in cases {
            for (a, b) in [(first, second), (second, first)] {
                let result = parse("x: 0\n\"\(a)\": 1\ny: 2\n\"\(b)\": 3\n")
                let found = result.diagnostics.contains { $0.code == .yamlDuplicateKey }
                #expect(found == duplicate, "\(a.debugDescription) then \(b.debugDescription)")
                #expect(result.root?.pairs?.count == (duplicate ? 3 : 4))
            }
        }
    }

    @Test func streamedItemsAreTheItemsOfTheWholeTree() {
        var g = SplitMix64(state: 0x7374_7265)
        for _ in 0..<500 {
            let items = (0..<g.next(6)).map { _ -> Written in
                .mapping(
                    (0..<(1 + g.next(4))).map { _ in (Self.words[g.next(4)], Self.randomWritten(&g, depth: 2)) },
                    flow: g.next(5) == 0)
            }
            var pairs: [(key: String, value: Written)] = [("triggers", .sequence(items, flow: false))]
            if g.next(2) == 0 { pairs.insert(("a", Self.randomWritten(&g, depth: 1)), at: 0) }
            var writer = Writer()
            _ = writer.block(.mapping(pairs, flow: false), indent: 0)
            let file = SourceFile(path: "test.yaml", text: writer.text)
            let whole = YAMLParser.parse(file)
            var handed: [YAMLNode] = []
            let streamed = YAMLParser.parse(file, streamingItemsOf: "triggers") { handed.append($0) }
            #expect(streamed.diagnostics == whole.diagnostics, "\(writer.text)")
            let list = whole.root?.pairs?.first { $0.key.isScalar("triggers") }?.value.items ?? []
            #expect(handed == list.filter { $0.pairs != nil }, "\(writer.text)")
            let left = streamed.root?.pairs?.first { $0.key.isScalar("triggers") }?.value.items ?? []
            #expect(left.map(\.range) == list.map(\.range))
            #expect(left.allSatisfy { $0.pairs?.isEmpty == true })
        }
    }

    /// A mapping's pairs are moved out of the builder's node stack through ``MovingPairs``: the same pairs,
    /// in the same order, as the loop it replaced (its definition: each key and value made into a pair, in
    /// order), for every count up to 40.
    @Test func movedPairsAreThePairsOfTheLoop() {
        var g = SplitMix64(state: 0x7061_6972)
        for n in 0..<40 {
            let nodes = (0..<(2 * n)).map { i -> YAMLNode in
                let range = SourceRange(file: "t.yaml", at: SourcePosition(line: i + 1, column: 1 + g.next(9)))
                if g.next(5) == 0 {
                    return YAMLNode(
                        .sequence([YAMLNode(.scalar(YAMLScalar(text: "x", style: .plain)), range: range)]), range: range
                    )
                }
                return YAMLNode(
                    .scalar(YAMLScalar(text: Self.words[g.next(Self.words.count)], style: .plain)), range: range)
            }
            let definition = (0..<n).map { YAMLPair(key: nodes[2 * $0], value: nodes[2 * $0 + 1]) }
            let stack = UnsafeMutablePointer<YAMLNode>.allocate(capacity: max(1, 2 * n))
            defer { stack.deallocate() }
            stack.initialize(from: nodes, count: 2 * n)
            let moved = [YAMLPair](MovingPairs(cursor: stack, count: n))
            #expect(moved == definition)
            #expect(moved.map(\.key.range) == definition.map(\.key.range))
        }
    }
}
