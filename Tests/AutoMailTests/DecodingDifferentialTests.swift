import Diagnostics
import TestSupport
import Testing
import YAMLSource

@testable import AutoMail

/// The decoder's byte paths, each compared with the Character or scalar definition it replaced (kept here):
/// `Syntax.isValidID` and `isValidLocale`, the answer path's `/` split, `FileKind(path:)`, and
/// `YAMLNode.isNull` against the core schema's `value == .null`. Generated strings mix what each accepts
/// with near misses, non-ASCII neighbours and combining marks (which join a `/` or `-` into one Character).
struct DecodingDifferentialTests {
    /// A deterministic generator (SplitMix64), so a failure always reproduces.
    typealias Generator = SplitMix64

    static let pieces = [
        "a", "z", "0", "9", "_", "-", "/", "A", "Z", "fr", "en", "pt", "BR", "US", "é", "\u{301}", "\u{200D}", " ",
        ".", "yaml", ".yaml", ".html", "templates", "layouts", "triggers", "questionnaires", "automail", "\r\n",
        "👍🏽", "ß", "K", "null", "~", "Null", "NULL", "nul", "true",
    ]

    static func strings(count: Int, seed: UInt64, maxPieces: Int = 8) -> [String] {
        var generator = Generator(state: seed)
        var result = [
            "", "a", "fr", "fr-FR", "pt-br", String(repeating: "a", count: 64), String(repeating: "a", count: 65),
        ]
        for _ in 0..<count {
            var string = ""
            for _ in 0..<generator.next(maxPieces + 1) { string += pieces[generator.next(pieces.count)] }
            result.append(string)
        }
        return result
    }

    /// `SuppressionScanner.contains` (`memchr` for its last byte) against the byte loop it replaced, on generated texts
    /// holding `automail:`, near misses (`automail`, `automai:`) and the needle cut at the end.
    @Test func commentSearchByMemchrAgreesWithTheByteLoop() {
        var generator = Generator(state: 7)
        let parts = ["automail:", "automail", "automai:", "a", ":", " ", "# ", "\n", "é", "utomail:", "automail :"]
        var texts: [[UInt8]] = [[], Array("automail:".utf8), Array("automail".utf8), Array("xautomail:".utf8)]
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<generator.next(12) { text += parts[generator.next(parts.count)] }
            texts.append(Array(text.utf8))
        }
        for bytes in texts {
            #expect(
                SuppressionScanner.contains(bytes, Array("automail:".utf8))
                    == SuppressionScanner.containsByBytes(bytes, Array("automail:".utf8)), "\(bytes)")
        }
    }

    @Test func idCheckOnBytesAgreesWithScalars() {
        for text in Self.strings(count: 20_000, seed: 1, maxPieces: 30) {
            #expect(Syntax.isValidID(text) == Self.isValidIDByScalars(text), "\(text.debugDescription)")
        }
    }

    @Test func localeCheckOnBytesAgreesWithCharacters() {
        for text in Self.strings(count: 20_000, seed: 2, maxPieces: 4) {
            #expect(Syntax.isValidLocale(text) == Self.isValidLocaleByCharacters(text), "\(text.debugDescription)")
        }
    }

    @Test func answerPathSplitOnBytesAgreesWithCharacters() {
        for text in Self.strings(count: 20_000, seed: 3) {
            let reference = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            #expect(WorkspaceDecoder.slashParts(of: text) == reference, "\(text.debugDescription)")
        }
    }

    /// A scalar node of `text` in `style`, at a random place: its source width is its text's (with its
    /// quotes), one more or one less, and one time in six it ends on the next line.
    static func scalarNode(
        _ text: String, style: ScalarStyle, _ generator: inout Generator
    ) -> (YAMLNode, YAMLScalar) {
        let quote = style == .singleQuoted || style == .doubleQuoted ? 1 : 0
        let width = text.unicodeScalars.count + 2 * quote + generator.next(3) - 1
        let start = SourcePosition(line: 1 + generator.next(5), column: 1 + generator.next(30))
        let end =
            generator.next(6) == 0
            ? SourcePosition(line: start.line + 1, column: 2)
            : SourcePosition(line: start.line, column: start.column + max(0, width))
        let scalar = YAMLScalar(text: text, style: style)
        return (YAMLNode(.scalar(scalar), range: SourceRange(file: "t.yaml", start: start, end: end)), scalar)
    }

    /// `PartRanges`, the answer path's parts located one after the other, against `partRanges` (the array
    /// of every part's range, its definition): scalars of every style, on one line or two, whose source
    /// width is their text's, one more or one less.
    @Test func answerPartsLocatedOneByOneAgreeWithPartRanges() {
        let styles: [ScalarStyle] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
        var generator = Generator(state: 17)
        for (n, text) in Self.strings(count: 5_000, seed: 7).enumerated() {
            let (node, scalar) = Self.scalarNode(text, style: styles[n % styles.count], &generator)
            let parts = WorkspaceDecoder.slashParts(of: text)
            var ranges = WorkspaceDecoder.PartRanges(node: node, scalar: scalar)
            let oneByOne = parts.map { ranges.next($0) }
            #expect(
                oneByOne == Self.partRanges(parts, of: node, scalar: scalar), "\(text.debugDescription)")
        }
    }

    @Test func blankCheckAgreesWithCharacters() {
        let blanks = ["", " ", "\t", "\n", " \u{85}", "\u{3000}", "\u{A0}x", " \u{301}", "\u{2028}"]
        for text in blanks + Self.strings(count: 20_000, seed: 8, maxPieces: 3) {
            #expect(ValueKind<Int>.isBlank(text) == text.allSatisfy(\.isWhitespace), "\(text.debugDescription)")
        }
    }

    @Test func scalarCountOnBytesAgreesWithScalars() {
        for text in Self.strings(count: 5_000, seed: 6) {
            #expect(WorkspaceDecoder.scalarCount(text) == text.unicodeScalars.count, "\(text.debugDescription)")
        }
    }

    @Test func durationOnBytesAgreesWithCharacters() {
        var texts = Self.strings(count: 20_000, seed: 7, maxPieces: 4)
        // Durations and near misses: units, digits, lengths around the 9-digit and 365-day limits.
        var generator = Generator(state: 8)
        let units = ["m", "h", "d", "s", "D", "", "\u{301}", "é", " ", "\r\n"]
        for _ in 0..<20_000 {
            var digits = ""
            for _ in 0..<generator.next(12) { digits += String(generator.next(10)) }
            texts.append(digits + units[generator.next(units.count)])
        }
        texts += ["0", "00", "0m", "365d", "366d", "8760h", "8761h", "525600m", "525601m", "999999999d", "1\u{0600}d"]
        for text in texts {
            #expect(Syntax.duration(text) == Self.durationByCharacters(text), "\(text.debugDescription)")
        }
    }

    @Test func fileKindOnBytesAgreesWithCharacters() {
        for text in Self.strings(count: 20_000, seed: 4, maxPieces: 5) {
            #expect(FileKind(path: text) == Self.fileKindByCharacters(text), "\(text.debugDescription)")
        }
    }

    @Test func isNullAgreesWithTheCoreSchema() {
        let styles: [ScalarStyle] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
        for (n, text) in Self.strings(count: 5_000, seed: 5, maxPieces: 2).enumerated() {
            let node = YAMLNode(
                .scalar(YAMLScalar(text: text, style: styles[n % styles.count])), range: .startOf(file: "t.yaml"))
            #expect(node.isNull == (node.value == .null), "\(text.debugDescription)")
        }
        let mapping = YAMLNode(.mapping([]), range: .startOf(file: "t.yaml"))
        #expect(!mapping.isNull)
    }

    /// `MappingReader.foundEveryPair`, on which a trigger's timing keys are skipped, against what it claims:
    /// once every pair was found, a key not asked for yet has no pair (its lookup finds none). Mappings of
    /// a trigger's keys, repeated keys, keys that are not and keys that are not scalars, asked for in random
    /// orders.
    @Test func foundEveryPairMeansNoOtherKeyIsThere() {
        let keys = MappingKind.trigger.keys
        let candidates = keys + ["unknown", "when\u{301}", "ID", ""]
        let kind = MappingKind("test", keys: keys)
        let range = SourceRange.startOf(file: "t.yaml")
        var generator = Generator(state: 11)
        var shortcuts = 0
        for _ in 0..<3_000 {
            var pairs: [YAMLPair] = []
            for _ in 0..<generator.next(7) {
                let key =
                    generator.next(25) == 0
                    ? YAMLNode(.sequence([]), range: range)
                    : YAMLNode(
                        .scalar(YAMLScalar(text: candidates[generator.next(candidates.count)], style: .plain)),
                        range: range)
                pairs.append(
                    YAMLPair(key: key, value: YAMLNode(.scalar(YAMLScalar(text: "1", style: .plain)), range: range)))
            }
            guard var reader = MappingReader(YAMLNode(.mapping(pairs), range: range), kind: kind, subject: "t") else {
                continue
            }
            var order = keys
            for i in order.indices.reversed() { order.swapAt(i, generator.next(i + 1)) }
            for (n, key) in order.enumerated() {
                if reader.foundEveryPair {
                    shortcuts += 1
                    for later in order[n...] {
                        #expect(!pairs.contains { $0.key.isScalar(later) }, "\(later) in \(pairs)")
                    }
                }
                _ = reader.index(of: key)
            }
        }
        #expect(shortcuts > 1_000)
    }

    /// Every key of the decoder's tables (and every event key) is ASCII without `K`, `;` or `` ` ``, the only
    /// ASCII characters a non-ASCII scalar decomposes to: no other text is canonically equivalent to it, which
    /// `YAMLNode.isScalar(key:)` (a length compared first) and the fields named after the asked key rely on.
    @Test func tableKeysHaveNoCanonicalEquivalent() {
        let keys = WorkspaceDecoder.mappingKinds.flatMap(\.keys) + WorkspaceDecoder.eventKeys
        for key in keys {
            #expect(key.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "K") && $0 != 0x3B && $0 != 0x60 }, "\(key)")
        }
        #expect(WorkspaceDecoder.eventKinds.map(\.yamlKey) == WorkspaceDecoder.eventKeys)
    }

    /// `YAMLNode.isScalar(key:)` against `isScalar(_:)` (its definition) for every table key, on generated
    /// texts, the keys themselves, canonical equivalents of other keys and block scalars held as texts.
    @Test func keyLookupByLengthAgreesWithStringEquality() {
        let keys = WorkspaceDecoder.mappingKinds.flatMap(\.keys) + WorkspaceDecoder.eventKeys
        let range = SourceRange.startOf(file: "t.yaml")
        let texts = Self.strings(count: 3_000, seed: 19) + keys + keys.map { $0 + "\u{301}" } + ["\u{212A}ey", "Key"]
        for text in texts {
            for style in [ScalarStyle.plain, .literal] {
                let node = YAMLNode(.scalar(YAMLScalar(text: text, style: style)), range: range)
                for key in keys {
                    #expect(node.isScalar(key: key) == node.isScalar(key), "\(text.debugDescription) \(key)")
                }
            }
        }
        #expect(!YAMLNode(.mapping([]), range: range).isScalar(key: "id"))
    }

    /// `decodeAnswerPath`, whose ASCII paths of three parts are split and located without arrays, against
    /// `answerPathBySlashParts` (the decoder's function until yaml30, its definition): the same event and
    /// the same diagnostics, for generated texts of every style, on one line or two, whose source width is
    /// their text's, one more or one less.
    @Test func answerPathFastPathAgreesWithSlashParts() {
        let styles: [ScalarStyle] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]
        var generator = Generator(state: 23)
        let paths = ["a/b/c", "door-to-door/support/yes", "x//y", "/a/b", "a/b/", "a/b/c/d", "Ab/c_d/E-f", "a/é/c"]
        // Paths of one to four parts, each of pieces of ids and near misses (non-ASCII, a combining mark, a
        // blank, a `/` within a part): about one in forty is an ASCII path of three non-empty parts.
        let pieces = ["a", "z", "0", "9", "-", "_", "A", "é", "\u{301}", " ", ".yaml", "door", "yes", "/"]
        var texts = paths
        for _ in 0..<10_000 {
            let parts = (0..<(1 + generator.next(4))).map { _ in
                (0..<generator.next(4)).map { _ in pieces[generator.next(pieces.count)] }.joined()
            }
            texts.append(parts.joined(separator: "/"))
        }
        var fast = 0
        for (n, text) in texts.enumerated() {
            let (node, _) = Self.scalarNode(text, style: styles[n % styles.count], &generator)
            if WorkspaceDecoder.asciiAnswerParts(of: text) != nil { fast += 1 }
            var bag = DiagnosticBag()
            var reference = DiagnosticBag()
            let event = WorkspaceDecoder.decodeAnswerPath(node, field: Field(key: "answer"), into: &bag)
            let expected = Self.answerPathBySlashParts(node, field: Field(key: "answer"), into: &reference)
            #expect(event == expected, "\(text.debugDescription)")
            #expect(bag.diagnostics == reference.diagnostics, "\(text.debugDescription)")
        }
        #expect(fast > 200)
    }

    // MARK: The definitions

    /// `Syntax.duration` read by Characters: its definition.
    static func durationByCharacters(_ text: String) -> Syntax.Duration {
        if text == "0" { return .seconds(0) }
        guard let unit = text.last, text.count >= 2 else { return .malformed }
        let digits = text.dropLast()
        guard digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return .malformed }
        let factor: Int
        switch unit {
        case "m": factor = 60
        case "h": factor = 3_600
        case "d": factor = 86_400
        default: return .malformed
        }
        // More than 9 digits is always beyond 365 days; this also keeps the multiplication safe.
        guard digits.count <= 9, let count = Int(digits) else { return .tooLong }
        let seconds = count * factor
        return seconds <= Syntax.maxDurationSeconds ? .seconds(seconds) : .tooLong
    }

    static func isValidIDByScalars(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        func isLowerAlnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        guard let first = scalars.first, scalars.count <= Syntax.maxIDLength, isLowerAlnum(first) else {
            return false
        }
        return scalars.dropFirst().allSatisfy { isLowerAlnum($0) || $0 == "_" || $0 == "-" }
    }

    static func isValidLocaleByCharacters(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        let language = parts[0].unicodeScalars
        guard (2...3).contains(language.count), language.allSatisfy({ ("a"..."z").contains($0) }) else { return false }
        guard parts.count == 2 else { return true }
        let region = parts[1].unicodeScalars
        return region.count == 2 && region.allSatisfy { ("A"..."Z").contains($0) }
    }

    static func fileKindByCharacters(_ path: String) -> FileKind? {
        if path == FileKind.manifestPath { return .manifest }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0] == "layouts", parts[1].hasSuffix(".html") { return .layout }
        guard parts.count == 2, parts[1].hasSuffix(".yaml") else { return nil }
        switch parts[0] {
        case "questionnaires": return .questionnaire
        case "templates": return .template
        case "triggers": return .triggers
        default: return nil
        }
    }

    /// The range of each `/`-separated part: exact for a single-line plain or quoted scalar whose
    /// source width matches its text (no escapes), else the whole scalar's range. The definition of
    /// `WorkspaceDecoder.PartRanges`, which the decoder uses (the decoder's function until yaml27).
    static func partRanges(_ parts: [String], of node: YAMLNode, scalar: YAMLScalar) -> [SourceRange] {
        // Built only when it is the answer: on the exact path it was an array made and dropped.
        var whole: [SourceRange] { [SourceRange](repeating: node.range, count: parts.count) }
        let quote: Int
        switch scalar.style {
        case .plain: quote = 0
        case .singleQuoted, .doubleQuoted: quote = 1
        case .literal, .folded: return whole
        }
        let start = node.range.start, end = node.range.end
        let width = WorkspaceDecoder.scalarCount(scalar.text)
        guard start.line == end.line, end.column - start.column == width + 2 * quote else { return whole }
        var ranges: [SourceRange] = []
        ranges.reserveCapacity(parts.count)
        var column = start.column + quote
        for part in parts {
            let length = WorkspaceDecoder.scalarCount(part)
            ranges.append(
                SourceRange(
                    file: node.range.file, start: SourcePosition(line: start.line, column: column),
                    end: SourcePosition(line: start.line, column: column + length)))
            column += length + 1
        }
        return ranges
    }

    /// The answer path's event read through `slashParts` and `PartRanges` whatever the text: the decoder's
    /// `decodeAnswerPath` until yaml30, the definition of its ASCII path.
    static func answerPathBySlashParts(_ node: YAMLNode, field: Field, into bag: inout DiagnosticBag) -> TriggerEvent? {
        guard let scalar = node.scalar else {
            bag.report(
                .wrongType,
                "expected a string for `answer`, found \(ValueKind<Int>.article(node.kindDescription))",
                at: node.range, help: "write `answer: questionnaire/question/answer`")
            return nil
        }
        let parts = WorkspaceDecoder.slashParts(of: scalar.text)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            // The malformed path is reported by the decoder's own function: only valid paths took the new way.
            WorkspaceDecoder.reportMalformedAnswerPath(parts, of: node, text: scalar.text, into: &bag)
            return nil
        }
        var ranges = WorkspaceDecoder.PartRanges(node: node, scalar: scalar)
        let questionnaire = Located(parts[0], at: ranges.next(parts[0]))
        let question = Located(parts[1], at: ranges.next(parts[1]))
        let answer = Located(parts[2], at: ranges.next(parts[2]))
        ValueKind<Located<String>>.checkID(
            questionnaire.value, at: questionnaire.range, key: "answer", refersTo: "questionnaire", into: &bag)
        ValueKind<Located<String>>.checkID(question.value, at: question.range, key: "answer", into: &bag)
        ValueKind<Located<String>>.checkID(answer.value, at: answer.range, key: "answer", into: &bag)
        return .answer(questionnaire: questionnaire, question: question, answer: answer)
    }
}
