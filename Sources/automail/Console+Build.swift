import ArgumentParser
import AutoMail
import BundleFormat
import Diagnostics

extension Console {
    /// A workspace compiled in memory, for the commands that use its bundle without writing it.
    struct BuiltWorkspace {
        /// The compilation: diagnostics, samples.
        var result: CompilationResult
        /// The bundle bytes, as `build` would write them.
        var bundle: [UInt8]
        /// The bundle content (without `digest`).
        var content: JSONValue
    }

    /// Loads and builds the workspace at `root` for a preview, printing its diagnostics; exits 2 when
    /// it cannot be loaded, 1 when it has errors. Nothing reaches a contact: placeholders are warnings,
    /// as in `check`. `referenceTime` is "now" for the checks that compare with today (default: the clock, or
    /// `SOURCE_DATE_EPOCH`).
    static func build(_ root: String, useColor: Bool, referenceTime: Int = ReferenceTime.now()) throws -> BuiltWorkspace
    {
        let loaded = try load(root, useColor: useColor)
        let (result, diagnostics) = previewBuild(loaded, referenceTime: referenceTime)
        if !diagnostics.isEmpty {
            let reporter = HumanReporter(
                useColor: useColor, sources: loaded.filesByPath,
                pathPrefix: HumanReporter.pathPrefix(forWorkspace: root))
            writeError(reporter.render(diagnostics) + reporter.summary(diagnostics) + "\n")
        }
        if fails(diagnostics, strict: false) { throw ExitCode(ExitStatus.problems) }
        guard let bundle = result.bundle, let content = result.bundleContent else {
            writeError("error: internal: the compiler reported no error but produced no bundle\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
        return BuiltWorkspace(result: result, bundle: bundle, content: content)
    }

    /// The loaded workspace built for a preview, nothing printed: nothing reaches a contact, so
    /// placeholders stay warnings, as in `check`. The diagnostics are the loader's and the compiler's.
    static func previewBuild(
        _ loaded: LoadedWorkspace, referenceTime: Int = ReferenceTime.now()
    ) -> (result: CompilationResult, diagnostics: [Diagnostic]) {
        var options = BuildOptions()
        options.reachesContacts = false
        options.referenceTime = referenceTime
        let result = Compiler.build(loaded.files, options: options)
        return (result, merge(loaded.diagnostics, result.diagnostics))
    }
}
