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

/// The exit statuses of `automail`.
enum ExitStatus {
    /// No errors (and no warnings with `--strict`).
    static let success: Int32 = 0
    /// Errors, or warnings with `--strict`.
    static let problems: Int32 = 1
    /// Bad usage, or a workspace that is missing or cannot be read.
    static let usage: Int32 = 2
    /// Something failed that is not the workspace's fault (the output cannot be written...).
    static let internalFailure: Int32 = 3
}

/// When to colour diagnostics.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never

    /// Whether to colour what goes to `descriptor`: `auto` colours a terminal when `NO_COLOR` is unset or empty.
    func isEnabled(forDescriptor descriptor: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
            return isatty(descriptor) != 0
        }
    }
}

/// The command line's input and output: the only place that prints and exits.
enum Console {
    static let standardOutput: Int32 = 1
    static let standardError: Int32 = 2

    /// Loads the workspace, or prints why it cannot be and exits with status 2.
    static func load(
        _ workspace: String, useColor: Bool, limits: LoadLimits = .default, parallelism: Int = 1
    ) throws -> LoadedWorkspace {
        do {
            return try WorkspaceLoader.load(root: workspace, limits: limits, parallelism: parallelism)
        } catch {
            let reporter = HumanReporter(useColor: useColor, sources: [:])
            writeError(reporter.render([error.diagnostic]))
            throw ExitCode(error.isWorkspaceError ? ExitStatus.problems : ExitStatus.usage)
        }
    }

    /// The loader's diagnostics then the compiler's, in the stable reporting order, without duplicates.
    static func merge(_ loader: [Diagnostic], _ compiler: [Diagnostic]) -> [Diagnostic] {
        var bag = DiagnosticBag()
        bag.report(contentsOf: loader)
        bag.report(contentsOf: compiler)
        return bag.sorted()
    }

    /// Whether the run fails: any error, or any warning with `--strict`.
    static func fails(_ diagnostics: [Diagnostic], strict: Bool) -> Bool {
        diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }

    /// Writes a command's main output to stdout. When it cannot be written (a closed pipe, a full disk,
    /// `/dev/full`), says so on stderr and throws exit status 3: the result is lost, so the run fails.
    static func writeOutput(_ text: String) throws(ExitCode) {
        try writeOutput(Array(text.utf8))
    }

    /// Writes `bytes`, a command's main output (`what` names it in the error), to stdout, or throws exit
    /// status 3 as the text variant does.
    static func writeOutput(_ bytes: [UInt8], what: String = "the output") throws(ExitCode) {
        guard writeAll(bytes, to: standardOutput) else {
            let reason = SystemErrorText.current()
            writeError("error: cannot write \(what) to standard output: \(reason)\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
    }

    /// Writes one message line to standard error, every control character of its values shown as a
    /// picture (``TerminalText/line(_:)``): a bundle, an event or a workspace cannot send escape sequences
    /// or start a CI log command on a line of its own.
    static func writeLine(_ message: String) {
        writeError(TerminalText.line(message) + "\n")
    }

    /// Writes to stderr; a failure there has nowhere to be reported, and is ignored.
    static func writeError(_ text: String) {
        _ = writeAll(Array(text.utf8), to: standardError)
    }

    /// Makes a write to a closed pipe fail with `EPIPE`, which the writers report (exit status 3),
    /// instead of killing the process with `SIGPIPE` (exit status 141, the result silently lost).
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes every byte to `descriptor`, retrying short writes; `false` on failure.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Ends the process with `status`.
    static func terminate(_ status: Int32) -> Never {
        exit(status)
    }
}

/// The message of the current `errno`, lowercased the way diagnostics are written.
enum SystemErrorText {
    static func current() -> String {
        let code = errno
        guard let pointer = strerror(code) else { return "error \(code)" }
        let text = String(cString: pointer)
        return (text.first?.lowercased() ?? "") + text.dropFirst()
    }
}
