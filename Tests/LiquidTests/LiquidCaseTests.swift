import Liquid
import Testing

import Foundation

/// automail's own cases (`scripts/liquid/cases.yaml`), with outputs recorded from python-liquid by
/// `scripts/liquid/generate.py` into `Fixtures/cases.json`.
struct LiquidCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        var data: LiquidValue
        var result: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "cases", withExtension: "json", subdirectory: "Fixtures"),
            let data = FileManager.default.contents(atPath: url.path),
            let json = try? JSONValue.parse(String(decoding: data, as: UTF8.self))
        else { return [] }
        return (json.array ?? []).map { entry in
            Case(
                name: entry["name"]?.string ?? "?", template: entry["template"]?.string ?? "",
                data: entry["data"]?.liquid ?? .object([:]),
                result: entry["invalid"]?.bool == true ? nil : entry["result"]?.string)
        }
    }()

    @Test func fixturesAreLoaded() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases) func rendersLikePythonLiquid(_ testCase: Case) {
        let parsed = LiquidTemplate.parse(testCase.template)
        let outcome = parsed.template.map { $0.render(testCase.data) }
        guard let expected = testCase.result else {
            if case .success(let output)? = outcome {
                Issue.record("expected an error, rendered \(String(reflecting: output))")
            }
            return
        }
        #expect(parsed.issues.isEmpty, "\(parsed.issues.map(\.message))")
        if case .failure(let error)? = outcome { Issue.record("render error: \(error.message)") }
        if case .success(let output)? = outcome { #expect(output == expected) }
    }
}
