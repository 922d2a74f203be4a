import BundleFormat
import Foundation
import Testing

/// Beyond the fixed cases: seeded random events (`scripts/conformance/random_events.py`) over the kit's
/// bundles, and bundles with one member removed or changed, evaluated by the reference
/// (`RuntimeBundle.evaluate`) and by the independent Python sender
/// (`conformance/python-sender/evaluate_events.py`); every answer must be equal (decision, refusal code or
/// evaluation error code). Where they disagree, docs/bundle-format.md or the evaluator is wrong.
@Suite struct ConformanceDifferentialTests {
    /// Generates the lines, runs both sides, and returns the number of lines and the disagreements.
    static func compare(seed: Int, count: Int, mutatedBundles: Bool, sender: Sender = .python) throws
        -> (lines: Int, disagreements: [String])
    {
        let scratch = try ScratchFolder()
        var arguments = ["scripts/conformance/random_events.py", "--seed", String(seed), "--count", String(count)]
        if mutatedBundles { arguments += ["--mutated-bundles", scratch.path] }
        let generated = try ConformanceKit.python(arguments)
        guard generated.status == 0 else {
            throw ConformanceKit.Failure(description: "random_events.py failed: \(generated.standardError)")
        }
        try scratch.write("events.jsonl", generated.standardOutput)
        let answered: CapturedRun.Result
        switch sender {
        case .python:
            answered = try ConformanceKit.python([
                "conformance/python-sender/evaluate_events.py", "conformance/", scratch.path + "/events.jsonl",
            ])
        case .ruby:
            answered = try ConformanceKit.ruby([
                "conformance/ruby-sender/run_kit.rb", "conformance/", scratch.path + "/events.jsonl",
            ])
        }
        guard answered.status == 0 else {
            throw ConformanceKit.Failure(description: "the \(sender) sender failed: \(answered.standardError)")
        }
        let lines = generated.standardOutput.split(separator: "\n")
        let answers = answered.standardOutput.split(separator: "\n")
        guard lines.count == count, answers.count == count else {
            throw ConformanceKit.Failure(
                description: "\(lines.count) events, \(answers.count) answers, \(count) expected")
        }
        var disagreements: [String] = []
        for (index, (line, answer)) in zip(lines, answers).enumerated() {
            guard case .object(let members) = try JSONParser().parse(String(line)),
                case .string(let bundle)? = members["bundle"], let event = members["event"]
            else { throw ConformanceKit.Failure(description: "line \(index + 1) is not {bundle, event}") }
            let reference = try ConformanceKit.referenceOutcome(bundle: bundle, publicKey: nil, event: event)
            if let difference = ConformanceKit.firstDifference(reference, try JSONParser().parse(String(answer))) {
                disagreements.append(
                    "line \(index + 1) (\(bundle)): reference vs \(sender) at \(difference)\n  \(line)")
            }
        }
        return (lines.count, disagreements)
    }

    /// The independent senders.
    enum Sender: String, CustomStringConvertible {
        case python, ruby
        var description: String { rawValue }
    }

    @Test func theRubySenderAgreesOnRandomEvents() throws {
        let (lines, disagreements) = try Self.compare(seed: 2026, count: 400, mutatedBundles: false, sender: .ruby)
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(lines) random events disagree:\n\(disagreements.prefix(5).joined(separator: "\n"))"
        )
    }

    @Test func theRubySenderAgreesOnBundlesWithOneMemberChanged() throws {
        let (lines, disagreements) = try Self.compare(seed: 7, count: 250, mutatedBundles: true, sender: .ruby)
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(lines) changed bundles disagree:\n\(disagreements.prefix(5).joined(separator: "\n"))"
        )
    }

    @Test func thePythonSenderAgreesOnRandomEvents() throws {
        let (lines, disagreements) = try Self.compare(seed: 2026, count: 400, mutatedBundles: false)
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(lines) random events disagree:\n\(disagreements.prefix(5).joined(separator: "\n"))"
        )
    }

    @Test func thePythonSenderAgreesOnBundlesWithOneMemberChanged() throws {
        let (lines, disagreements) = try Self.compare(seed: 7, count: 250, mutatedBundles: true)
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(lines) changed bundles disagree:\n\(disagreements.prefix(5).joined(separator: "\n"))"
        )
    }
}
