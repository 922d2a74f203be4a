import Foundation
import Testing

/// The integration recipes (docs/recipes/*.yml with action.yml, .pre-commit-hooks.yaml) run as written against
/// an example workspace by `scripts/recipes/run_recipes.py`: each installs the built `automail` from a release
/// archive made of it in seconds (`scripts/release.sh VERSION --binary`, not the slow static build) and served
/// by a stand-in for the download. A recipe whose command stopped working fails here.
@Suite struct RecipeTests {
    @Test(arguments: ["github", "gitlab", "pre-commit"])
    func recipeRunsAsWritten(_ recipe: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let run = try CapturedRun.launch(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", root.appendingPathComponent("scripts/recipes/run_recipes.py").path,
                "--automail", try AutomailProcess.executable().path, "--only", recipe,
            ],
            in: root.path, environment: [:], seconds: 600)
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("all recipe checks passed"), "\(run.standardOutput)")
    }
}
