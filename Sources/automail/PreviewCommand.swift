import ArgumentParser
import AutoMail
import AutomailReview
import AutomailRuntime
import BundleFormat
import BundleModel
import Diagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `preview` writes.
enum PreviewFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case html, text, eml
}

/// `automail preview TEMPLATE [WORKSPACE] [--locale L] [--contact FILE | --sample ID] [--format F]
/// [--output FILE] [--date SECONDS]`, or `automail preview --all [WORKSPACE] --output DIR`: builds the
/// bundle and renders its templates for a contact, as the sender will.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render a template of the bundle for a sample contact: subject, HTML and text.",
        discussion: """
            The contact comes from --contact (a YAML or JSON file: `firstname: Camille`, ..., optional \
            `locale` and `unsubscribe_url`), else from --sample (an id of `samples` in automail.yaml), \
            else the first sample, else obvious placeholders. With --all, the one argument is the \
            workspace and the review site is written into the --output folder: for every template, locale \
            and sample contact a page (subject, preheader, what sends it, desktop, phone and dark frames, \
            text part, headers, .eml), and an index.html. With --serve, the one argument is the workspace \
            and the site is served on 127.0.0.1, rebuilt and reloaded when a file changes.
            """
    )

    @Argument(help: "The template id (with --all: the workspace).")
    var template: String?

    @Argument(help: "The workspace folder: the one that holds automail.yaml.")
    var workspace: String?

    @Option(help: "The locale to render (default: the contact's, else the workspace default).")
    var locale: String?

    @Option(help: "A YAML or JSON file with the contact's values.")
    var contact: String?

    @Option(help: "The id of a sample contact declared under `samples` in automail.yaml.")
    var sample: String?

    @Option(help: "What to write: html (a page with headers, subject and the HTML part), text, or eml.")
    var format: PreviewFormat = .html

    @Option(name: .shortAndLong, help: "Write to this file (with --all: this folder) instead of stdout.")
    var output: String?

    @Option(help: "The Date of the .eml, in seconds since the Unix epoch (default: now).")
    var date: Int?

    @Flag(help: "Render every template and locale into the --output folder, with an index page.")
    var all = false

    @Flag(help: "Serve the review site on 127.0.0.1 and reload it when a workspace file changes (Ctrl-C to stop).")
    var serve = false

    @Option(help: "With --serve: the port on 127.0.0.1 (0: any free port, printed).")
    var port: Int = 8765

    @Option(help: "Colour the diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    func run() throws {
        if serve {
            if all || output != nil || workspace != nil {
                throw ValidationError("with --serve, give only the workspace")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            let root = template ?? "."
            var person: PreviewContact?
            if contact != nil || sample != nil {
                let built = try Console.build(root, useColor: color.isEnabled(forDescriptor: Console.standardError))
                person = try chooseContact(bundle: built.content, samples: PreviewContact.samples(of: built.result))
            }
            try PreviewServer(root: root, contactsOverride: person).run(port: port)
            return
        }
        let root = (all ? template : workspace) ?? "."
        if all, workspace != nil { throw ValidationError("with --all, give only the workspace") }
        if !all, template == nil { throw ValidationError("give the template id, or --all") }
        if all, output == nil { throw ValidationError("--all needs --output FOLDER") }
        // A Date header names a year from 1 to 9999 (`Timestamp`'s range), whatever the option says.
        if let date, Timestamp(seconds: date) == nil {
            throw ValidationError(
                "--date must be between \(Timestamp.earliest.seconds) and \(Timestamp.latest.seconds) (years 1 to 9999)"
            )
        }
        let built = try Console.build(root, useColor: color.isEnabled(forDescriptor: Console.standardError))
        let bundle = built.content
        let result = built.result
        let person = try chooseContact(bundle: bundle, samples: PreviewContact.samples(of: result))
        let when = date ?? Int(time(nil))
        if all {
            // The review site switches between every sample contact, unless one contact is asked for.
            let people = ReviewSite.contacts(
                chosen: contact != nil || sample != nil ? person : nil, samples: PreviewContact.samples(of: result),
                bundle: bundle)
            try writeAll(bundle: bundle, contacts: people, date: when, folder: output ?? ".")
            return
        }
        let email: RenderedEmail
        do {
            email = try Preview.render(bundle: bundle, template: template ?? "", locale: locale, contact: person)
        } catch {
            Console.writeLine("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let bytes: [UInt8]
        switch format {
        case .html: bytes = Array(PreviewPage.page(email).utf8)
        case .text:
            // To a terminal, every control character of the subject and text is shown as a picture.
            let terminal = output == nil && isatty(Console.standardOutput) != 0
            let subject = terminal ? TerminalText.line(email.subject) : email.subject
            let body = terminal ? TerminalText.block(email.text) : email.text
            bytes = Array(("Subject: " + subject + "\n\n" + body).utf8)
        case .eml: bytes = EMLWriter.write(email, date: when)
        }
        try write(bytes, to: output)
    }

    private func chooseContact(bundle: JSONValue, samples: [PreviewContact]) throws -> PreviewContact {
        if let contact {
            let file: SourceFile
            switch WorkspaceLoader.readFile(contact) {
            case .success(let read): file = read
            case .failure(let error):
                Console.writeLine("error: cannot read `\(contact)`: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            let decoded = PreviewContact.decode(file, name: "contact")
            if !decoded.diagnostics.isEmpty {
                let reporter = HumanReporter(useColor: false, sources: [contact: file], pathPrefix: "")
                Console.writeError(reporter.render(decoded.diagnostics))
            }
            guard let person = decoded.contact, !decoded.diagnostics.contains(where: { $0.severity == .error }) else {
                throw ExitCode(ExitStatus.usage)
            }
            return person
        }
        if let sample {
            guard let found = samples.first(where: { $0.name == sample }) else {
                let known = samples.map { "`\($0.name)`" }.joined(separator: ", ")
                Console.writeError(
                    "error: no sample `\(sample)` in automail.yaml" + (known.isEmpty ? "\n" : "; samples: \(known)\n"))
                throw ExitCode(ExitStatus.usage)
            }
            return found
        }
        return samples.first ?? PreviewContact.placeholder(forBundle: bundle)
    }

    private func writeAll(bundle: JSONValue, contacts: [PreviewContact], date: Int, folder: String) throws {
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            Console.writeLine("error: cannot create `\(folder)`")
            throw ExitCode(ExitStatus.internalFailure)
        }
        let files: [(name: String, bytes: [UInt8])]
        do {
            files = try ReviewSite.files(rules: try Preview.runtimeBundle(bundle), contacts: contacts, date: date)
        } catch {
            Console.writeLine("error: \(error)")
            if case .unsafeMessage = error { throw ExitCode(ExitStatus.usage) }
            throw ExitCode(ExitStatus.internalFailure)
        }
        for file in files { try write(file.bytes, to: folder + "/" + file.name) }
    }

    private func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path else {
            try Console.writeOutput(bytes, what: "the preview")
            return
        }
        do {
            try OutputFile.writeAtomically(bytes, to: path)
        } catch {
            Console.writeLine("error: cannot write `\(path)`: \(error)")
            throw ExitCode(ExitStatus.internalFailure)
        }
    }
}
