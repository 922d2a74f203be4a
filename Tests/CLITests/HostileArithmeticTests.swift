import BundleFormat
import Foundation
import Testing

/// Integers that come from input, at their extremes, in every place automail does arithmetic on them:
/// Liquid filter arguments and indexes, durations, priorities, limit options, and the integers of a
/// bundle the runtime reads. Whatever the value, `check`, `build`, `preview`, `simulate` and `verify`
/// answer with a status (never a signal such as SIGILL from a trapped overflow) in bounded time
/// (SECURITY.md, issue 14 item 1).
@Suite struct HostileArithmeticTests {
    static let extremes = [
        "-9223372036854775808", "9223372036854775807", "-9223372036854775809", "99999999999999999999999",
    ]

    /// One Liquid output in a body, with `N` replaced by each extreme.
    static let liquidOutputs = [
        #"{{ "abcdef" | truncate: N }}"#,
        #"{{ "abcdef" | truncate: N, "......" }}"#,
        #"{{ "abcdef" | truncate: "N" }}"#,
        #"{{ contact.district | truncate: N }}"#,
        #"{{ contact.district | default: "abc" | truncate: N, "" }}"#,
        #"{{ contact.district[N] }}"#,
        #"{{ contact.district.size | truncate: N }}"#,
        #"{% if contact.district.size > N %}big{% endif %}"#,
        #"{% assign n = N %}{{ "abcdef" | truncate: n }}"#,
    ]

    /// A trigger line of `triggers/main.yaml` replaced, with `N` replaced by each extreme.
    static let triggerLines: [(old: String, new: String)] = [
        ("priority: 10", "priority: N"),
        ("priority: 10", "priority: -N"),
        ("delay: 2h", "delay: Nd"),
        ("delay: 2h", "delay: Nm"),
        ("once_per_contact: 30d", "once_per_contact: Nd"),
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String] = ["check", "ws"]
        var damage: @Sendable (HostileWorkspace) throws -> Void
        var testDescription: String { name }
    }

    static var workspaceCases: [Case] {
        var cases: [Case] = []
        for extreme in extremes {
            for template in liquidOutputs {
                let liquid = template.replacingOccurrences(of: "N", with: extreme)
                cases.append(
                    Case(name: liquid) { ws in
                        try ws.replace("templates/callback.yaml", "A volunteer will call you back soon.", liquid)
                    })
            }
            for (old, template) in triggerLines {
                let line = template.replacingOccurrences(
                    of: "N", with: extreme.hasPrefix("-") ? String(extreme.dropFirst()) : extreme)
                cases.append(
                    Case(name: "trigger `\(line)`") { ws in
                        try ws.replace("triggers/main.yaml", old, line)
                    })
            }
            let digits = extreme.hasPrefix("-") ? String(extreme.dropFirst()) : extreme
            for option in ["--max-file-size", "--max-workspace-size"] {
                for value in [digits, digits + "G", digits + "K", "-" + digits] {
                    cases.append(
                        Case(name: "check \(option) \(value)", arguments: ["check", "ws", option, value]) { _ in })
                }
            }
            for option in ["--max-files", "--max-diagnostics", "--jobs"] {
                cases.append(
                    Case(name: "check \(option) \(extreme)", arguments: ["check", "ws", option, extreme]) { _ in })
            }
            for format in ["eml", "text"] {
                cases.append(
                    Case(
                        name: "preview --date=\(extreme) --format \(format)",
                        arguments: ["preview", "callback", "ws", "--format", format, "--date=\(extreme)"]
                    ) { _ in })
            }
        }
        return cases
    }

    @Test(arguments: workspaceCases)
    func extremeIntegersInAWorkspaceAnswerWithAStatus(_ hostile: Case) throws {
        let ws = try HostileWorkspace()
        try hostile.damage(ws)
        // A workspace is checked and built: the build renders the templates in its own pass.
        var runs = [hostile.arguments]
        if hostile.arguments.first == "check" { runs.append(["build"] + hostile.arguments.dropFirst()) }
        for arguments in runs {
            let outcome = try BoundedProcess.run(arguments, in: ws.scratch, seconds: 60)
            #expect(!outcome.timedOut, "\(arguments): killed after 60 s: a hang")
            #expect(
                outcome.signal == nil,
                "\(arguments): ended by signal \(outcome.signal ?? 0)\n\(outcome.standardError.prefix(2000))")
            #expect([0, 1, 2, 64].contains(outcome.status), "\(arguments): \(outcome.standardError.prefix(2000))")
        }
    }

    /// The golden bundle with one member changed, digest recomputed: what a sender reads is not only
    /// what automail writes.
    static func bundle(_ change: (inout [String: JSONValue]) -> Void) throws -> [UInt8] {
        let golden = HostileWorkspace.repository + "/Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"
        guard
            case .object(var members) = try JSONParser().parse(
                Array(try Data(contentsOf: URL(fileURLWithPath: golden))))
        else { throw HostileWorkspace.Failure(description: "the golden bundle is not an object") }
        members["digest"] = nil
        change(&members)
        return BundleEmitter.emit(members)
    }

    /// Sets `key` of every action of every trigger to `value`.
    static func everyAction(_ key: String, _ value: JSONValue) -> @Sendable (inout [String: JSONValue]) -> Void {
        { members in
            guard case .object(var triggers)? = members["triggers"] else { return }
            for (name, list) in triggers {
                guard case .array(let actions) = list else { continue }
                triggers[name] = .array(
                    actions.map { action in
                        guard case .object(var fields) = action else { return action }
                        fields[key] = value
                        return .object(fields)
                    })
            }
            members["triggers"] = .object(triggers)
        }
    }

    /// Replaces `old` with `new` in every string of the bundle's templates.
    static func everyTemplateString(_ old: String, _ new: String) -> @Sendable (inout [String: JSONValue]) -> Void {
        @Sendable func rewrite(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): return .string(text.replacingOccurrences(of: old, with: new))
            case .array(let items): return .array(items.map(rewrite))
            case .object(let members): return .object(members.mapValues(rewrite))
            default: return value
            }
        }
        return { members in members["templates"] = members["templates"].map(rewrite) }
    }

    struct BundleCase: CustomTestStringConvertible, Sendable {
        var name: String
        var change: @Sendable (inout [String: JSONValue]) -> Void
        var testDescription: String { name }
    }

    static var bundleCases: [BundleCase] {
        var cases: [BundleCase] = []
        for value in [Int.min, Int.min + 1, -1, Int.max, Int.max - 1] {
            for key in ["priority", "delay_seconds", "once_per_contact_seconds"] {
                cases.append(BundleCase(name: "\(key) \(value)", change: everyAction(key, .int(value))))
            }
            cases.append(BundleCase(name: "format_minor \(value)") { $0["format_minor"] = .int(value) })
            cases.append(BundleCase(name: "format \(value)") { $0["format"] = .int(value) })
            cases.append(
                BundleCase(
                    name: "truncate: \(value) in every template",
                    change: everyTemplateString("{{ contact.firstname", "{{ contact.firstname | truncate: \(value)")))
            cases.append(
                BundleCase(
                    name: "index [\(value)] in every template",
                    change: everyTemplateString("{{ contact.firstname", "{{ contact.firstname[\(value)]")))
        }
        return cases
    }

    @Test(arguments: bundleCases)
    func extremeIntegersInABundleAnswerWithAStatus(_ hostile: BundleCase) throws {
        let ws = try HostileWorkspace()
        try Data(try Self.bundle(hostile.change)).write(to: URL(fileURLWithPath: ws.scratch + "/bundle.json"))
        let events = HostileWorkspace.repository + "/workspace-examples/lyon-municipales/events"
        for event in try FileManager.default.contentsOfDirectory(atPath: events).sorted().filter({
            $0.hasSuffix(".json")
        }).prefix(3) {
            for arguments in [["simulate", "--bundle", "bundle.json", "--event", events + "/" + event, "--html"]] {
                let outcome = try BoundedProcess.run(arguments, in: ws.scratch, seconds: 60)
                #expect(!outcome.timedOut, "\(event): killed after 60 s: a hang")
                #expect(
                    outcome.signal == nil,
                    "\(event): ended by signal \(outcome.signal ?? 0)\n\(outcome.standardError.prefix(2000))")
                #expect([0, 1].contains(outcome.status), "\(event): \(outcome.standardError.prefix(2000))")
            }
        }
        // `diff` reads both bundles and words their settings (durations, priorities).
        let golden = HostileWorkspace.repository + "/Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"
        for format in ["human", "json", "markdown"] {
            let diff = try BoundedProcess.run(
                ["diff", golden, "bundle.json", "--format", format], in: ws.scratch, seconds: 60)
            #expect(diff.signal == nil && !diff.timedOut, "diff: \(diff.standardError.prefix(2000))")
            #expect([0, 1, 2].contains(diff.status), "diff: \(diff.standardError.prefix(2000))")
        }
        let verified = try BoundedProcess.run(["verify", "--bundle", "bundle.json"], in: ws.scratch, seconds: 60)
        #expect(verified.signal == nil && !verified.timedOut)
        #expect(verified.status == 0, "\(verified.standardError.prefix(2000))")
    }

    /// Event times at the ends of the calendar, with the largest delay: the send time leaves the range
    /// and the runtime says so.
    @Test(arguments: [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
    ])
    func eventTimesAtTheEndsOfTheCalendar(_ time: String) throws {
        let ws = try HostileWorkspace()
        try Data(try Self.bundle(Self.everyAction("delay_seconds", .int(Int.max)))).write(
            to: URL(fileURLWithPath: ws.scratch + "/bundle.json"))
        let event =
            HostileWorkspace.repository + "/workspace-examples/lyon-municipales/events/porte-a-porte-soutien.json"
        var text = try String(contentsOfFile: event, encoding: .utf8)
        text = text.replacingOccurrences(of: "2026-03-02T18:30:00+01:00", with: time)
        try text.write(toFile: ws.scratch + "/event.json", atomically: true, encoding: .utf8)
        let outcome = try BoundedProcess.run(
            ["simulate", "--bundle", "bundle.json", "--event", "event.json"], in: ws.scratch, seconds: 60)
        #expect(outcome.signal == nil && !outcome.timedOut, "\(outcome.standardError.prefix(2000))")
        #expect([0, 1].contains(outcome.status), "\(outcome.standardError.prefix(2000))")
    }
}
