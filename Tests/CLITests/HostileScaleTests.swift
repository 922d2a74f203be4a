import BundleFormat
import Foundation
import Testing

/// Inputs whose cost grows with the number of findings or items (issue 14 items 2, 3 and 10): the
/// work stays linear and the output bounded. "Not quadratic" is a ratio between two sizes run in the
/// same test, never an absolute time (beyond the generous hang guard): a linear cost makes 4 times the
/// input cost about 4 times as much, a quadratic one 16 times.
@Suite(.serialized) struct HostileScaleTests {
    /// The most a 4-times larger input may cost, as a multiple: linear is 4, quadratic 16. Process start
    /// and the fixed work of a run only bring the ratio down.
    static let maxRatio = 9.0

    /// Runs `arguments` after `prepare(size)` at `size` and `4 * size`, returns both outcomes and the
    /// ratio of their times.
    static func ratio(
        _ arguments: [String], size: Int, seconds: Double = 120,
        prepare: (HostileWorkspace, Int) throws -> Void
    ) throws -> (small: BoundedProcess.Outcome, large: BoundedProcess.Outcome, ratio: Double) {
        var outcomes: [BoundedProcess.Outcome] = []
        for n in [size, 4 * size] {
            let ws = try HostileWorkspace()
            try prepare(ws, n)
            let outcome = try BoundedProcess.run(arguments, in: ws.scratch, seconds: seconds)
            #expect(!outcome.timedOut, "n = \(n): killed after \(seconds) s: a hang")
            #expect(outcome.signal == nil, "n = \(n): ended by signal \(outcome.signal ?? 0)")
            outcomes.append(outcome)
        }
        // CPU time where /proc gives it (a busy machine stretches wall time, not CPU time), else wall time.
        let (small, large) = (outcomes[0], outcomes[1])
        if small.cpuSeconds >= 0.05, large.cpuSeconds > 0 {
            return (small, large, large.cpuSeconds / small.cpuSeconds)
        }
        return (small, large, large.seconds / max(small.seconds, 0.001))
    }

    // MARK: - Priority ties behind many mutually exclusive answers

    /// `n / 2` triggers on distinct answers of one single-choice question (they cannot fire together),
    /// then a task trigger, then `n / 2` more answers of that question on another template: each of the
    /// last ties with the task trigger (AM702), and its witness lies behind the first `n / 2`, which
    /// every tie used to scan (quadratic: 16,000 triggers took minutes).
    @Test func priorityTiesBehindExclusiveAnswersAreLinear() throws {
        let (small, large, ratio) = try Self.ratio(["check", "ws", "--format", "json"], size: 2_000) { ws, n in
            let answers = (0..<n).map { "      - id: a\($0)\n        label: A\($0)\n" }.joined()
            try ws.write(
                "questionnaires/doors.yaml",
                "id: doors\ntitle: Doors\nquestions:\n  - id: support\n    type: single_choice\n    label: Support?\n"
                    + "    answers:\n" + answers)
            func answer(_ i: Int, _ template: String) -> String {
                "  - id: t\(i)\n    when:\n      answer: doors/support/a\(i)\n    template: \(template)\n    priority: 5\n"
            }
            let task = "  - id: task\n    when:\n      task: call_back\n    template: callback\n    priority: 5\n"
            try ws.write(
                "triggers/main.yaml",
                "triggers:\n" + (0..<(n / 2)).map { answer($0, "callback") }.joined() + task
                    + ((n / 2)..<n).map { answer($0, "welcome") }.joined())
        }
        #expect(
            ratio < Self.maxRatio,
            "\(small.cpuSeconds) s of CPU (\(small.seconds) s) at n, \(large.cpuSeconds) s (\(large.seconds) s) at 4n: ratio \(ratio)"
        )
        for outcome in [small, large] {
            #expect(outcome.status == 1)
            #expect(outcome.standardOutput.contains("\"AM702\""), "no tie reported")
        }
    }

    // MARK: - Item 2: Markdown and Liquid findings in one text

    /// A body of `n` times `unit` (kept under the 262,144-character body limit).
    struct TextCase: CustomTestStringConvertible, Sendable {
        var unit: String
        var code: String
        var testDescription: String { "\(code): \(unit.debugDescription)" }
    }

    static let textCases = [
        TextCase(unit: "<b>", code: "AM608"),
        TextCase(unit: "<!-- ", code: "AM608"),
        TextCase(unit: "`a` <i> ", code: "AM608"),
        // One link a paragraph (a paragraph holds at most 500 `[`, AM620); the body is a literal block
        // indented by 6 spaces.
        TextCase(unit: "[x](javascript:1)\n\n      ", code: "AM609"),
        TextCase(unit: "[x]()\n\n      ", code: "AM610"),
        TextCase(unit: "![](https://a.fr/i.png)\n\n      ", code: "AM611"),
        TextCase(unit: "{{ nope.x }} ", code: "AM607"),
        TextCase(unit: "{% bad %}", code: "AM606"),
        TextCase(unit: "{% raw %}", code: "AM605"),
    ]

    @Test(arguments: textCases)
    func findingsInOneTextAreCappedAndLinear(_ text: TextCase) throws {
        let size = 60_000 / text.unit.count
        let (small, large, ratio) = try Self.ratio(["check", "ws", "--format", "json"], size: size) { ws, n in
            try ws.replace(
                "templates/callback.yaml", "A volunteer will call you back soon.",
                String(repeating: text.unit, count: n))
        }
        #expect(
            ratio < Self.maxRatio,
            "\(small.cpuSeconds) s of CPU (\(small.seconds) s) at n, \(large.cpuSeconds) s (\(large.seconds) s) at 4n: ratio \(ratio)"
        )
        for outcome in [small, large] {
            #expect(outcome.status == (text.code == "AM611" ? 0 : 1), "AM611 is a warning")
            let count = outcome.standardOutput.components(separatedBy: "\"\(text.code)\"").count - 1
            #expect(count >= 1 && count <= 2 * 20, "\(count) \(text.code) reported")
            #expect(outcome.standardOutput.utf8.count < 200_000, "\(outcome.standardOutput.utf8.count) bytes of output")
        }
    }

    /// The issue's own reproducer: one 261 KB body of `<b>` (under the body limit) took 219 s.
    @Test func aBodyOf87000TagsIsReportedQuickly() throws {
        let ws = try HostileWorkspace()
        try ws.replace(
            "templates/callback.yaml", "A volunteer will call you back soon.", String(repeating: "<b>", count: 87_000))
        let outcome = try BoundedProcess.run(["check", "ws"], in: ws.scratch, seconds: 60)
        #expect(!outcome.timedOut && outcome.signal == nil)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("more like this are not shown"))
        #expect(outcome.standardError.components(separatedBy: "error[AM608]").count - 1 == 20)
    }

    // MARK: - Item 3: per-node YAML errors in one file

    struct YAMLCase: CustomTestStringConvertible, Sendable {
        var name: String
        var code: String
        /// Line `i` of the file.
        var line: @Sendable (Int) -> String
        var testDescription: String { name }
    }

    static let yamlCases = [
        YAMLCase(name: "aliases", code: "AM103") { _ in "- *a\n" },
        YAMLCase(name: "anchors", code: "AM103") { _ in "- &a x\n" },
        YAMLCase(name: "tags", code: "AM108") { _ in "- !t x\n" },
        YAMLCase(name: "duplicate keys", code: "AM102") { i in "k\(i % 10): x\n" },
        YAMLCase(name: "unknown keys", code: "AM201") { i in "unknown_\(i): x\n" },
    ]

    @Test(arguments: yamlCases)
    func perNodeYAMLErrorsAreCappedPerFileAndCounted(_ yaml: YAMLCase) throws {
        // 1 MB and 4 MB files: 250,000 and 1,000,000 errors of one code.
        let size = 1 << 20
        let (small, large, ratio) = try Self.ratio(["check", "ws", "--max-diagnostics", "10"], size: size) { ws, n in
            var text = yaml.name == "duplicate keys" || yaml.name == "unknown keys" ? "id: hostile\n" : ""
            var index = 0
            while text.utf8.count < n {
                var chunk = ""
                for _ in 0..<4096 {
                    chunk += yaml.line(index)
                    index += 1
                }
                text += chunk
            }
            try ws.write("questionnaires/hostile.yaml", text)
        }
        #expect(ratio < Self.maxRatio, "\(small.seconds) s at 1 MB, \(large.seconds) s at 4 MB: ratio \(ratio)")
        for outcome in [small, large] {
            #expect(outcome.status == 1)
            // The output is bounded; the summary still counts every error.
            #expect(outcome.standardError.utf8.count < 20_000, "\(outcome.standardError.utf8.count) bytes")
            let summary = outcome.standardError.split(separator: "\n").last.map(String.init) ?? ""
            let total = Int(summary.split(separator: " ").dropFirst().first ?? "") ?? 0
            #expect(total > 50_000, "summary: \(summary)")
        }
        // Every diagnostic in JSON: at most 20 of the code, the last saying how many more there are.
        let ws = try HostileWorkspace()
        var text = yaml.name == "duplicate keys" || yaml.name == "unknown keys" ? "id: hostile\n" : ""
        for index in 0..<100_000 { text += yaml.line(index) }
        try ws.write("questionnaires/hostile.yaml", text)
        let json = try BoundedProcess.run(["check", "ws", "--format", "json"], in: ws.scratch, seconds: 120)
        #expect(json.signal == nil && !json.timedOut)
        #expect(json.standardOutput.components(separatedBy: "\"\(yaml.code)\"").count - 1 == 20)
        #expect(json.standardOutput.contains(" more \(yaml.code) in this file are not shown"))
    }

    // MARK: - Item 10: the bundle reader

    /// A bundle-shaped document holding `n` zeros in one array, or `n` members in one object.
    static func hostileBundle(items n: Int, object: Bool) -> String {
        var text = #"{"format": 2, "digest": "sha256:0", "x": "#
        text += object ? "{" : "["
        text.reserveCapacity(n * 12)
        for index in 0..<n {
            if index > 0 { text += "," }
            text += object ? "\"k\(index)\":0" : "0"
        }
        return text + (object ? "}}" : "]}")
    }

    @Test(arguments: [false, true])
    func verifyAndSimulateReadLargeBundlesLinearly(object: Bool) throws {
        let event =
            HostileWorkspace.repository + "/workspace-examples/lyon-municipales/events/porte-a-porte-soutien.json"
        for arguments in [["verify", "--bundle", "b.json"], ["simulate", "--bundle", "b.json", "--event", event]] {
            let (small, large, ratio) = try Self.ratio(arguments, size: object ? 100_000 : 250_000) { ws, n in
                try Self.hostileBundle(items: n, object: object).write(
                    toFile: ws.scratch + "/b.json", atomically: true, encoding: .utf8)
            }
            #expect(
                ratio < Self.maxRatio,
                "\(arguments[0]): \(small.seconds) s at n, \(large.seconds) s at 4n: ratio \(ratio)")
            #expect(small.status == 1 && large.status == 1, "\(large.standardError.prefix(500))")
        }
    }

    /// An event of `n` history entries and `n` answers: each candidate looked its history up by
    /// filtering the whole history, so actions times entries.
    @Test func simulateReadsLargeEventsLinearly() throws {
        let golden = HostileWorkspace.repository + "/Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"
        let event =
            HostileWorkspace.repository + "/workspace-examples/lyon-municipales/events/porte-a-porte-soutien.json"
        let original = try String(contentsOfFile: event, encoding: .utf8)
        let (small, large, ratio) = try Self.ratio(
            ["simulate", "--bundle", golden, "--event", "e.json", "--format", "json"], size: 25_000
        ) { ws, n in
            var history = ""
            var answers = ""
            for index in 0..<n {
                history += #"{ "trigger": "t\#(index)", "template": "x\#(index % 50)", "at": "2025-11-12T10:00:00Z" },"#
                answers += #"{ "questionnaire": "porte-a-porte", "question": "q\#(index)", "answer": "a" },"#
            }
            let text =
                original
                .replacingOccurrences(of: #""history": ["#, with: #""history": ["# + history)
                .replacingOccurrences(of: #""answers": ["#, with: #""answers": ["# + answers)
            try text.write(toFile: ws.scratch + "/e.json", atomically: true, encoding: .utf8)
        }
        #expect(
            ratio < Self.maxRatio,
            "\(small.cpuSeconds) s of CPU (\(small.seconds) s) at n, \(large.cpuSeconds) s (\(large.seconds) s) at 4n: ratio \(ratio)"
        )
        #expect(small.status == 0 && large.status == 0, "\(large.standardError.prefix(500))")
    }

    /// A real bundle made larger: every template copied `n` times, digest recomputed, verified.
    @Test func aLargeLegitimateBundleVerifiesLinearly() throws {
        let golden = HostileWorkspace.repository + "/Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"
        guard
            case .object(var members) = try JSONParser().parse(
                Array(try Data(contentsOf: URL(fileURLWithPath: golden)))),
            case .object(let templates)? = members["templates"]
        else { throw HostileWorkspace.Failure(description: "the golden bundle has no templates") }
        members["digest"] = nil
        let (small, large, ratio) = try Self.ratio(["verify", "--bundle", "b.json"], size: 25) { ws, n in
            var copies: [String: JSONValue] = [:]
            for copy in 0..<n {
                for (id, template) in templates { copies["\(id)-\(copy)"] = template }
            }
            var bundle = members
            bundle["templates"] = .object(copies)
            try Data(BundleEmitter.emit(bundle)).write(to: URL(fileURLWithPath: ws.scratch + "/b.json"))
        }
        #expect(
            ratio < Self.maxRatio,
            "\(small.cpuSeconds) s of CPU (\(small.seconds) s) at n, \(large.cpuSeconds) s (\(large.seconds) s) at 4n: ratio \(ratio)"
        )
        #expect(small.status == 0 && large.status == 0, "\(large.standardError.prefix(500))")
    }
}
