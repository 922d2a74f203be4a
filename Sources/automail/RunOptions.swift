import ArgumentParser
import AutoMail
import Diagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options shared by `check` and `build`: how many diagnostics to print, how many threads to use, and
/// whether to show progress.
struct RunOptions: ParsableArguments {
    @Option(
        name: .customLong("max-diagnostics"),
        help: "Print at most N diagnostics (in the usual order), then a count of the rest. Default: all.")
    var maxDiagnostics: Int?

    @Option(
        name: .customLong("jobs"),
        help:
            "Read, parse, check and render on N threads (default: the number of online processors). The output is identical for any N."
    )
    var jobs: Int?

    @Flag(
        name: .shortAndLong,
        help: "Show no progress line and no closing summary: only the diagnostics (and the bundle).")
    var quiet = false

    func validate() throws {
        if let maxDiagnostics, maxDiagnostics < 0 { throw ValidationError("--max-diagnostics must be 0 or more") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
    }

    /// The progress line for this run: shown on stderr when it is a terminal, unless `--quiet`.
    func progressLine() -> ProgressLine {
        ProgressLine(enabled: !quiet && isatty(Console.standardError) != 0)
    }

    /// The number of threads to use.
    var threads: Int {
        if let jobs { return jobs }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
