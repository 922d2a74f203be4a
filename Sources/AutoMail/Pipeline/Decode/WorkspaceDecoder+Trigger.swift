import BundleFormat
import Diagnostics
import YAMLSource

extension MappingKind {
    static let trigger = MappingKind(
        "trigger",
        keys: [
            "id", "when", "template", "priority", "delay", "once_per_contact", "active", "quiet_hours", "blackouts",
            "exemption_reason", "frequency_cap",
        ])
    static let when = MappingKind("when", keys: WorkspaceDecoder.eventKeys)
}

extension WorkspaceDecoder {
    /// The events `when` can hold, in the order help lines list them: ``EventKind``'s.
    static let eventKeys = eventKinds.map(\.yamlKey)

    /// ``EventKind``'s cases, made once (`allCases` builds its array on every call): `eventKeys[i]` is
    /// `eventKinds[i]`'s key.
    static let eventKinds = EventKind.allCases

    /// The help of AM209, made once (``EventKind/whenForms`` builds its list on every call).
    static let whenShapeHelp = "write `when:` with exactly one of \(EventKind.whenForms)"

    /// One trigger binding.
    static func decodeTrigger(_ item: inout MappingReader, file: String, into bag: inout DiagnosticBag) -> Trigger {
        let id = item.id(example: "welcome-supporter", into: &bag)
        var event: TriggerEvent?
        var eventRange: SourceRange?
        if let when = item.index(of: "when") {
            eventRange = item.pairs[when].value.range
            event = decodeEvent(item.pairs[when], into: &bag)
        } else {
            bag.report(
                .missingKey, "missing key `when` in \(item.subject)", at: item.anchor,
                help: "add `when:` with one of \(EventKind.whenForms)")
        }
        let template = item.required("template", as: .id(example: "welcome"), into: &bag)
        let priority = item.optional("priority", as: .integer(in: 0...1000, example: "10"), into: &bag)
        let delay = item.optional("delay", as: .duration, into: &bag)
        let once = item.optional("once_per_contact", as: .oncePerContact, into: &bag)
        // The values moved into the trigger (each was copied in, then released).
        var trigger = Trigger(
            file: file, id: consume id, event: consume event, eventRange: consume eventRange,
            template: consume template, priority: priority, delaySeconds: delay, oncePerContact: consume once)
        decodeTriggerTiming(&item, into: &trigger, bag: &bag)
        return trigger
    }

    /// The `when` value: a mapping with exactly one event key, one of ``EventKind``'s (AM209).
    static func decodeEvent(_ whenPair: YAMLPair, into bag: inout DiagnosticBag) -> TriggerEvent? {
        let shapeHelp = whenShapeHelp
        guard let whenPairs = whenPair.value.pairs else {
            bag.report(
                .triggerEventShape,
                "expected a mapping with one event for `when`, found \(ValueKind<Int>.article(whenPair.value.kindDescription))",
                at: whenPair.value.isNull ? whenPair.key.range : whenPair.value.range, help: shapeHelp)
            return nil
        }
        var when = MappingReader(
            whenPairs, range: whenPair.value.range, kind: .when, subject: "`when`", anchor: whenPair.key.range)
        // The first two pairs whose key is an event's, by index (an array of the pairs was made and copied),
        // and the first one's event.
        var firstIndex: Int?
        var secondIndex: Int?
        var firstKind: EventKind?
        let keys = eventKeys
        for i in whenPairs.indices {
            // An event's key is ASCII without `K`, `;` or `` ` `` (`DecodingDifferentialTests`): compared by its
            // length first.
            guard let k = keys.firstIndex(where: { whenPairs[i].key.isScalar(key: $0) }) else { continue }
            // An event's key is allowed: no second look when the unknown keys are reported (where a pair
            // whose key is allowed is passed over whether a lookup found it or not).
            when.noteAllowed(at: i)
            if firstIndex == nil {
                firstIndex = i
                firstKind = eventKinds[k]
            } else if secondIndex == nil {
                secondIndex = i
            }
        }
        // Every event key is read here (the debug check of the table), without a lookup of each.
        for key in eventKeys { when.allow(key) }
        when.reportUnknownKeys(into: &bag)
        guard let firstIndex, let kind = firstKind else {
            // An unknown key (likely a misspelt event) was reported already.
            if whenPairs.isEmpty {
                bag.report(
                    .triggerEventShape, "`when` has no event", at: whenPair.key.range, help: shapeHelp)
            }
            return nil
        }
        let first = whenPairs[firstIndex]
        if let secondIndex {
            let second = whenPairs[secondIndex]
            bag.report(
                .triggerEventShape, "`when` has more than one event", at: second.key.range,
                notes: [DiagnosticNote("first event here", at: first.key.range)],
                help: "keep one event per trigger: move `\(second.key.scalar?.text ?? "")` to a trigger of its own")
        }
        // The first pair's key is the event's, byte for byte.
        let key = kind.yamlKey
        let field = Field(key: key)
        guard !first.value.isNull else {
            bag.report(
                .emptyValue, "empty value for `\(key)`", at: first.key.range,
                help: kind == .answer ? "write `answer: \(kind.valueHint)`" : "write `\(key): my-id`")
            return nil
        }
        switch kind {
        case .answer:
            return decodeAnswerPath(first.value, field: field, into: &bag)
        case .supportLevel:
            return ValueKind.id(example: "supporter").decode(first.value, field, &bag).map(TriggerEvent.supportLevel)
        case .task:
            return ValueKind.id(example: "call-back").decode(first.value, field, &bag).map(TriggerEvent.task)
        }
    }

    /// AM210 for an answer path whose `parts` (``slashParts(of:)`` of `text`) are not three non-empty ones;
    /// the help names the questionnaire's id when the path starts with its file's path.
    static func reportMalformedAnswerPath(
        _ parts: [String], of node: YAMLNode, text: String, into bag: inout DiagnosticBag
    ) {
        let problem =
            parts.count == 3
            ? "has an empty part" : "has \(parts.count) part\(parts.count == 1 ? "" : "s") instead of 3"
        var help = "write `questionnaire/question/answer`, like `door-to-door/support/yes`"
        // `questionnaires/doors.yaml/support/yes`: the questionnaire written as its file's path.
        if parts.count == 4, Syntax.workspaceFolders.contains(parts[0]),
            let id = Syntax.idFromFileName(parts[0] + "/" + parts[1])
        {
            help =
                "refer to the questionnaire by its id, not its file name: write `\(([id] + parts[2...]).joined(separator: "/"))`"
        }
        bag.report(.malformedAnswerPath, "answer path `\(text)` \(problem)", at: node.range, help: help)
    }

    /// `questionnaire/question/answer`: three non-empty parts (AM210), each a valid id (AM204), each
    /// located at its own characters when the scalar is on one line.
    static func decodeAnswerPath(_ node: YAMLNode, field: Field, into bag: inout DiagnosticBag) -> TriggerEvent? {
        guard let scalar = node.scalar else {
            bag.report(
                .wrongType, "expected a string for `answer`, found \(ValueKind<Int>.article(node.kindDescription))",
                at: node.range, help: "write `answer: questionnaire/question/answer`")
            return nil
        }
        let text = scalar.text
        // The usual path, ASCII with three parts: split and located without the arrays of the general one.
        if let fast = asciiAnswerParts(of: text) {
            let range = node.range
            let column = firstPartColumn(of: node, style: scalar.style, width: text.utf8.count)
            func located(_ part: String, at offset: Int) -> Located<String> {
                guard let column else { return Located(part, at: range) }
                let line = range.start.line
                return Located(
                    part,
                    at: SourceRange(
                        file: range.file, start: SourcePosition(line: line, column: column + offset),
                        end: SourcePosition(line: line, column: column + offset + part.utf8.count)))
            }
            return answer(
                located(fast.0, at: 0), located(fast.1, at: fast.second), located(fast.2, at: fast.third), into: &bag)
        }
        let parts = slashParts(of: text)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            reportMalformedAnswerPath(parts, of: node, text: scalar.text, into: &bag)
            return nil
        }
        // The three parts located one after the other, as `partRanges` (their definition, kept in
        // `DecodingDifferentialTests`) locates them, without its array nor an array of the located parts.
        var ranges = PartRanges(node: node, scalar: scalar)
        let questionnaire = Located(parts[0], at: ranges.next(parts[0]))
        let question = Located(parts[1], at: ranges.next(parts[1]))
        return answer(questionnaire, question, Located(parts[2], at: ranges.next(parts[2])), into: &bag)
    }

    /// The answer event of three located parts, each checked as an id (AM204).
    private static func answer(
        _ questionnaire: Located<String>, _ question: Located<String>, _ answer: Located<String>,
        into bag: inout DiagnosticBag
    ) -> TriggerEvent {
        ValueKind<Located<String>>.checkID(
            questionnaire.value, at: questionnaire.range, key: "answer", refersTo: "questionnaire", into: &bag)
        ValueKind<Located<String>>.checkID(question.value, at: question.range, key: "answer", into: &bag)
        ValueKind<Located<String>>.checkID(answer.value, at: answer.range, key: "answer", into: &bag)
        return .answer(questionnaire: questionnaire, question: question, answer: answer)
    }

    /// The three parts of an answer path `text` that is ASCII with exactly two `/` and no empty part, with
    /// the byte offsets of the second and the third: what ``slashParts(of:)`` gives such a text, and where
    /// ``PartRanges`` locates each part (an ASCII part's length in scalars is its count of bytes); `nil` for
    /// any other text (`DecodingDifferentialTests` holds the decoding to the general path).
    static func asciiAnswerParts(of text: String) -> (String, String, String, second: Int, third: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (String, String, String, second: Int, third: Int)? in
            var first = -1
            var second = -1
            for i in bytes.indices {
                let byte = bytes[i]
                if byte >= 0x80 { return nil }
                guard byte == UInt8(ascii: "/") else { continue }
                if first < 0 {
                    first = i
                } else if second < 0 {
                    second = i
                } else {
                    return nil
                }
            }
            // Three non-empty parts: the first slash past the start, the second past it by more than one
            // byte, and a byte after the second.
            guard first > 0, second > first + 1, second + 1 < bytes.count else { return nil }
            func part(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            return (
                part(0..<first), part(first + 1..<second), part(second + 1..<bytes.count), first + 1, second + 1
            )
        }
    }

    /// The ranges of a scalar's `/`-separated parts, one after the other, as `partRanges` (the definition,
    /// in `DecodingDifferentialTests`) gives them: each part at its own characters when the scalar is on
    /// one line and its source width is its text's (no escapes), else the whole scalar's range.
    struct PartRanges {
        let range: SourceRange
        /// The column of the next part, when the parts are located exactly.
        var column: Int?
        /// Whether the scalar's text is ASCII (as many scalars as bytes), so that each part's length in
        /// scalars is its count of bytes, read without counting.
        let isASCII: Bool

        init(node: YAMLNode, scalar: YAMLScalar) {
            range = node.range
            let text = scalar.text
            let width = WorkspaceDecoder.scalarCount(text)
            column = WorkspaceDecoder.firstPartColumn(of: node, style: scalar.style, width: width)
            isASCII = width == text.utf8.count
        }

        /// The range of the next part, `part` (a part of the scalar's text).
        mutating func next(_ part: String) -> SourceRange {
            guard let start = column else { return range }
            let length = isASCII ? part.utf8.count : WorkspaceDecoder.scalarCount(part)
            column = start + length + 1
            let line = range.start.line
            return SourceRange(
                file: range.file, start: SourcePosition(line: line, column: start),
                end: SourcePosition(line: line, column: start + length))
        }
    }

    /// The column of a scalar's first character of text when its parts can be located exactly (a single-line
    /// plain or quoted scalar whose source width matches its text); `nil` otherwise.
    /// `width` is the count of the scalar's text's Unicode scalars (``scalarCount(_:)``), `style` its style.
    static func firstPartColumn(of node: YAMLNode, style: ScalarStyle, width: Int) -> Int? {
        let quote: Int
        switch style {
        case .plain: quote = 0
        case .singleQuoted, .doubleQuoted: quote = 1
        case .literal, .folded: return nil
        }
        let start = node.range.start, end = node.range.end
        guard start.line == end.line, end.column - start.column == width + 2 * quote else {
            return nil
        }
        return start.column + quote
    }

    /// `text` split at every `/`, empty parts kept: `split(separator: "/", omittingEmptySubsequences: false)`
    /// (its definition, and what a text that is not ASCII takes), on bytes for an ASCII text, where each
    /// byte is a Character and `/` joins no neighbour into one.
    static func slashParts(of text: String) -> [String] {
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            var slashes = 0
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: "/") { slashes += 1 }
            }
            // One allocation: the array grew one, two, four parts at a time.
            var parts: [String] = []
            parts.reserveCapacity(slashes + 1)
            var start = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: "/") {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                start = i + 1
            }
            parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return parts
        }
        if let ascii, let parts = ascii { return parts }
        return text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    /// `text.unicodeScalars.count`, counted on its UTF-8 bytes: a String's bytes are valid UTF-8, where
    /// every scalar has exactly one byte that is not a continuation byte (`10xxxxxx`).
    static func scalarCount(_ text: String) -> Int {
        // Through one buffer: walking `String.UTF8View` by index cost about 30 instructions a byte.
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }
}
