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

/// Options shared by `check` and `build`: how many diagnostics to print and how many threads to use.
struct RunOptions: ParsableArguments {
    @Option(
        name: .customLong("max-diagnostics"),
        help: "Print at most N diagnostics (in the usual order), then a count of the rest. Default: all.")
    var maxDiagnostics: Int?

    @Option(
        name: .customLong("jobs"),
        help: "Parse and decode files on N threads (default: the number of online processors). The output is identical for any N.")
    var jobs: Int?

    func validate() throws {
        if let maxDiagnostics, maxDiagnostics < 0 { throw ValidationError("--max-diagnostics must be 0 or more") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
    }

    /// The number of threads to use.
    var threads: Int {
        if let jobs { return jobs }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The diagnostics as printed: at most `--max-diagnostics` of them, then
    /// `… and K more (N errors, M warnings in all)` when some were left out, then the summary line.
    func report(_ diagnostics: [Diagnostic], with reporter: HumanReporter) -> String {
        guard let limit = maxDiagnostics, diagnostics.count > limit else {
            return reporter.render(diagnostics) + reporter.summary(diagnostics) + "\n"
        }
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        let rest = diagnostics.count - limit
        return reporter.render(Array(diagnostics.prefix(limit)))
            + "… and \(rest) more (\(Self.plural(errors, "error")), \(Self.plural(warnings, "warning")) in all)\n"
            + reporter.summary(diagnostics) + "\n"
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)" + (count == 1 ? "" : "s")
    }
}
