import ArgumentParser
import AutoMail
import AutomailRuntime
import BundleFormat
import BundleModel
import Diagnostics

/// What `simulate` prints.
enum SimulateFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case human, json
}

/// `automail simulate (--bundle FILE [--key PUB] | --workspace DIR) --event FILE [--format human|json]
/// [--render] [--html] [--eml FILE]`: evaluates an event as a sender does, with the runtime library.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Evaluate an event against a bundle: the triggers fired, the email sent, why the others were not.",
        discussion: """
            The event is a JSON file (schemas/event.schema.json, docs/bundle-format.md): the encounter \
            (answers, support level, tasks), the contact's state (address, consent, unsubscriptions, \
            locale, fields, history) and the time. --format json prints the decision \
            (schemas/decision.schema.json) with the rendered email. With --key, a bundle that is unsigned, \
            signed by another key or whose signature does not verify is refused. Exit status: 0 when the \
            evaluation ran, even if no email is sent; 1 for a bad bundle (format, digest, signature, \
            malformed member), workspace or event; 2 bad usage, an unreadable file or key; 3 when the \
            --eml file cannot be written.
            """
    )

    @Option(help: "The bundle file, as `automail build` writes it.")
    var bundle: String?

    @Option(help: "A workspace folder to compile in memory instead of --bundle.")
    var workspace: String?

    @Option(help: "The event file (JSON).")
    var event: String

    @Option(
        help: "Require the bundle to be signed by this public key (PEM `PUBLIC KEY`, or env:VAR); see docs/signing.md.")
    var key: String?

    @Option(help: "What to print: human (default) or json (the decision).")
    var format: SimulateFormat = .human

    @Flag(help: "Show the sent message: headers, subject and text part (human format).")
    var render = false

    @Flag(help: "Show the HTML part of the sent message too (human format; implies --render).")
    var html = false

    @Option(help: "Write the sent email to this .eml file (its Date is the send time).")
    var eml: String?

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    /// The largest bundle file read.
    static let bundleLimit = 512 * 1024 * 1024
    /// The largest event file read.
    static let eventLimit = 64 * 1024 * 1024

    func validate() throws {
        if (bundle == nil) == (workspace == nil) {
            throw ValidationError("give exactly one of --bundle FILE and --workspace DIR")
        }
        if key != nil, workspace != nil {
            throw ValidationError(
                "--key checks the signature of a --bundle file; a workspace compiled in memory is unsigned")
        }
    }

    func run() throws {
        let rules = try loadBundle()
        let eventBytes = try read(event, limit: Self.eventLimit)
        let happened: RuntimeEvent
        do {
            happened = try RuntimeEvent.decode(eventBytes)
        } catch {
            Console.writeLine("error: \(Self.located(event, error))")
            throw ExitCode(ExitStatus.problems)
        }
        let decision: Decision
        do {
            decision = try rules.evaluate(happened)
        } catch {
            Console.writeLine("error: \(event): cannot evaluate the event: \(error)")
            throw ExitCode(ExitStatus.problems)
        }
        if let eml {
            if let email = decision.email {
                do {
                    try OutputFile.writeAtomically(
                        EMLWriter.write(email.message, date: email.sendAt.seconds, messageID: decision.messageID),
                        to: eml)
                } catch {
                    Console.writeLine("error: cannot write `\(eml)`: \(error)")
                    throw ExitCode(ExitStatus.internalFailure)
                }
            } else {
                Console.writeLine("note: no email is sent: `\(eml)` is not written")
            }
        }
        let output: [UInt8]
        switch format {
        case .json: output = JSONWriter(pretty: true).write(decision.json)
        case .human:
            let detail: DecisionReport.Detail = html ? .messageWithHTML : render ? .message : .decision
            output = Array(DecisionReport.text(decision, event: happened, detail: detail).utf8)
        }
        try Console.writeOutput(output, what: "the decision")
    }

    /// The bundle of --bundle (read, version-checked, digest-verified) or of --workspace (compiled).
    private func loadBundle() throws -> RuntimeBundle {
        if let workspace {
            let useColor = color.isEnabled(forDescriptor: Console.standardError)
            // The workspace as of the event: a simulated encounter on the eve of a vote is not told that the
            // vote is in the past (AM904, AM905 compare with this time).
            var eventTime: Int?
            if case .success(let file) = WorkspaceLoader.readFile(event, limit: Self.eventLimit) {
                eventTime = try? RuntimeEvent.decode(file.bytes).time.seconds
            }
            let built = try Console.build(
                workspace, useColor: useColor, referenceTime: eventTime ?? ReferenceTime.now())
            do {
                return try RuntimeBundle.load(built.bundle)
            } catch {
                Console.writeLine("error: internal: the compiled bundle does not load: \(error)")
                throw ExitCode(ExitStatus.internalFailure)
            }
        }
        let path = bundle ?? ""
        let publicKey = try key.map(KeyFile.publicKey)
        do {
            return try RuntimeBundle.load(try read(path, limit: Self.bundleLimit), publicKey: publicKey)
        } catch let error as BundleLoadError {
            Console.writeLine("error: \(Self.located(path, error))")
            throw ExitCode(ExitStatus.problems)
        }
    }

    /// `path:line:column: message` for a JSON syntax error, `path: at /pointer: message` otherwise.
    static func located(_ path: String, _ error: BundleLoadError) -> String {
        if case .syntax(let syntax) = error { return "\(path):\(syntax.line):\(syntax.column): \(syntax.message)" }
        return "\(path): \(error)"
    }

    /// `path:line:column: message` for a JSON syntax error, `path: at /pointer: message` otherwise.
    static func located(_ path: String, _ error: EventDecodingError) -> String {
        if case .syntax(let syntax) = error { return "\(path):\(syntax.line):\(syntax.column): \(syntax.message)" }
        return "\(path): \(error)"
    }

    /// The bytes of `path`, or exit 2 saying why they cannot be read.
    private func read(_ path: String, limit: Int) throws -> [UInt8] {
        switch WorkspaceLoader.readFile(path, limit: limit) {
        case .success(let file): return file.bytes
        case .failure(let error):
            Console.writeLine("error: cannot read `\(path)`: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
