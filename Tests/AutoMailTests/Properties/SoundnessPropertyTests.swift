@testable import AutoMail
import AutomailRuntime
import BundleFormat
import BundleModel
import Diagnostics
import Foundation
import Liquid
import Testing

/// automail's guarantees, for every contact, on seeded random workspaces (docs/fuzzing.md, "Property
/// tests"):
///
/// - on valid workspaces (``WorkspaceGenerator``): `check` is clean, `build` gives a bundle, the runtime
///   loads it, every template renders in every locale for every contact, and each email shows the
///   publisher, the postal address, the data-origin notice, the privacy and unsubscribe links (HTML with
///   visible text, text part, `List-Unsubscribe`), has a subject and no Liquid delimiter
///   (``MentionOracle``), and python-liquid (the Python sender) renders the same bytes;
/// - on mutated workspaces (``Mutation``), each of which may lose a mention for some contact: `check`
///   reports an error, or every email of a battery of contacts still keeps every guarantee.
///
/// The normal suite runs fixed seeds with bounded work; `AUTOMAIL_PROPERTY_RUNS=N` runs N workspaces
/// (from `AUTOMAIL_PROPERTY_SEED`, default 1) in each test instead.
@Suite struct SoundnessPropertyTests {
    /// Failures known today and being fixed in the compiler: a workspace holding one of these shapes,
    /// or a mutation of this name, fails as expected and is counted as known, not as a failure. Empty
    /// the set as the fixes land (a known name that no longer fails is printed).
    static let knownFindings: Set<String> = []

    /// The number of workspaces from the environment (`AUTOMAIL_PROPERTY_RUNS`), if set.
    static var requestedRuns: Int? {
        ProcessInfo.processInfo.environment["AUTOMAIL_PROPERTY_RUNS"].flatMap { Int($0) }
    }

    /// The seeds of a run: fixed ones, or `AUTOMAIL_PROPERTY_RUNS` from `AUTOMAIL_PROPERTY_SEED`.
    static func seeds(fixed: [UInt64]) -> [UInt64] {
        guard let runs = requestedRuns else { return fixed }
        let first = ProcessInfo.processInfo.environment["AUTOMAIL_PROPERTY_SEED"].flatMap { UInt64($0) } ?? 1
        return (0..<UInt64(max(0, runs))).map { first + $0 }
    }

    /// With `AUTOMAIL_PROPERTY_DUMP=FOLDER`, writes the workspace of a failure to FOLDER/NAME, to reproduce
    /// it with `automail check` and `automail preview`.
    static func dump(_ workspace: GeneratedWorkspace, name: String) {
        guard let root = ProcessInfo.processInfo.environment["AUTOMAIL_PROPERTY_DUMP"] else { return }
        for (path, text) in workspace.files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(name).appendingPathComponent(path)
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: url)
        }
    }

    /// The known findings among the shapes of `workspace`, in a fixed order (a failure is counted under the first).
    static func knownShapes(of workspace: GeneratedWorkspace) -> [String] {
        Shape.allCases.filter { workspace.shapes.contains($0) }.map(\.rawValue).filter(knownFindings.contains)
    }

    /// Contacts rendered per valid workspace.
    static let contactsPerWorkspace = 6

    @Test func validWorkspacesKeepEveryGuaranteeForEveryContact() throws {
        var report = PropertyReport()
        var python = PythonRenderings()
        var shapes: [Shape: Int] = [:]
        for seed in Self.seeds(fixed: Array(1...12)) {
            var generator = WorkspaceGenerator(seed: seed)
            let workspace = generator.workspace()
            report.workspaces += 1
            for shape in workspace.shapes { shapes[shape, default: 0] += 1 }
            let known = Self.knownShapes(of: workspace)
            func fail(_ message: String) {
                report.record(seed: seed, message, known: known)
                Self.dump(workspace, name: "seed-\(seed)")
            }
            let files = workspace.sources.map { SourceFile(path: $0.path, text: $0.text) }
            let checked = Compiler.check(files)
            if checked.hasErrors {
                fail(
                    "check refuses a valid workspace:\n"
                        + Fixtures.describe(checked.diagnostics.filter { $0.severity == .error }))
                continue
            }
            let built = Compiler.build(files)
            guard let bytes = built.bundle else {
                fail("check is clean but build gives no bundle:\n" + Fixtures.describe(built.diagnostics))
                continue
            }
            let bundle: RuntimeBundle
            do {
                bundle = try RuntimeBundle.load(bytes)
            } catch {
                fail("the runtime refuses the bundle: \(error)")
                continue
            }
            // Long runs compare in batches, to bound the memory the kept renderings take.
            if python.expected.count >= PythonRenderings.batchLimit {
                try python.compare { seed, known, message in report.record(seed: seed, message, known: known) }
                python = PythonRenderings()
            }
            let bundleName = python.add(bundle: bytes)
            var contacts = ContactGenerator(seed: seed &* 7919)
            let oracle = MentionOracle(workspace)
            for _ in 0..<Self.contactsPerWorkspace {
                let contact = contacts.contact(workspace.fields)
                for template in workspace.templateIDs {
                    for locale in workspace.locales {
                        report.renderings += 1
                        let email: RenderedEmail
                        do {
                            email = try bundle.render(
                                template: template, locale: locale, contact: contact.values,
                                unsubscribeURL: contact.unsubscribeURL)
                        } catch {
                            fail("\(template) (\(locale)) does not render for \(contact.summary): \(error)")
                            continue
                        }
                        if ProcessInfo.processInfo.environment["AUTOMAIL_PROPERTY_DEBUG"] == "\(seed)",
                            !oracle.violations(of: email, unsubscribeURL: contact.unsubscribeURL).isEmpty
                        {
                            print(
                                "DEBUG HTML\n\(email.html)\nDEBUG VISIBLE\n\(HTMLView(email.html).text)\nDEBUG TEXT\n\(email.text)"
                            )
                        }
                        for problem in oracle.violations(of: email, unsubscribeURL: contact.unsubscribeURL) {
                            fail("\(template) (\(locale)), contact \(contact.summary): \(problem)")
                        }
                        python.add(
                            seed: seed, known: known, bundle: bundleName, template: template, locale: locale,
                            contact: contact, email: email)
                    }
                }
            }
        }
        try python.compare { seed, known, message in report.record(seed: seed, message, known: known) }
        print(
            "SoundnessPropertyTests shapes (workspaces holding each): "
                + Shape.allCases.map { "\($0.rawValue) \(shapes[$0] ?? 0)" }.joined(separator: ", "))
        report.finish("valid workspaces", knownNames: Self.knownFindings.filter { Shape(rawValue: $0) != nil })
    }

    @Test func mutatedWorkspacesAreRefusedOrKeepEveryMention() throws {
        var report = PropertyReport()
        var outcomes: [Mutation: (refused: Int, kept: Int, lost: Int)] = [:]
        // Bases are drawn from consecutive seeds until enough of them hold no known finding.
        let wanted = Self.requestedRuns ?? 5
        let first =
            Self.requestedRuns == nil
            ? 101 : ProcessInfo.processInfo.environment["AUTOMAIL_PROPERTY_SEED"].flatMap { UInt64($0) } ?? 1
        var seed = first - 1
        while report.workspaces < wanted, seed < first + UInt64(wanted) * 5 {
            seed += 1
            var generator = WorkspaceGenerator(seed: seed)
            let base = generator.workspace()
            let baseKnown = Self.knownShapes(of: base)
            // A base that already fails (a known finding) or that check refuses says nothing about a
            // mutation: the other test reports it.
            guard baseKnown.isEmpty,
                !Compiler.check(base.sources.map { SourceFile(path: $0.path, text: $0.text) }).hasErrors
            else {
                report.skippedBases += 1
                continue
            }
            report.workspaces += 1
            var random = SeededGenerator(seed: seed &* 104_729)
            let battery = ContactGenerator.battery(base.fields)
            for mutation in Mutation.allCases {
                guard let mutated = mutation.apply(to: base, random: &random) else { continue }
                let known = baseKnown + (Self.knownFindings.contains(mutation.rawValue) ? [mutation.rawValue] : [])
                let files = mutated.sources.map { SourceFile(path: $0.path, text: $0.text) }
                if Compiler.check(files).hasErrors {
                    outcomes[mutation, default: (0, 0, 0)].refused += 1
                    continue
                }
                var losses: [String] = []
                let built = Compiler.build(files)
                if let bytes = built.bundle {
                    do {
                        let bundle = try RuntimeBundle.load(bytes)
                        let oracle = MentionOracle(mutated)
                        for contact in battery {
                            for template in mutated.templateIDs {
                                for locale in mutated.locales {
                                    report.renderings += 1
                                    do {
                                        let email = try bundle.render(
                                            template: template, locale: locale, contact: contact.values,
                                            unsubscribeURL: contact.unsubscribeURL)
                                        losses += oracle.violations(of: email, unsubscribeURL: contact.unsubscribeURL)
                                            .map { "\(template) (\(locale)), contact \(contact.summary): \($0)" }
                                    } catch {
                                        losses.append("\(template) (\(locale)) does not render: \(error)")
                                    }
                                }
                            }
                        }
                    } catch {
                        losses.append("the runtime refuses the bundle: \(error)")
                    }
                } else {
                    losses.append("check is clean but build gives no bundle:\n" + Fixtures.describe(built.diagnostics))
                }
                if !losses.isEmpty { Self.dump(mutated, name: "seed-\(seed)-\(mutation.rawValue)") }
                if losses.isEmpty {
                    outcomes[mutation, default: (0, 0, 0)].kept += 1
                } else {
                    outcomes[mutation, default: (0, 0, 0)].lost += 1
                    report.record(
                        seed: seed,
                        "mutation `\(mutation.rawValue)`: check reports no error, yet \(losses[0])"
                            + (losses.count > 1 ? " (and \(losses.count - 1) more)" : ""),
                        known: known)
                }
            }
        }
        let table = Mutation.allCases.map { m in
            let o = outcomes[m] ?? (0, 0, 0)
            return "  \(m.rawValue): refused \(o.refused), kept \(o.kept), lost \(o.lost)"
        }
        print(
            "SoundnessPropertyTests mutations (refused by check / not refused but every mention kept / lost):\n"
                + table.joined(separator: "\n"))
        report.finish("mutated workspaces", knownNames: Self.knownFindings.filter { Mutation(rawValue: $0) != nil })
    }
}
