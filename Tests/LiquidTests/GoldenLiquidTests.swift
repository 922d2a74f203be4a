import Liquid
import Testing

import Foundation

extension LiquidIssue {
    /// Whether the issue refuses a construct outside the subset (rather than reporting a mistake).
    var isRefusal: Bool {
        switch kind {
        case .unsupportedTag, .unsupportedFilter, .unsupportedSyntax: return true
        case .syntax, .unknownFilterArgument: return false
        }
    }
}

/// Runs the shared Golden Liquid suite (`<root>/../shared/conformance/golden_liquid.json`) when present.
///
/// A case is *inside* automail's subset when every golden tag it carries maps to `true` below; inside
/// cases must render exactly `result` (or fail when `invalid`). *Outside* cases must be refused at parse
/// time by an issue naming one of their unsupported tags or filters.
struct GoldenLiquidTests {
    /// Golden tag names and whether automail supports them.
    ///
    /// Tags that name a feature rather than a tag or filter:
    /// - `blank`, `empty`: the special literals; supported.
    /// - `strict`, `strict2`: the case checks Liquid's strict parsing (e.g. `{{ foo..bar }}` is an error);
    ///   automail always parses strictly, so these are inside the subset.
    /// - `absent`: the case checks that a feature Liquid lacks (`not`, `+`, `startswith`) is an error;
    ///   inside, and automail must refuse it.
    /// - `utc`: the case depends on the `date` filter's time zone; outside (and `date` is unsupported).
    static let supportedTags: [String: Bool] = {
        var tags: [String: Bool] = [
            "blank": true, "empty": true, "strict": true, "strict2": true, "absent": true, "utc": false,
        ]
        for tag in ["if", "unless", "case", "comment", "raw", "assign", "capture"] { tags[tag + " tag"] = true }
        for filter in [
            "default", "upcase", "downcase", "capitalize", "strip", "lstrip", "rstrip", "escape", "escape_once",
            "append", "prepend", "replace", "replace_first", "remove", "remove_first", "truncate", "size",
            "strip_newlines", "newline_to_br", "url_encode",
        ] { tags[filter + " filter"] = true }
        return tags
    }()

    /// Inside cases automail refuses on purpose, with the reason.
    static let deliberatelyRefused: [String: String] = [
        "tags, case, unexpected when token":
            "Liquid's lax parser silently drops a malformed `when`; automail parses strictly, like the strict2 variant"
    ]

    static var goldenURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/golden_liquid.json")
    }

    @Test func goldenLiquid() throws {
        guard let data = FileManager.default.contents(atPath: Self.goldenURL.path) else {
            print("golden liquid: skipped, \(Self.goldenURL.path) is absent")
            return
        }
        let suite = try JSONValue.parse(String(decoding: data, as: UTF8.self))
        var passed = 0, refused = 0
        var failures: [String] = []
        var refusedInside: [String] = []
        for test in suite["tests"]?.array ?? [] {
            let name = test["name"]?.string ?? "?"
            let template = test["template"]?.string ?? ""
            let tags = (test["tags"]?.array ?? []).compactMap(\.string)
            let parsed = LiquidTemplate.parse(template)
            let unsupported = tags.filter { Self.supportedTags[$0] != true }
            if !unsupported.isEmpty {
                // Outside: must be refused by an issue naming an unsupported tag or filter.
                let names = Set(
                    unsupported.map {
                        $0.replacingOccurrences(of: " tag", with: "").replacingOccurrences(of: " filter", with: "")
                    })
                let named = parsed.issues.contains { issue in
                    switch issue.kind {
                    case .unsupportedTag(let tag): return names.contains(tag)
                    case .unsupportedFilter(let filter): return names.contains(filter)
                    default: return false
                    }
                }
                if parsed.template == nil && named {
                    refused += 1
                } else {
                    failures.append(
                        "\(name): outside the subset (\(unsupported.joined(separator: ", "))) but not refused by name: \(parsed.issues.map(\.message))"
                    )
                }
                continue
            }
            if let reason = Self.deliberatelyRefused[name] {
                if parsed.template == nil {
                    refused += 1; refusedInside.append("\(name): \(reason)")
                } else {
                    failures.append("\(name): expected a deliberate refusal")
                }
                continue
            }
            let context = test["data"]?.liquid ?? .object([:])
            let outcome: Result<String, LiquidRenderError>? = parsed.template.map { $0.render(context) }
            if test["invalid"]?.bool == true {
                if case .success(let output)? = outcome {
                    failures.append("\(name): expected an error, rendered \(String(reflecting: output))")
                } else {
                    passed += 1
                }
                continue
            }
            let expected = test["results"]?.array?.compactMap(\.string) ?? [test["result"]?.string ?? ""]
            switch outcome {
            case .success(let output)? where expected.contains(output):
                passed += 1
            case .success(let output)?:
                failures.append(
                    "\(name): expected \(String(reflecting: expected[0])), rendered \(String(reflecting: output))")
            case .failure(let error)?:
                failures.append("\(name): render error \(error.message)")
            case nil:
                if parsed.issues.allSatisfy(\.isRefusal) {
                    refused += 1
                    refusedInside.append("\(name): \(parsed.issues.map(\.message).joined(separator: "; "))")
                } else {
                    failures.append("\(name): refused: \(parsed.issues.map(\.message))")
                }
            }
        }
        for line in refusedInside { print("golden liquid: refused inside the subset: \(line)") }
        for failure in failures { print("golden liquid: FAILED \(failure)") }
        print("golden liquid: \(passed) passed, \(refused) refused, \(failures.count) failed")
        #expect(failures.isEmpty)
    }
}
