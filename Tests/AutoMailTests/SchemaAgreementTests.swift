import AutoMail
import Diagnostics
import Foundation
import Testing
import YAMLSource

/// The JSON Schemas of `schemas/` agree with the decoder: every kind of mapping the decoder reads has
/// exactly `WorkspaceDecoder.acceptedKeys[kind]` as its schema `properties`, with no other key allowed;
/// the kitchen-sink workspace uses every key of every kind, checks clean and validates against the
/// schemas (with `scripts/schemas/validate.py`, as the example workspaces do).
struct SchemaAgreementTests {
    /// Where each kind of mapping is described: the schema (`schemas/NAME.schema.json`) and the JSON
    /// pointer of its object schema there. Written out by hand so that a moved or renamed part of a
    /// schema fails here instead of being silently skipped.
    static let locations: [String: (schema: String, pointer: String)] = [
        "manifest": ("automail", ""),
        "sender": ("automail", "/properties/senders/items"),
        "legal": ("automail", "/properties/legal"),
        "consent": ("automail", "/properties/consent"),
        "brand": ("automail", "/properties/brand"),
        "logo": ("automail", "/properties/brand/properties/logo"),
        "purpose": ("automail", "/properties/consent/properties/purposes/items"),
        "contact_field": ("automail", "/properties/contact_fields/items"),
        "support_level": ("automail", "/properties/support_levels/items"),
        "task": ("automail", "/properties/tasks/items"),
        "sample": ("automail", "/properties/samples/items"),
        "questionnaire": ("questionnaire", ""),
        "question": ("questionnaire", "/properties/questions/items"),
        "answer": ("questionnaire", "/properties/questions/items/properties/answers/items"),
        "template": ("template", ""),
        "template_locale": ("template", "/properties/locales/patternProperties/^[a-z]{2,3}(-[A-Z]{2})?$"),
        "triggers": ("triggers", ""),
        "trigger": ("triggers", "/properties/triggers/items"),
        "when": ("triggers", "/properties/triggers/items/properties/when"),
        "timing": ("automail", "/properties/timing"),
        "quiet_hours": ("automail", "/properties/timing/properties/quiet_hours"),
        "frequency_cap": ("automail", "/properties/timing/properties/frequency_cap"),
        "blackout": ("automail", "/properties/timing/properties/blackouts/items"),
        "election": ("automail", "/properties/timing/properties/elections/items"),
        "active": ("triggers", "/properties/triggers/items/properties/active"),
    ]

    static let workspaceSchemas = ["automail", "questionnaire", "template", "triggers"]
    static let kinds = locations.keys.sorted()
    static let kitchenSink = Fixtures.root.appendingPathComponent("kitchen-sink")

    // MARK: Schemas

    static func schema(_ name: String) throws -> [String: Any] {
        let url = Fixtures.repositoryRoot.appendingPathComponent("schemas/\(name).schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The value at a JSON pointer (RFC 6901: `~1` is `/`, `~0` is `~`).
    static func resolve(_ pointer: String, in document: Any) -> Any? {
        var node: Any? = document
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = node as? [String: Any] {
                node = object[key]
            } else if let array = node as? [Any], let index = Int(key), array.indices.contains(index) {
                node = array[index]
            } else {
                return nil
            }
        }
        return node
    }

    @Test func everyKindOfTheDecoderHasASchemaLocation() {
        #expect(Set(WorkspaceDecoder.acceptedKeys.keys) == Set(Self.locations.keys))
        for (kind, keys) in WorkspaceDecoder.acceptedKeys {
            #expect(!keys.isEmpty, "`\(kind)` accepts no key")
            #expect(keys == keys.sorted(), "acceptedKeys[`\(kind)`] is not sorted")
        }
    }

    @Test(arguments: kinds)
    func schemaPropertiesAreExactlyTheAcceptedKeys(_ kind: String) throws {
        let (name, pointer) = try #require(Self.locations[kind])
        let object = try #require(
            Self.resolve(pointer, in: try Self.schema(name)) as? [String: Any],
            "no object schema at \(name).schema.json#\(pointer) for `\(kind)`")
        let properties = try #require(
            object["properties"] as? [String: Any], "\(name).schema.json#\(pointer) has no `properties`")
        #expect(
            properties.keys.sorted() == WorkspaceDecoder.acceptedKeys[kind],
            "\(name).schema.json#\(pointer) (`\(kind)`) has other keys than the decoder accepts")
        #expect(
            object["additionalProperties"] as? Bool == false,
            "\(name).schema.json#\(pointer) (`\(kind)`) must set `additionalProperties: false`")
        #expect(object["patternProperties"] == nil, "\(name).schema.json#\(pointer) (`\(kind)`) allows pattern keys")
        #expect(object["type"] as? String == "object")
    }

    /// Every object schema with fixed `properties` in a workspace schema is some decoder kind's: a
    /// schema object the table above forgets would escape the comparison.
    @Test(arguments: workspaceSchemas)
    func everyObjectOfTheSchemaIsADecoderKind(_ name: String) throws {
        var found: [String] = []
        func walk(_ node: Any, _ pointer: String) {
            guard let object = node as? [String: Any] else { return }
            if object["properties"] != nil { found.append(pointer) }
            func escape(_ key: String) -> String {
                key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            }
            for (key, child) in object["properties"] as? [String: Any] ?? [:] {
                walk(child, pointer + "/properties/" + escape(key))
            }
            for (key, child) in object["patternProperties"] as? [String: Any] ?? [:] {
                walk(child, pointer + "/patternProperties/" + escape(key))
            }
            if let items = object["items"] { walk(items, pointer + "/items") }
            if let additional = object["additionalProperties"] as? [String: Any] {
                walk(additional, pointer + "/additionalProperties")
            }
        }
        walk(try Self.schema(name), "")
        let expected = Self.locations.values.filter { $0.schema == name }.map(\.pointer)
        #expect(found.sorted() == expected.sorted())
    }

    @Test func schemaEnumsAreTheDecoderEnums() throws {
        let manifest = try Self.schema("automail")
        let questionnaire = try Self.schema("questionnaire")
        func enumeration(_ document: [String: Any], _ pointer: String) -> [String]? {
            (Self.resolve(pointer, in: document) as? [String: Any])?["enum"] as? [String]
        }
        #expect(
            enumeration(manifest, "/properties/consent/properties/mode") == ConsentMode.allCases.map(\.rawValue))
        #expect(
            enumeration(manifest, "/properties/contact_fields/items/properties/type")
                == ContactFieldType.allCases.map(\.rawValue))
        #expect(
            enumeration(questionnaire, "/properties/questions/items/properties/type")
                == QuestionType.allCases.map(\.rawValue))
    }

    // MARK: The kitchen sink

    /// The YAML of `file` as plain values: mappings `[String: Any]`, sequences `[Any]`, scalars `String`.
    static func plain(_ node: YAMLNode) -> Any {
        if let pairs = node.pairs {
            var object: [String: Any] = [:]
            for pair in pairs { object[pair.key.scalar?.text ?? ""] = plain(pair.value) }
            return object
        }
        if let items = node.items { return items.map(plain) }
        return node.scalar?.text ?? ""
    }

    /// The mappings a schema pointer describes in a document: `properties/K` follows key K, `items`
    /// every item, `patternProperties/P` and `additionalProperties` every value.
    static func instances(_ pointer: String, in document: Any) -> [[String: Any]] {
        var nodes: [Any] = [document]
        var tokens = pointer.split(separator: "/").map(String.init)[...]
        while let token = tokens.popFirst() {
            switch token {
            case "properties":
                let key = tokens.popFirst() ?? ""
                nodes = nodes.compactMap { ($0 as? [String: Any])?[key] }
            case "items":
                nodes = nodes.flatMap { $0 as? [Any] ?? [] }
            case "patternProperties", "additionalProperties":
                if token == "patternProperties" { _ = tokens.popFirst() }
                nodes = nodes.flatMap { ($0 as? [String: Any]).map { Array($0.values) } ?? [] }
            default:
                Issue.record("unexpected pointer token `\(token)` in \(pointer)")
                return []
            }
        }
        return nodes.compactMap { $0 as? [String: Any] }
    }

    static func loadKitchenSink() throws -> [SourceFile] {
        let loaded = try WorkspaceLoader.load(root: kitchenSink.path)
        #expect(Fixtures.describe(loaded.diagnostics) == "")
        return loaded.files
    }

    @Test func kitchenSinkUsesEveryKeyOfEveryKind() throws {
        var used: [String: Set<String>] = [:]
        for file in try Self.loadKitchenSink() {
            let schema: String
            switch file.path.split(separator: "/").first {
            case "automail.yaml": schema = "automail"
            case "questionnaires": schema = "questionnaire"
            case "templates": schema = "template"
            case "triggers": schema = "triggers"
            default: continue
            }
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(text.hasPrefix("# yaml-language-server: $schema="), "\(file.path) lacks the modeline")
            #expect(text.contains("every key"), "\(file.path) lacks the comment saying it uses every key")
            let parsed = YAMLParser.parse(file)
            let root = try #require(parsed.root, "\(file.path) does not parse")
            let document = Self.plain(root)
            for (kind, location) in Self.locations where location.schema == schema {
                for instance in Self.instances(location.pointer, in: document) {
                    used[kind, default: []].formUnion(instance.keys)
                }
            }
        }
        for kind in Self.kinds {
            let missing = Set(WorkspaceDecoder.acceptedKeys[kind] ?? []).subtracting(used[kind] ?? [])
            #expect(missing.isEmpty, "the kitchen sink never uses \(missing.sorted()) of `\(kind)`")
        }
    }

    /// Every key of the schemas is accepted (no AM201), and the whole workspace checks clean; decoding
    /// it also runs the decoder's debug check that it reads exactly its declared keys.
    @Test func kitchenSinkChecksClean() throws {
        let result = Compiler.check(try Self.loadKitchenSink())
        #expect(!result.diagnostics.contains { $0.code.rawValue == "AM201" })
        #expect(Fixtures.describe(result.diagnostics) == "")
    }

    @Test func kitchenSinkAndExamplesValidateAgainstTheSchemas() throws {
        let workspaces =
            [Self.kitchenSink.path]
            + ExampleBundleTests.examples.map {
                Fixtures.repositoryRoot.appendingPathComponent("workspace-examples/\($0)").path
            }
        let run = try Python.validate(["--workspace"] + workspaces)
        #expect(run.status == 0, "validate.py failed:\n\(run.output)")
        #expect(run.output.hasSuffix(" passed, 0 failed\n"), "\(run.output)")
    }
}

/// Runs `scripts/schemas/validate.py` with `python3`. Missing python3, PyYAML or jsonschema is a
/// failure with a clear message, never a skip: `scripts/test.sh` installs them.
enum Python {
    struct Run {
        var status: Int32
        var output: String
    }

    static let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/schemas/validate.py").path

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw Failure("cannot run python3 (\(error)): install Python 3, or run scripts/test.sh")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// `validate.py` with `arguments`, after checking that its modules import.
    static func validate(_ arguments: [String]) throws -> Run {
        let probe = try run(["-c", "import yaml, jsonschema"])
        guard probe.status == 0 else {
            throw Failure(
                "python3 cannot import PyYAML and jsonschema, which the schema tests need: run scripts/test.sh "
                    + "or `python3 -m pip install pyyaml jsonschema`.\n\(probe.output)")
        }
        return try run([script] + arguments)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Ids YAML would read as something else (`true`, `no`, `1e3`, `0x1f` unquoted) are kept as written, as
/// docs/workspace-format.md says: the decoder reads them as the ids they look like, and the schemas, as
/// editors apply them, accept them too.
struct UnquotedIDTests {
    static let questionnaire = """
        id: doors
        title: Door to door
        questions:
          - id: support
            type: single_choice
            label: Do you support us?
            answers:
              - id: true
                label: "Yes"
              - id: no
                label: "No"
              - id: 1e3
                label: A thousand
              - id: 0x1f
                label: Thirty-one
          - id: topics
            type: checkbox
            label: Topics
            answers:
              - id: housing
                label: Housing
          - id: remarks
            type: open_text
            label: Remarks

        """

    static func files() -> [String: String] {
        var files = RuleCatalog.baseWorkspace
        files["questionnaires/doors.yaml"] = questionnaire
        files["triggers/main.yaml"] = files["triggers/main.yaml"]?.replacingOccurrences(
            of: "answer: doors/support/yes", with: "answer: doors/support/true")
        return files
    }

    @Test func theDecoderKeepsThemAsWritten() throws {
        let file = SourceFile(path: "questionnaires/doors.yaml", text: Self.questionnaire)
        let root = try #require(YAMLParser.parse(file).root)
        var bag = DiagnosticBag()
        let decoded = try #require(WorkspaceDecoder.decodeQuestionnaire(root, file: file.path, into: &bag))
        #expect(bag.diagnostics.isEmpty)
        #expect(decoded.questions.first?.answers.map(\.id.value) == ["true", "no", "1e3", "0x1f"])
        let result = Compiler.check(Self.files().map { SourceFile(path: $0.key, text: $0.value) })
        #expect(Fixtures.describe(result.diagnostics) == "")
    }

    @Test func theSchemasAcceptThem() throws {
        let folder = try Fixtures.materialize(Self.files().mapValues { Data($0.utf8) })
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Python.validate(["--workspace", folder.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.hasSuffix(" passed, 0 failed\n"), "\(run.output)")
    }
}
