import AutomailRuntime
import BundleFormat
import BundleModel
import Foundation

/// The conformance kit (`conformance/`, conformance/README.md) as the tests read it: its cases, and what the
/// reference (`RuntimeBundle.load`, `RuntimeBundle.evaluate`) answers for a bundle, a key and an event, in
/// the form of a case's `expected` member.
enum ConformanceKit {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let root = repository + "/conformance"

    /// Why a case or an event line cannot be used (a broken kit, not a disagreement).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The case files, by name (`001-sent-answer.json`...), sorted.
    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/cases")) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func readJSON(_ path: String) throws -> JSONValue {
        try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// A path of the kit (`bundles/x.json`) made absolute; an absolute path is kept.
    static func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : root + "/" + relative
    }

    /// `{"decision": ...}`, `{"refused": CODE}` or `{"error": CODE}`: what the reference answers.
    static func referenceOutcome(bundle: String, publicKey: String?, event: JSONValue) throws -> JSONValue {
        var key: BundlePublicKey?
        if let publicKey {
            key = try BundlePublicKey(
                pem: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path(publicKey))), as: UTF8.self))
        }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path(bundle))))
        let loaded: RuntimeBundle
        do {
            loaded = try RuntimeBundle.load(bytes, publicKey: key)
        } catch {
            return .object(["refused": .string(code(error))])
        }
        let decoded: RuntimeEvent
        do {
            decoded = try RuntimeEvent(json: event)
        } catch {
            throw Failure(description: "the event is not valid: \(error)")
        }
        do {
            return .object(["decision": try loaded.evaluate(decoded).json])
        } catch {
            return .object(["error": .string(code(error))])
        }
    }

    /// The refusal codes of conformance/README.md.
    static func code(_ error: BundleLoadError) -> String {
        switch error {
        case .syntax: return "syntax"
        case .unsupportedFormat: return "unsupported_format"
        case .digestMismatch: return "digest_mismatch"
        case .malformed: return "malformed"
        case .signature(let failure):
            switch failure {
            case .digestMissing: return "malformed"
            case .digestMismatch: return "digest_mismatch"
            case .unsigned: return "unsigned"
            case .signatureMalformed: return "signature_malformed"
            case .wrongKey: return "wrong_key"
            case .badSignature: return "bad_signature"
            }
        }
    }

    /// The evaluation error codes of conformance/README.md.
    static func code(_ error: EvaluationError) -> String {
        error.code
    }

    /// Where two JSON values first differ (a JSON Pointer and both values, shortened), `nil` when equal.
    static func firstDifference(_ expected: JSONValue, _ actual: JSONValue, at pointer: String = "") -> String? {
        switch (expected, actual) {
        case (.object(let a), .object(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                guard let x = a[key], let y = b[key] else {
                    return "\(pointer)/\(key): present on one side only"
                }
                if let found = firstDifference(x, y, at: pointer + "/" + key) { return found }
            }
            return nil
        case (.array(let a), .array(let b)):
            for (index, (x, y)) in zip(a, b).enumerated() {
                if let found = firstDifference(x, y, at: "\(pointer)/\(index)") { return found }
            }
            return a.count == b.count ? nil : "\(pointer): \(a.count) items, \(b.count) items"
        default:
            guard expected != actual else { return nil }
            func short(_ value: JSONValue) -> String {
                let text = String(decoding: JSONWriter(pretty: false).write(value), as: UTF8.self)
                return text.count > 200 ? String(text.prefix(200)) + "…" : text
            }
            return "\(pointer.isEmpty ? "/" : pointer): \(short(expected)) vs \(short(actual))"
        }
    }

    /// Runs `ruby arguments` in the repository (scripts/test.sh installs ruby and ruby-liquid).
    static func ruby(_ arguments: [String], seconds: Double = 600) throws -> CapturedRun.Result {
        try CapturedRun.launch(
            URL(fileURLWithPath: "/usr/bin/env"), ["ruby"] + arguments, in: repository, environment: [:],
            seconds: seconds)
    }

    /// Runs `python3 arguments` in the repository.
    static func python(_ arguments: [String], seconds: Double = 600) throws -> CapturedRun.Result {
        try CapturedRun.launch(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: repository, environment: [:],
            seconds: seconds)
    }
}
