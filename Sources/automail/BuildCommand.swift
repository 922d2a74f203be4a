import ArgumentParser
import Diagnostics
import AutoMail
import BundleFormat

/// `automail build [WORKSPACE] [--output FILE] [--revision REV] [--strict] [--sign KEY] [--format F] [--report FILE]`:
/// writes the bundle (signed with KEY when given) to FILE (atomically) or to stdout; diagnostics go to
/// stderr in any format (stdout is the bundle's), or to `--report FILE`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a workspace into one deterministic JSON rule bundle.",
        discussion: """
            The bundle goes to stdout (or --output FILE); diagnostics go to stderr in any format, or to \
            --report FILE. Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 bad usage, \
            3 internal failure (docs/diagnostics.md).
            """
    )

    @Argument(help: "The workspace folder: the one that holds automail.yaml.")
    var workspace: String = "."

    @Option(name: .shortAndLong, help: "Write the bundle to this file (atomically) instead of stdout.")
    var output: String?

    @Option(help: "The source revision recorded in the bundle (default: the git commit of the workspace).")
    var revision: String?

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(
        help:
            "Sign the bundle with this Ed25519 private key: a PEM file only its owner can read (automail keygen), or env:VAR. See docs/signing.md."
    )
    var sign: String?

    @Option(
        help: """
            Keep each template's result in this folder (created if missing; .automail/cache is a good place) \
            and reuse it while the template, the manifest, the layouts and automail are unchanged. The \
            bundle is the same with or without it.
            """)
    var cache: String?

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var report: ReportOptions

    @OptionGroup var execution: RunOptions

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        if let output, let problem = OutputFile.missingDirectory(for: output) {
            Console.writeLine("error: cannot write `\(output)`: no directory `\(problem)`")
            throw ExitCode(ExitStatus.usage)
        }
        let signingKey = try sign.map(KeyFile.privateKey)
        let useColor = color.isEnabled(forDescriptor: Console.standardError)
        let started = ContinuousClock.now
        let progress = execution.progressLine()
        let loaded: LoadedWorkspace
        do {
            loaded = try Console.load(
                workspace, useColor: useColor, limits: limits.loadLimits, parallelism: execution.threads)
        } catch {
            progress.finish()
            throw error
        }
        var options = BuildOptions(
            revision: revision ?? WorkspaceLoader.gitRevision(of: loaded.root), limits: limits.yamlLimits,
            parallelism: execution.threads)
        options.progress = progress.progress
        options.referenceTime = ReferenceTime.now()
        var cacheFolder: CacheFolder?
        if let cache {
            if let folder = CacheFolder(path: cache) {
                options.templateCache = TemplateCache(store: folder)
                cacheFolder = folder
            } else {
                Console.writeLine("warning: cannot use `\(cache)` as a cache folder: building without a cache")
            }
        }
        // The bundle streams into its file (or into memory for stdout) as it is lowered: it is never
        // held whole as a value. The file is put in place only once the diagnostics allow it.
        var file: OutputFile.AtomicFile?
        var memory = BundleBytes()
        let result: CompilationResult
        var bundleSize = 0
        do {
            defer {
                progress.finish()
                // The entries this build made are put in place whatever the build's outcome: each is a
                // template the rules found nothing in.
                cacheFolder?.commit()
            }
            if let output {
                var sink = CountingSink(OutputFile.AtomicFile(path: output))
                defer { (file, bundleSize) = (sink.base, sink.count) }
                result = try Compiler.build(loaded.files, options: options, signingKey: signingKey, into: &sink)
            } else {
                result = try Compiler.build(loaded.files, options: options, signingKey: signingKey, into: &memory)
                bundleSize = memory.bytes.count
            }
        } catch {
            file?.abandon()
            Console.writeLine("error: internal: cannot sign the bundle: \(error)")
            throw ExitCode(ExitStatus.internalFailure)
        }
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        do {
            try report.write(
                diagnostics, suppressed: result.suppressed, loaded: loaded, workspace: workspace, color: color,
                maxDiagnostics: execution.maxDiagnostics, machineDescriptor: Console.standardError, onlyIfAny: true)
        } catch {
            file?.abandon()
            throw error
        }
        if Console.fails(diagnostics, strict: strict) {
            file?.abandon()
            throw ExitCode(ExitStatus.problems)
        }
        guard result.bundleDigest != nil else {
            file?.abandon()
            Console.writeLine("error: internal: the compiler reported no error but produced no bundle")
            throw ExitCode(ExitStatus.internalFailure)
        }
        if var file, let output {
            do {
                try file.commit()
            } catch {
                Console.writeLine("error: cannot write `\(output)`: \(error)")
                throw ExitCode(ExitStatus.internalFailure)
            }
        } else {
            try Console.writeOutput(memory.bytes, what: "the bundle")
        }
        // The closing line, as cargo's `Finished`: for people, so never beside a machine format on stderr.
        if !execution.quiet, report.format == .human || report.reportFile != nil, let summary = result.summary {
            Console.writeLine(
                Self.summaryLine(
                    workspace: workspace, summary: summary, bytes: bundleSize, digest: result.bundleDigest,
                    output: output, seconds: (ContinuousClock.now - started).seconds,
                    cache: options.templateCache?.statistics))
        }
    }

    /// `built WORKSPACE: 3 templates in 2 locales, 7 triggers; 48.2 kB to FILE, sha256:0123456789ab (0.04 s)`.
    static func summaryLine(
        workspace: String, summary: BundleSummary, bytes: Int, digest: String?, output: String?, seconds: Double,
        cache: TemplateCache.Statistics? = nil
    ) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        // One decimal, rounded: 48,249 bytes are 48.2 kB.
        func decimal(_ value: Int, _ unit: Int) -> String {
            let tenths = (value + unit / 20) / (unit / 10)
            return "\(tenths / 10).\(tenths % 10)"
        }
        let size =
            bytes < 1_000
            ? "\(bytes) B" : bytes < 1_000_000 ? decimal(bytes, 1_000) + " kB" : decimal(bytes, 1_000_000) + " MB"
        let hundredths = Int((seconds * 100).rounded())
        let time = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
        let shortDigest = digest.map { ", " + String($0.prefix("sha256:".count + 12)) } ?? ""
        let reused = cache.map { "; \($0.hits) of \($0.hits + $0.misses) from the cache" } ?? ""
        return "built \(workspace): \(count(summary.templates, "template")) in \(count(summary.locales, "locale")), "
            + "\(count(summary.triggers, "trigger"))\(reused); \(size) to \(output ?? "standard output")\(shortDigest) (\(time))"
    }
}

/// A sink that counts the bytes it passes on: the bundle's size, for the summary line.
struct CountingSink<Base: BundleSink>: BundleSink {
    var base: Base
    private(set) var count = 0

    init(_ base: Base) { self.base = base }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        count += bytes.count
        base.append(bytes)
    }

    mutating func overwrite(at offset: Int, with bytes: [UInt8]) {
        base.overwrite(at: offset, with: bytes)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
