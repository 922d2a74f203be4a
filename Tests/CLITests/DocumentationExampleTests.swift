import Foundation
import Testing

/// Every fenced block of README.md, CONTRIBUTING.md, ARCHITECTURE.md and docs/*.md is an example that runs as its text says:
/// YAML is checked in a scratch workspace, commands run with the built `automail`, shown output is compared
/// with what it prints, JSON is checked against its schema, copies against the file they copy. Each block
/// says what it is in an `<!-- example: … -->` comment (CONTRIBUTING.md, "Examples in the documentation");
/// a block without one fails, so no new example goes untested. A failure points at the block's line.
@Suite struct DocumentationExampleTests {
    /// Blocks (`file:line` of the opening fence) that fail today because of a compiler change in flight:
    /// they state the behaviour the documents promise. Empty this list as those changes land; a block listed
    /// here that passes fails the test, so the list cannot go stale.
    static let knownIssues: Set<String> = []

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// README.md, CONTRIBUTING.md, ARCHITECTURE.md and every docs/*.md, relative to the repository root.
    static func documents() -> [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: repository + "/docs")) ?? []
        return ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
            + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    @Test(arguments: documents())
    func examplesBehaveAsWritten(_ document: String) throws {
        let markdown = try String(contentsOfFile: Self.repository + "/" + document, encoding: .utf8)
        let blocks = DocumentationExample.blocks(in: markdown, file: document)
        let run = try DocumentationRun(repository: Self.repository)
        for block in blocks {
            let here = block.sourceLocation(repository: Self.repository)
            if let problem = block.annotationProblem {
                Issue.record(Comment(rawValue: problem), sourceLocation: here)
                continue
            }
            if Self.knownIssues.contains(block.description) {
                withKnownIssue("\(block): a compiler change in flight", sourceLocation: here) { try run.check(block) }
            } else {
                do { try run.check(block) } catch { Issue.record("\(block): \(error)", sourceLocation: here) }
            }
        }
        if let unchecked = run.uncheckedWorkspace {
            Issue.record(
                "\(unchecked): the workspace these files build is never checked: give its last file `expect:`",
                sourceLocation: unchecked.sourceLocation(repository: Self.repository))
        }
    }

    /// The roles of each document's blocks (printed, so a reviewer sees what runs); `not-run` stays rare, and
    /// every known issue names a block.
    @Test func fewExamplesGoUnrun() throws {
        var counts: [String] = []
        var blocks: [DocumentationExample] = []
        for document in Self.documents() {
            let markdown = try String(contentsOfFile: Self.repository + "/" + document, encoding: .utf8)
            let found = DocumentationExample.blocks(in: markdown, file: document)
            let roles = Dictionary(grouping: found, by: { $0.annotation?.role ?? "none" }).mapValues(\.count)
            let summary = roles.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            counts.append("\(document): \(found.count) blocks: \(summary)")
            blocks += found
        }
        print(counts.joined(separator: "\n"))
        let notRun = blocks.filter { $0.annotation?.role == "not-run" }
        #expect(notRun.count * 8 <= blocks.count, "`not-run` is for the few blocks nothing can check: \(notRun)")
        let strays = Self.knownIssues.subtracting(blocks.map(\.description)).sorted()
        #expect(strays.isEmpty, "known issues that name no block (`file:line` of an opening fence): \(strays)")
    }
}
