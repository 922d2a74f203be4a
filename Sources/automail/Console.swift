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
    static func load(_ workspace: String, useColor: Bool, limits: LoadLimits = .default) throws -> LoadedWorkspace {
        do {
            return try WorkspaceLoader.load(root: workspace, limits: limits)
        } catch {
            let reporter = HumanReporter(useColor: useColor, sources: [:])
            writeError(reporter.render([error.diagnostic]))
            throw ExitCode(ExitStatus.usage)
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

    static func writeOutput(_ text: String) {
        _ = writeAll(Array(text.utf8), to: standardOutput)
    }

    /// Writes one message line to standard error, every control character of its values shown as a
    /// picture (``TerminalText/line(_:)``): a bundle, an event or a workspace cannot send escape sequences
    /// or start a CI log command on a line of its own.
    static func writeLine(_ message: String) {
        writeError(TerminalText.line(message) + "\n")
    }

    static func writeError(_ text: String) {
        _ = writeAll(Array(text.utf8), to: standardError)
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
