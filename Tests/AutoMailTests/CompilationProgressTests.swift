@testable import AutoMail
import BundleFormat
import Testing

/// The counts `check` and `build` show on a terminal: a compilation ends with every file read and, in a
/// build, every template rendered; counting changes nothing in the bundle.
struct CompilationProgressTests {
    @Test func aBuildCountsEveryFileAndTemplateAndWritesTheSameBundle() throws {
        for (name, files) in try BundleSchemaTests.workspaces() {
            let plain = Compiler.build(files, options: BuildOptions(revision: "r"))
            for (parallelism, batch) in [(1, 1), (2, 3), (1, 256)] {
                var options = BuildOptions(revision: "r", parallelism: parallelism)
                options.streamingBatchSize = batch
                let progress = CompilationProgress()
                options.progress = progress
                var sink = BundleBytes()
                let result = try Compiler.build(files, options: options, into: &sink)
                #expect(sink.bytes == plain.bundle, "\(name)")
                let counts = progress.snapshot
                let templates = result.summary?.templates ?? -1
                #expect(counts.files == files.count && counts.filesRead == files.count, "\(name): \(counts)")
                #expect(counts.templates == templates && counts.templatesRendered == templates, "\(name): \(counts)")
                #expect(templates > 0, "\(name)")
            }
        }
    }

    @Test func aCheckCountsFilesAndRendersNoTemplateForTheBundle() throws {
        for (name, files) in try BundleSchemaTests.workspaces() {
            var options = BuildOptions()
            let progress = CompilationProgress()
            options.progress = progress
            let result = Compiler.check(files, options: options)
            #expect(result.summary == nil, "\(name): a check writes no bundle")
            #expect(progress.snapshot.filesRead == files.count && progress.snapshot.templates == 0, "\(name)")
        }
    }

    @Test func theSummaryCountsTemplatesLocalesAndTriggers() throws {
        for (name, files) in try BundleSchemaTests.workspaces() {
            let result = Compiler.build(files, options: BuildOptions(revision: "r"))
            let bundle = try #require(result.bundle)
            guard case .object(let content)? = try? JSONParser().parse(bundle),
                case .object(let templates)? = content["templates"],
                case .object(let locales)? = content["locales"], case .array(let all)? = locales["all"]
            else {
                Issue.record("\(name): not a bundle")
                continue
            }
            #expect(result.summary?.templates == templates.count, "\(name)")
            #expect(result.summary?.locales == all.count, "\(name)")
        }
    }
}
