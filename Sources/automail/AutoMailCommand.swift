import ArgumentParser
import AutoMail

/// `automail`: checks and builds automail workspaces. The commands only read and write files, print and
/// choose exit codes; everything else is in the `AutoMail` library.
///
/// Exit codes: 0 no errors; 1 errors (or warnings with `--strict`); 2 bad usage, or a workspace that is
/// missing or cannot be read; 3 internal failure (for example the output cannot be written).
@main
struct AutoMailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "automail",
        abstract: "Check and compile automatic-email workspaces into one JSON rule bundle.",
        discussion: """
            Exit codes: 0 no errors; 1 errors (or warnings with --strict); 2 bad usage, or a missing or \
            unreadable workspace; 3 internal failure (for example the output cannot be written).
            """,
        version: Compiler.version,
        subcommands: [
            CheckCommand.self, BuildCommand.self, ExplainCommand.self, PreviewCommand.self, DiffCommand.self,
            InitCommand.self, SimulateCommand.self, KeygenCommand.self, VerifyCommand.self,
        ]
    )

    /// Runs the command, mapping argument-parser's usage errors to exit status 2 and unexpected errors to 3.
    static func main() {
        Console.ignoreBrokenPipes()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Console.terminate(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                // Help and version are the main output: lost, they are a failure like any other.
                if !message.isEmpty, !Console.writeAll(Array((message + "\n").utf8), to: Console.standardOutput) {
                    Console.writeError("error: cannot write to standard output: \(SystemErrorText.current())\n")
                    Console.terminate(ExitStatus.internalFailure)
                }
                Console.terminate(0)
            }
            Console.writeError(message + "\n")
            Console.terminate(code == .validationFailure ? ExitStatus.usage : ExitStatus.internalFailure)
        }
        Console.terminate(ExitStatus.success)
    }
}
