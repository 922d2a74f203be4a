import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// The one bundle reader at its two strictnesses: strict is what a sender loads, lenient what
/// `automail diff` compares (format 1, repeats, references and Liquid unchecked). Both read the same
/// members into the same model, record the members they did not read, and report problems as data.
struct BundleStrictnessTests {
    static func read(_ content: [String: JSONValue], _ strictness: RuntimeBundle.Strictness) throws(FormatProblem)
        -> RuntimeBundle.Reading
    {
        try RuntimeBundle.read(content: .object(content), strictness: strictness)
    }

    /// The content of a format-1 bundle: no `timing`, no timing member in an action.
    static func formatOne(_ content: [String: JSONValue]) -> [String: JSONValue] {
        var content = content
        content["format"] = .int(1)
        content["timing"] = nil
        if case .object(let triggers)? = content["triggers"] {
            content["triggers"] = .object(
                triggers.mapValues { actions in
                    guard case .array(let items) = actions else { return actions }
                    return .array(
                        items.map { item in
                            guard case .object(var members) = item else { return item }
                            for key in ["quiet_hours", "blackouts", "frequency_cap"] { members[key] = nil }
                            return .object(members)
                        })
                })
        }
        return content
    }

    static var builder: BundleBuilder {
        var builder = BundleBuilder()
        builder.bind("task:call", "call-back", template: "a", priority: 10, timing: ["quiet_hours": .string("drop")])
        return builder
    }

    @Test func bothStrictnessesReadACompiledBundleAlike() throws {
        let content = Self.builder.content
        let strict = try Self.read(content, .strict)
        let lenient = try Self.read(content, .lenient)
        var lenientBundle = lenient.bundle
        #expect(
            lenientBundle.purposeLabels == [
                "mobilisation": "mobilisation", "information": "information", "dons": "dons",
            ])
        lenientBundle.purposeLabels = [:]
        #expect(lenientBundle == strict.bundle)
        #expect(strict.bundle == (try RuntimeBundle(content: content)))
        // What neither reads; strict, a sender has no use for the purposes' labels either.
        #expect(Set(lenient.unread.keys) == [JSONPointer(["compiler"]), JSONPointer(["rendering"])])
        #expect(
            Set(strict.unread.keys)
                == Set(lenient.unread.keys).union(
                    (0..<3).map { JSONPointer(["consent", "purposes", String($0), "label"]) }))
    }

    @Test func unknownMembersAreRecordedWhereTheyAre() throws {
        var content = Self.builder.content
        content["workspace"] = .object([
            "id": .string("w"), "name": .string("W"), "owner": .object(["team": .string("x")]),
        ])
        content["variables"] = .array([
            .object(["name": .string("unsubscribe_url"), "type": .string("url"), "unit": .string("link")])
        ])
        let reading = try Self.read(content, .lenient)
        #expect(reading.unread[JSONPointer(["workspace", "owner"])] == .object(["team": .string("x")]))
        #expect(reading.unread[JSONPointer(["variables", "0", "unit"])] == .string("link"))
        #expect(reading.unread[JSONPointer(["globals", "fr"])] == nil, "globals are read whole")
    }

    @Test func lenientReadsFormatOneAndWhatOnlyAReviewerMeets() throws {
        var content = Self.formatOne(Self.builder.content)
        #expect(
            throws: FormatProblem(at: JSONPointer(["format"]), reason: .unsupportedFormat(found: 1, readable: 2...2))
        ) {
            try Self.read(content, .strict)
        }
        let reading = try Self.read(content, .lenient)
        #expect(reading.bundle.format == 1)
        #expect(reading.bundle.timing == .none)
        #expect(reading.bundle.triggers["task:call"]?.first?.quietHours == .defer)

        // A repeated trigger id, an unknown sender, a template without the default locale and Liquid
        // that does not parse: each refused strict, each read lenient.
        content = Self.builder.content
        let repeated = BundleBuilder.action("call-back", template: "b", priority: 5)
        let cases: [(path: [String], value: JSONValue?, strict: String)] = [
            (
                ["triggers", "task:again"], .array([repeated]),
                "at /triggers/task:call/0/trigger: the trigger `call-back` also appears at /triggers/task:again/0/trigger"
            ),
            (
                ["templates", "a", "sender"], .string("nobody"),
                "at /templates/a/sender: `nobody` is not a key of `senders`"
            ),
            (
                ["templates", "a", "locales", "fr"], nil,
                "at /templates/a/locales: the template has no content in the default locale `fr`"
            ),
            (
                ["templates", "b", "locales", "en", "subject"], .string("{% if %}"),
                "at /templates/b/locales/en/subject: the Liquid does not parse: "
            ),
        ]
        for item in cases {
            guard case .object(let changed) = Self.replacing(.object(content), at: item.path, with: item.value) else {
                continue
            }
            #expect {
                try Self.read(changed, .strict)
            } throws: { error in
                "\(error)".hasPrefix(item.strict)
            }
            #expect(throws: Never.self, "\(item.path)") { try Self.read(changed, .lenient) }
        }
    }

    @Test func problemsAreDataWordedByTheirReader() throws {
        var content = Self.builder.content
        content["templates"] = Self.replacing(content["templates"] ?? .null, at: ["a", "sender"], with: .int(3))
        let wrongKind = FormatProblem(
            at: JSONPointer(["templates", "a", "sender"]), reason: .wrongKind(expected: "a string", found: .integer))
        #expect(throws: wrongKind) { try Self.read(content, .lenient) }
        let missing = FormatProblem(at: JSONPointer(["workspace"]), reason: .missingMember("id"))
        #expect(missing.description == "at /workspace: the member `id` is missing")
        let wrong = FormatProblem(
            at: JSONPointer(["format"]), reason: .wrongKind(expected: "an integer", found: .string))
        #expect(wrong.description == "at /format: expected an integer, found a string")
        content["format"] = .int(3)
        #expect(
            throws: FormatProblem(at: JSONPointer(["format"]), reason: .unsupportedFormat(found: 3, readable: 1...2))
        ) {
            try Self.read(content, .lenient)
        }
    }

    /// `value` with the member at `path` replaced by `member` (removed when `nil`).
    static func replacing(_ value: JSONValue, at path: [String], with member: JSONValue?) -> JSONValue {
        guard let key = path.first, case .object(var members) = value else { return member ?? .null }
        if path.count == 1 {
            members[key] = member
        } else {
            members[key] = replacing(members[key] ?? .null, at: Array(path.dropFirst()), with: member)
        }
        return .object(members)
    }
}
