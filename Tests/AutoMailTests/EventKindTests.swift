import BundleFormat
import Foundation
import Testing

@testable import AutoMail

/// ``EventKind`` is the one list of trigger kinds. What derives from it needs no test; what repeats it (the
/// schemas, the documentation, the conformance senders, the decoder's cases) is checked against it here, so
/// that a new kind fails these tests until every place names it (CONTRIBUTING.md, "Adding a trigger kind").
@Suite struct EventKindTests {
    /// A `when:` value of each kind and the bundle event key it makes.
    static let examples: [EventKind: (value: String, key: String)] = [
        .answer: ("doors/support/yes", "answer:doors/support/yes"),
        .supportLevel: ("supporter", "support_level:supporter"),
        .task: ("call-back", "task:call-back"),
    ]

    static let yamlKeys = EventKind.allCases.map(\.yamlKey)

    static func text(_ path: String) throws -> String {
        try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(path)))
                as? [String: Any])
    }

    // MARK: The compiler

    /// The decoder reads every kind under `when:`, into the event of that kind and its bundle key.
    @Test(arguments: EventKind.allCases)
    func theDecoderReadsEveryKind(_ kind: EventKind) throws {
        let example = try #require(Self.examples[kind], "add an example of `\(kind.yamlKey)` to `examples`")
        #expect(kind.key(example.value) == example.key)
        let (triggers, found) = triggerDiagnostics(triggerFile("when:\n  \(kind.yamlKey): \(example.value)"))
        #expect(found.isEmpty, "\(found.map(\.message))")
        let event = try #require(triggers.first?.event)
        #expect(event.kind == kind)
        #expect(event.key == example.key)
        #expect(EventKind.parse(key: example.key)?.kind == kind)
    }

    /// The help of a `when:` without an event lists every kind.
    @Test func theDecoderHelpListsEveryKind() {
        let (_, found) = triggerDiagnostics(triggerFile("when: {}"))
        let help = found.first?.help ?? ""
        for kind in EventKind.allCases {
            #expect(help.contains("`\(kind.yamlKey): "), "the help of AM209 does not name `\(kind.yamlKey)`: \(help)")
        }
    }

    // MARK: Schemas

    /// schemas/triggers.schema.json: `when`'s properties (also checked by `SchemaAgreementTests`), its
    /// examples, its editor snippets, its Markdown description, and a "New … trigger" snippet for each kind.
    @Test func theTriggerSchemaHasEveryKind() throws {
        let schema = try Self.json("schemas/triggers.schema.json")
        let trigger = try #require(
            SchemaAgreementTests.resolve("/properties/triggers/items", in: schema) as? [String: Any])
        let when = try #require((trigger["properties"] as? [String: Any])?["when"] as? [String: Any])
        #expect(Set(((when["properties"] as? [String: Any]) ?? [:]).keys) == Set(Self.yamlKeys))
        let examples = (when["examples"] as? [[String: Any]]) ?? []
        #expect(examples.flatMap(\.keys) == Self.yamlKeys, "`when.examples`: one a kind, in EventKind's order")
        let snippets = (when["defaultSnippets"] as? [[String: Any]]) ?? []
        #expect(
            snippets.compactMap { ($0["body"] as? [String: Any])?.keys.first } == Self.yamlKeys,
            "`when.defaultSnippets`: one a kind, in EventKind's order")
        let markdown = (when["markdownDescription"] as? String) ?? ""
        let listed = markdown.split(separator: "\n").filter { $0.hasPrefix("- `") }
            .map { $0.dropFirst(3).prefix { $0 != "`" } }.map(String.init)
        #expect(listed == Self.yamlKeys, "`when.markdownDescription` lists \(listed)")
        let description = (when["description"] as? String) ?? ""
        for key in Self.yamlKeys {
            #expect(description.contains(key), "`when.description` does not name `\(key)`")
        }
        let triggerSnippets = (trigger["defaultSnippets"] as? [[String: Any]]) ?? []
        let snippetKinds = triggerSnippets.compactMap {
            (($0["body"] as? [String: Any])?["when"] as? [String: Any])?.keys.first
        }
        #expect(
            snippetKinds == Self.yamlKeys, "the triggers' \"New … trigger\" snippets: one a kind, in EventKind's order")
    }

    /// schemas/event.schema.json: the encounter's members are the kinds' ``EventKind/encounterMember``.
    @Test func theEventSchemaHasEveryKind() throws {
        let schema = try Self.json("schemas/event.schema.json")
        let encounter = try #require(
            SchemaAgreementTests.resolve("/properties/encounter", in: schema) as? [String: Any])
        let members = Set(((encounter["properties"] as? [String: Any]) ?? [:]).keys)
        #expect(members == Set(EventKind.allCases.map(\.encounterMember)))
    }

    // MARK: Lists in prose

    /// The kinds as the documents write them: bundle key prefixes (`` `task:` ``, `task:id`) and `when:` keys
    /// (`` `task` ``).
    static let spellings: [[String]] = [
        EventKind.allCases.map(\.keyPrefix), EventKind.allCases.map { "`\($0.yamlKey)`" },
    ]

    /// The texts that list the kinds: a paragraph of the documents, a line of the schemas.
    static func listings() throws -> [(place: String, text: String)] {
        var listings: [(String, String)] = []
        let documents = [
            "README.md", "docs/workspace-format.md", "docs/bundle-format.md", "docs/diff.md", "docs/diagnostics.md",
        ]
        for document in documents {
            for (index, paragraph) in try text(document).components(separatedBy: "\n\n").enumerated() {
                listings.append(("\(document), paragraph \(index + 1)", paragraph))
            }
        }
        for schema in ["bundle", "diff", "event", "triggers", "decision"] {
            let path = "schemas/\(schema).schema.json"
            for (index, line) in try text(path).split(separator: "\n").enumerated() {
                listings.append(("\(path):\(index + 1)", String(line)))
            }
        }
        return listings
    }

    /// A paragraph of the documentation or a line of a schema that names two kinds names all of them.
    @Test func everyListOfKindsIsComplete() throws {
        var lists = 0
        for (place, text) in try Self.listings() {
            for spelling in Self.spellings {
                let named = spelling.filter { text.contains($0) }
                guard named.count >= 2 else { continue }
                lists += 1
                let missing = spelling.filter { !text.contains($0) }
                #expect(missing.isEmpty, "\(place) lists event kinds without \(missing)")
            }
        }
        #expect(lists >= 8, "the lists of event kinds were not found (\(lists))")
    }

    /// docs/workspace-format.md's commented `triggers` file says what `when:` holds.
    @Test func theWorkspaceFormatNamesEveryKind() throws {
        let text = try Self.text("docs/workspace-format.md")
        #expect(text.contains("# required: exactly one of \(Self.yamlKeys.joined(separator: ", "))\n"))
    }

    // MARK: Conformance senders

    /// The Python and Ruby senders build the event keys of every kind from its encounter member.
    @Test(arguments: ["conformance/python-sender/automail_sender.py", "conformance/ruby-sender/automail_sender.rb"])
    func theSendersReadEveryKind(_ path: String) throws {
        let source = try Self.text(path)
        let start = try #require(source.range(of: "event_keys(encounter)"), "\(path) has no `event_keys(encounter)`")
        let end = source.range(of: "\n\n", range: start.upperBound..<source.endIndex)?.lowerBound ?? source.endIndex
        let body = source[start.upperBound..<end]
        for kind in EventKind.allCases {
            #expect(body.contains("\"\(kind.keyPrefix)"), "\(path): `event_keys` makes no `\(kind.keyPrefix)` key")
            #expect(
                body.contains("\"\(kind.encounterMember)\"") || body.contains("'\(kind.encounterMember)'"),
                "\(path): `event_keys` does not read `encounter.\(kind.encounterMember)`")
        }
    }
}
