import Foundation
import Testing

/// The review site shows when each email may go out: the workspace's zone, quiet hours, cap and
/// silences, and per trigger its lifetime and what quiet hours, silences and the cap do to it.
@Suite struct ReviewSiteTimingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theLyonReviewPagesShowTheTimingRules() throws {
        let scratch = try ScratchFolder()
        let run = try AutomailProcess.run(
            ["preview", "--all", Self.repository + "/workspace-examples/lyon-municipales", "--output", "site"],
            in: scratch.path)
        #expect(run.status == 0, "\(run.standardError)")
        let page = try #require(scratch.read("site/procuration.fr.html"))
        #expect(page.contains("<h2>When it may go out</h2>"))
        #expect(page.contains("Time zone: <code>Europe/Paris</code>"))
        #expect(page.contains("Quiet hours: 21:00–08:30"))
        #expect(page.contains("Frequency cap: at most 2 automatic emails per 7d"))
        #expect(
            page.contains(
                "No email from 2026-03-14 00:00 Europe/Paris until 2026-03-15 20:00 Europe/Paris: electoral silence"))
        // The procuration trigger stops at the end of Thursday 19 March (`until: 2026-03-19`).
        #expect(page.contains("until 2026-03-20 00:00 Europe/Paris; quiet hours:"), "\(page)")
    }

    @Test func aWorkspaceWithoutTimingRulesShowsNone() throws {
        let scratch = try ScratchFolder()
        let run = try AutomailProcess.run(
            ["preview", "--all", Self.repository + "/workspace-examples/riverside-tenants", "--output", "site"],
            in: scratch.path)
        #expect(run.status == 0, "\(run.standardError)")
        let pages = try scratch.contents("site").filter { $0.hasSuffix(".html") && $0 != "index.html" }
        #expect(!pages.isEmpty)
        for name in pages {
            #expect(scratch.read("site/" + name)?.contains("When it may go out") == false, "\(name)")
        }
    }
}
