import Foundation
import Testing

/// What editors show from the schemas: every schema is valid draft-07, every `examples` value is valid
/// where it is given (an example that fails would teach a mistake), every object and property has a
/// `description` (items of plain values excepted), and the main objects offer `defaultSnippets` (VS Code's YAML extension inserts them)
/// and a `title`.
struct SchemaEditorSupportTests {
    static let schemas = ["automail", "questionnaire", "template", "triggers", "bundle", "diff"]

    /// Where a snippet must be offered: a new file of each kind, a template locale, a trigger, a
    /// question and its answers, the manifest's main lists.
    static let snippets: [(schema: String, pointer: String)] = [
        ("automail", ""), ("automail", "/properties/senders/items"), ("automail", "/properties/legal"),
        ("automail", "/properties/footer"), ("automail", "/properties/consent"),
        ("automail", "/properties/samples/items"),
        ("questionnaire", ""), ("questionnaire", "/properties/questions/items"),
        ("questionnaire", "/properties/questions/items/properties/answers/items"),
        ("template", ""), ("template", "/properties/locales/patternProperties/^[a-z]{2,3}(-[A-Z]{2})?$"),
        ("triggers", ""), ("triggers", "/properties/triggers/items"),
        ("triggers", "/properties/triggers/items/properties/when"),
    ]

    @Test func examplesAreValidAndEveryPartIsDescribed() throws {
        let script = """
            import json, sys
            import jsonschema
            failures = []
            checked = 0
            for name in sys.argv[1:]:
                root = json.load(open(f"schemas/{name}.schema.json", encoding="utf-8"))
                jsonschema.Draft7Validator.check_schema(root)
                def walk(node, pointer):
                    global checked
                    if not isinstance(node, dict):
                        return
                    plain_item = pointer.endswith("/items") and node.get("type") not in ("object", ["object", "null"])
                    if pointer and not plain_item and "description" not in node and "$ref" not in node:
                        failures.append(f"{name}#{pointer}: no description")
                    if pointer == "" and "title" not in node:
                        failures.append(f"{name}: no title")
                    for example in node.get("examples", []):
                        sub = dict(node)
                        sub["definitions"] = root.get("definitions", {})
                        checked += 1
                        for error in jsonschema.Draft7Validator(sub).iter_errors(example):
                            failures.append(f"{name}#{pointer}: example {json.dumps(example)[:60]}: {error.message}")
                    for key in ("properties", "patternProperties", "definitions"):
                        for child, value in node.get(key, {}).items():
                            walk(value, f"{pointer}/{key}/{child}")
                    if isinstance(node.get("items"), dict):
                        walk(node["items"], pointer + "/items")
                walk(root, "")
            print("\\n".join(failures))
            print(f"{checked} examples checked, {len(failures)} failures")
            sys.exit(1 if failures else 0)
            """
        let run = try Python.run(["-c", script] + Self.schemas)
        #expect(run.status == 0, "\(run.output)")
    }

    @Test(arguments: snippets.map { "\($0.schema)#\($0.pointer)" })
    func mainObjectsOfferSnippetsAndTitles(_ location: String) throws {
        let parts = location.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let schema = try SchemaAgreementTests.schema(String(parts[0]))
        let node = try #require(
            SchemaAgreementTests.resolve(String(parts[1]), in: schema) as? [String: Any], "\(location)")
        let snippets = try #require(
            node["defaultSnippets"] as? [[String: Any]], "\(location) offers no defaultSnippets")
        #expect(!snippets.isEmpty)
        for snippet in snippets {
            #expect(
                snippet["label"] is String && snippet["body"] != nil, "\(location): a snippet needs a label and a body")
        }
        #expect(node["title"] is String || node["description"] is String, "\(location)")
    }
}
