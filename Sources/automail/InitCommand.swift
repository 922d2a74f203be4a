import ArgumentParser
import AutoMail

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `automail init [DIR] [--name NAME] [--locale L]...`: writes a small workspace, with schema modelines,
/// and prints the next steps. It checks with nothing but warnings about its placeholders (AM508), which
/// `build` refuses until they are replaced. All or nothing: when any file it would write exists,
/// nothing is written (exit 2); when a write fails, what was written is removed (exit 3).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a small workspace, ready to edit: replace its placeholders (TODO) before building.",
        discussion: """
            Writes automail.yaml, one questionnaire, one template and one trigger, and copies of the JSON \
            Schemas in .automail/schemas/ that the files' modelines point at (editors with the YAML \
            language server complete and check as you type). Existing files are never overwritten: if any \
            of them exists, nothing is written.
            """
    )

    @Argument(help: "The folder to create the workspace in (created if missing).")
    var directory: String = "."

    @Option(help: "The workspace name contacts see (default: the folder's name). The id is derived from it.")
    var name: String?

    @Option(
        name: .customLong("locale"),
        help: "A locale of the workspace; repeat for several, the default first (default: en).")
    var locales: [String] = []

    func run() throws {
        let starter: WorkspaceStarter
        do {
            starter = try WorkspaceStarter(name: name ?? Self.folderName(directory), locales: locales)
        } catch {
            throw ValidationError(error.description)
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let files = starter.files.map { (path: base + "/" + $0.path, relative: $0.path, text: $0.text) }
        let existing = files.filter { Self.exists($0.path) }.map(\.relative)
        if !existing.isEmpty {
            let named =
                existing.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
                + (existing.count > 3 ? " and \(existing.count - 3) more" : "")
            let what =
                existing.contains("automail.yaml")
                ? "is already a workspace (it holds " + named + ")"
                : "already holds " + named
            Console.writeError(
                "error: `\(directory)` \(what); nothing was written\n"
                    + "help: choose another folder, or move those files away\n")
            throw ExitCode(ExitStatus.usage)
        }
        var writer = AllOrNothing()
        do {
            for file in files { try writer.write(file.text, to: file.path) }
        } catch {
            writer.undo()
            Console.writeError("error: cannot write the workspace in `\(directory)`: \(error); nothing was kept\n")
            throw ExitCode(ExitStatus.internalFailure)
        }
        try Console.writeOutput(nextSteps(starter, files: files.map(\.relative)))
    }

    private func nextSteps(_ starter: WorkspaceStarter, files: [String]) -> String {
        let folder = directory == "." ? "" : " " + Self.shellQuoted(directory)
        let yaml = files.filter { !$0.hasPrefix(WorkspaceStarter.schemaFolder) }
        return """
            Created the workspace `\(starter.id)` (\(starter.locales.joined(separator: ", "))) in `\(directory)`:
            \(yaml.map { "  " + $0 }.joined(separator: "\n"))
              \(WorkspaceStarter.schemaFolder)/ (the JSON Schemas the files' modelines point at)

            Next steps:
              1. Replace the example values marked TODO in automail.yaml: sending domain, senders, legal block
                 (`check` warns about them; `build` refuses them, so that none reaches a contact).
              2. Check it, on every save and in CI:  automail check\(folder)
              3. See the email a contact receives:   automail preview welcome\(folder)
              4. Compile the bundle for the sender:  automail build\(folder) --output bundle.json
              5. Editor: VS Code's YAML extension (redhat.vscode-yaml) completes and checks the files as
                 you type, through their `# yaml-language-server: $schema=` modelines.

            """
    }

    /// `text` as one shell word: as is when plain, else single-quoted.
    static func shellQuoted(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._/-+:@".unicodeScalars.contains($0)
            }
        return plain
            ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// The name of the folder `path` (the current folder's for `.`).
    static func folderName(_ path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                absolute =
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    + "/" + path
            }
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return parts.last.map(String.init) ?? "campaign"
    }

    /// Whether anything (a file, a folder, a broken link) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// Writes files, creating their folders, and can remove everything it created.
private struct AllOrNothing {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var createdFiles: [String] = []
    private var createdFolders: [String] = []

    /// Writes `text` to a new file at `path` (never over an existing one).
    mutating func write(_ text: String, to path: String) throws(Failure) {
        try makeFolders(OutputFile.directoryName(path))
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "`\(path)`: \(Self.systemMessage())") }
        createdFiles.append(path)
        let written = Console.writeAll(Array(text.utf8), to: descriptor)
        let closed = close(descriptor) == 0
        guard written, closed else { throw Failure(description: "`\(path)`: \(Self.systemMessage())") }
    }

    private mutating func makeFolders(_ path: String) throws(Failure) {
        if path == "." || path == "/" || InitCommand.exists(path) { return }
        try makeFolders(OutputFile.directoryName(path))
        guard mkdir(path, 0o755) == 0 else { throw Failure(description: "`\(path)`: \(Self.systemMessage())") }
        createdFolders.append(path)
    }

    /// Removes every file and folder written, newest first.
    func undo() {
        for file in createdFiles.reversed() { unlink(file) }
        for folder in createdFolders.reversed() { rmdir(folder) }
    }

    private static func systemMessage() -> String {
        guard let pointer = strerror(errno) else { return "error \(errno)" }
        return String(cString: pointer).lowercased()
    }
}
