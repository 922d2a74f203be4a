import Foundation
import Diagnostics
import Testing
import YAMLSource

@testable import AutoMail

/// A trigger file with one trigger whose `when` and extra lines are `body` (indented by 4).
func triggerFile(_ body: String) -> String {
    "triggers:\n  - id: t\n    template: welcome\n"
        + body.split(separator: "\n", omittingEmptySubsequences: false)
        .map { "    " + $0 }.joined(separator: "\n")
}

func at(_ line: Int, _ start: Int, _ end: Int) -> SourceRange {
    SourceRange(
        file: "test.yaml", start: SourcePosition(line: line, column: start),
        end: SourcePosition(line: line, column: end))
}

@Suite("Decoding: triggers")
struct DecodingTriggerTests {
    @Test func whenWithoutEventIsReportedAtTheWhenKey() {
        let (_, found) = triggerDiagnostics(triggerFile("when: {}"))
        #expect(found.map(summary) == ["AM209 4:5-4:9 `when` has no event"])
    }

    @Test func whenWithTwoEventsIsReportedAtTheSecond() {
        let (triggers, found) = triggerDiagnostics(
            triggerFile(
                """
                when:
                  task: call-back
                  support_level: supporter
                """))
        #expect(found.map(summary) == ["AM209 6:7-6:20 `when` has more than one event"])
        #expect(found.first?.notes == [DiagnosticNote("first event here", at: at(5, 7, 11))])
        #expect(triggers.first?.event == .task(Located("call-back", at: at(5, 13, 22))))
    }

    @Test func misspeltEventIsAnUnknownKey() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  tsak: call-back"))
        #expect(found.map(summary) == ["AM201 5:7-5:11 unknown key `tsak` in `when`"])
        #expect(found.first?.help == "did you mean `task`?")
    }

    @Test func answerPathWithTwoParts() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  answer: door/support"))
        #expect(found.map(summary) == ["AM210 5:15-5:27 answer path `door/support` has 2 parts instead of 3"])
        #expect(found.first?.help == "write `questionnaire/question/answer`, like `door-to-door/support/yes`")
    }

    @Test func answerPathWithAnEmptyPart() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  answer: door//yes"))
        #expect(found.map(summary) == ["AM210 5:15-5:24 answer path `door//yes` has an empty part"])
    }

    @Test(arguments: [
        ("answer: door-to-door/support/yes", 15),
        ("answer: 'door-to-door/support/yes'", 16),
        ("answer: \"door-to-door/support/yes\"", 16),
    ])
    func answerPathPartsHaveTheirOwnRanges(line: String, firstColumn: Int) {
        let (triggers, found) = triggerDiagnostics(triggerFile("when:\n  " + line))
        #expect(found.isEmpty)
        let c = firstColumn
        #expect(
            triggers.first?.event
                == .answer(
                    questionnaire: Located("door-to-door", at: at(5, c, c + 12)),
                    question: Located("support", at: at(5, c + 13, c + 20)),
                    answer: Located("yes", at: at(5, c + 21, c + 24))))
    }

    @Test func answerPathPartMustBeAnID() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  answer: door/Support/yes"))
        #expect(found.map(summary) == ["AM204 5:20-5:27 malformed id `Support` for `answer`"])
        #expect(found.first?.help?.hasSuffix("try `support`") == true)
    }

    @Test(arguments: [
        ("45m", OncePerContact.window(seconds: 2_700)),
        ("2h", .window(seconds: 7_200)),
        ("30d", .window(seconds: 2_592_000)),
        ("365d", .window(seconds: 31_536_000)),
        ("forever", .forever),
    ])
    func durationForms(text: String, expected: OncePerContact) {
        let (triggers, found) = triggerDiagnostics(
            triggerFile("when:\n  task: x\nonce_per_contact: \(text)\ndelay: \(text == "forever" ? "0m" : text)"))
        #expect(found.isEmpty)
        #expect(triggers.first?.oncePerContact?.value == expected)
        if case .window(let seconds) = expected { #expect(triggers.first?.delaySeconds?.value == seconds) }
    }

    /// `0`, the documented default of `delay`, needs no unit; an empty `once_per_contact` window is refused.
    @Test func aZeroDelayIsAtOnce() {
        let (triggers, found) = triggerDiagnostics(triggerFile("when:\n  task: x\ndelay: 0"))
        #expect(found.isEmpty)
        #expect(triggers.first?.delaySeconds?.value == 0)
        let (_, window) = triggerDiagnostics(triggerFile("when:\n  task: x\nonce_per_contact: 0"))
        #expect(window.map(\.code) == ["AM207"])
    }

    @Test func malformedAndTooLongDurations() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  task: x\ndelay: 2 hours\nonce_per_contact: 366d"))
        #expect(
            found.map(summary) == [
                "AM207 6:12-6:19 malformed duration `2 hours` for `delay`",
                "AM207 7:23-7:27 duration `366d` for `once_per_contact` is longer than 365 days",
            ])
        #expect(
            found.first?.help
                == "write a whole number followed by `m` (minutes), `h` (hours) or `d` (days), like `30m`, `2h` or `7d`"
        )
        #expect(found.last?.help == "use at most `365d`")
    }

    @Test func foreverIsOnlyForOncePerContact() {
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  task: x\ndelay: forever"))
        #expect(found.map(summary) == ["AM207 6:12-6:19 malformed duration `forever` for `delay`"])
    }

    @Test
    func priorityIsAnIntegerFrom0To1000() {
        let (triggers, ok) = triggerDiagnostics(triggerFile("when:\n  task: x\npriority: 1000"))
        #expect(ok.isEmpty)
        #expect(triggers.first?.priority?.value == 1000)
        let (_, found) = triggerDiagnostics(triggerFile("when:\n  task: x\npriority: 1001"))
        #expect(found.map(summary) == ["AM205 6:15-6:19 invalid value `1001` for `priority`"])
        #expect(found.first?.help == "use a whole number from 0 to 1000")
        let (_, text) = triggerDiagnostics(triggerFile("when:\n  task: x\npriority: high"))
        #expect(text.map(summary) == ["AM203 6:15-6:19 expected an integer for `priority`, found a string"])
    }

    @Test
    func nullForARequiredKeyIsAnEmptyValue() {
        let (_, found) = triggerDiagnostics("triggers:\n  - id: t\n    when:\n      task: x\n    template:")
        #expect(found.map(summary) == ["AM208 5:5-5:13 empty value for `template`"])
    }

    @Test func triggersFileMustHoldTriggers() {
        let (_, found) = triggerDiagnostics("trigers:\n  - id: t")
        #expect(found.map(summary) == ["AM201 1:1-1:8 unknown key `trigers` in triggers file"])
        #expect(found.first?.help == "did you mean `triggers`?")
    }
}

/// A triggers file is decoded as it is read (`YAMLParser.parse(_:limits:streamingItemsOf:_:)`, so its
/// tree never holds every binding): the triggers and diagnostics must be those of decoding the whole tree.
@Suite("Decoding: triggers, streamed")
struct StreamedTriggerDecodingTests {
    static let files: [String] = [
        "triggers:\n  - id: a\n    when: {task: call-back}\n    template: welcome\n  - id: b\n    when:\n      support_level: supporter\n    template: welcome\n    priority: 5\n",
        // Unknown keys, a missing `when`, a non-mapping item, an empty mapping, a bad value.
        "triggers:\n  - id: a\n    tempalte: welcome\n  - just text\n  - {}\n  - id: c\n    when: {task: x}\n    template: t\n    priority: high\n",
        // A flow list, and a second `triggers` key (refused: its items are not decoded).
        "triggers: [{id: a, when: {task: x}, template: t}, {id: b, when: {task: y}, template: t}]\ntriggers:\n  - id: dup\n    when: {task: z}\n    template: t\n",
        // Nested `triggers` keys are not the file's list.
        "triggers:\n  - id: a\n    when: {task: x}\n    template: t\n    extra:\n      triggers:\n        - id: nested\n",
        // Not a list, not a mapping at the top, an empty list, a syntax error after two bindings.
        "triggers: {id: a}\n",
        "- id: a\n  when: {task: x}\n  template: t\n",
        "triggers: []\nother: 1\n",
        "triggers:\n  - id: a\n    when: {task: x}\n    template: t\n  - id: b\n    when: {task: y\n    template: t\n",
        // Two YAML documents: only the first is read.
        "triggers:\n  - id: a\n    when: {task: x}\n    template: t\n---\ntriggers: []\n",
    ]

    @Test(arguments: files.indices)
    func streamedDecodingIsWholeDecoding(_ index: Int) {
        let file = SourceFile(path: "triggers/main.yaml", text: Self.files[index])
        // The whole tree, decoded after parsing (the definition).
        let parsed = YAMLParser.parse(file)
        var bag = DiagnosticBag()
        bag.report(contentsOf: parsed.diagnostics)
        let whole = parsed.root.map { WorkspaceDecoder.decodeTriggers($0, file: file.path, into: &bag) }
        // The compiler's file stage, which streams the bindings.
        let outcome = DecodeStage.decode(file, options: BuildOptions())
        var streamed: [Trigger]?
        if case .triggers(let list)? = outcome.model { streamed = list }
        #expect(streamed == whole)
        #expect(
            outcome.diagnostics.sorted(by: Diagnostic.reportingOrder)
                == bag.diagnostics.sorted(by: Diagnostic.reportingOrder))
    }

    @Test func itemsAreHandedOverInOrderAndLeftEmptyInTheTree() throws {
        let file = SourceFile(path: "t.yaml", text: Self.files[1])
        var handed: [YAMLNode] = []
        let parsed = YAMLParser.parse(file, streamingItemsOf: "triggers") { handed.append($0) }
        let whole = YAMLParser.parse(file)
        #expect(parsed.diagnostics == whole.diagnostics)
        let items = try #require(whole.root?.pairs?.first?.value.items)
        #expect(handed == items.filter { $0.pairs != nil })
        let left = try #require(parsed.root?.pairs?.first?.value.items)
        #expect(left.map(\.range) == items.map(\.range))
        #expect(left.allSatisfy { $0.pairs == nil || $0.pairs == [] })
    }
}

/// Answer triggers find their question and answer by id (an index built once, not a scan): the first
/// definition of a repeated question id is the one read, as the scan it replaced did.
@Suite("Answer references by id")
struct AnswerReferenceTests {
    static func diagnostics(questionnaire: String, answers: [String]) throws -> [Diagnostic] {
        var files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        files["questionnaires/doors.yaml"] = Data(questionnaire.utf8)
        let triggers = answers.enumerated().map { index, answer in
            "  - id: t\(index)\n    when:\n      answer: \(answer)\n    template: welcome\n    priority: \(30 + index)\n"
        }
        files["triggers/extra.yaml"] = Data(("triggers:\n" + triggers.joined()).utf8)
        let sources = files.map { SourceFile(path: $0.key, bytes: Array($0.value)) }
        return Compiler.check(sources).diagnostics
    }

    @Test func theFirstDefinitionOfARepeatedQuestionIsTheOneRead() throws {
        let questionnaire = """
            id: doors
            title: Door to door
            questions:
              - id: support
                type: single_choice
                label: Do you support us?
                answers:
                  - id: "yes"
                    label: "Yes"
                  - id: "no"
                    label: "No"
              - id: support
                type: single_choice
                label: Again
                answers:
                  - id: maybe
                    label: Maybe
            """
        let found = try Self.diagnostics(
            questionnaire: questionnaire, answers: ["doors/support/no", "doors/support/maybe", "doors/nothing/yes"])
        // The repeated id itself, the answer only the second definition has, the unknown question.
        let messages = found.filter { $0.severity == .error }.map(\.message)
        #expect(messages.contains { $0.contains("duplicate question id `support`") })
        #expect(messages.contains { $0.contains("`maybe`") })
        #expect(messages.contains { $0.contains("`nothing`") })
        #expect(!messages.contains { $0.contains("`no`") })
        #expect(messages.count == 3, "\(messages)")
    }
}
