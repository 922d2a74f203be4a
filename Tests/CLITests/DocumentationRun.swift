import Foundation
import Testing

/// The state of one document's run: its scratch workspace, its sandboxes, and what the latest example printed.
final class DocumentationRun {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    let repository: String
    let automail: URL
    /// The scratch folder of the workspace examples: the workspace is its `campaign/`.
    private var workspace: ScratchFolder?
    /// The workspace file that was added last without being checked.
    private(set) var uncheckedWorkspace: DocumentationExample?
    private var sandboxes: [String: ScratchFolder] = [:]
    /// What an `output` block is compared with.
    private enum Latest {
        case workspace(ScratchFolder)
        case command(String)
    }
    private var latest: Latest?

    init(repository: String) throws {
        self.repository = repository
        automail = try AutomailProcess.executable()
    }

    func check(_ block: DocumentationExample) throws {
        guard let annotation = block.annotation else { return }
        switch annotation.role {
        case "workspace-file": try workspaceFile(block, annotation)
        case "template-locale": try templateLocale(block, annotation)
        case "commands": try commands(block, annotation)
        case "output": try output(block, annotation)
        case "copy", "excerpt": try copy(block, annotation)
        case "json", "outline": try json(block, annotation)
        case "usage": try usage(block, annotation)
        case "paths": try paths(block)
        case "tested-elsewhere": try testedElsewhere(annotation)
        default: break  // `not-run`: its reason is required, nothing else to do
        }
    }

    // MARK: - Workspace examples

    /// The example workspaces a YAML example may start from, and how a template fits in each.
    private struct Base {
        var folder: String?
        var locales: [String]
        var purpose: String?
        var task: String
    }

    private static let bases: [String: Base] = [
        "lyon-municipales": Base(
            folder: "workspace-examples/lyon-municipales", locales: ["fr", "en"], purpose: "information",
            task: "rappeler"),
        "riverside-tenants": Base(
            folder: "workspace-examples/riverside-tenants", locales: ["en"], purpose: nil, task: "call_back"),
        "empty": Base(folder: nil, locales: [], purpose: nil, task: ""),
    ]

    private func startWorkspace(_ name: String) throws -> ScratchFolder {
        guard let base = Self.bases[name] else {
            throw Failure("unknown `base: \(name)`; one of \(Self.bases.keys.sorted().joined(separator: ", "))")
        }
        let scratch = try ScratchFolder()
        let campaign = scratch.path + "/campaign"
        if let folder = base.folder {
            try FileManager.default.copyItem(atPath: repository + "/" + folder, toPath: campaign)
        } else {
            try FileManager.default.createDirectory(atPath: campaign, withIntermediateDirectories: true)
        }
        workspace = scratch
        return scratch
    }

    private func workspaceFile(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let scratch: ScratchFolder
        if let base = annotation["base"] {
            if let unchecked = uncheckedWorkspace {
                throw Failure("the workspace of \(unchecked) is never checked before `base:` starts another")
            }
            scratch = try startWorkspace(base)
        } else if let current = workspace {
            scratch = current
        } else {
            throw Failure("the first file of a workspace needs `base:`")
        }
        try scratch.write("campaign/" + (annotation["path"] ?? ""), block.text)
        latest = .workspace(scratch)
        if let expect = annotation["expect"] {
            uncheckedWorkspace = nil
            try expectCheck(expect, in: scratch)
        } else {
            uncheckedWorkspace = block
        }
    }

    /// The block holds keys of one template locale (`subject:`, `body:`, `footer:`): it becomes every
    /// locale of a template of the base workspace, sent by a trigger, with a plain subject or body where
    /// the block has none.
    private func templateLocale(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let name = annotation["base"] ?? ""
        let scratch = try startWorkspace(name)
        guard let base = Self.bases[name], !base.locales.isEmpty else { throw Failure("`base: \(name)` has no locale") }
        let keys = Set(
            block.text.split(separator: "\n").compactMap { $0.firstMatch(of: /^([a-z_]+):/)?.output.1 }.map(String.init)
        )
        var template = "id: doc-example\n" + (base.purpose.map { "purpose: \($0)\n" } ?? "") + "locales:\n"
        for locale in base.locales {
            template +=
                "  \(locale):\n"
                + block.text.split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map { $0.isEmpty ? "\n" : "    \($0)\n" }.joined()
            if !keys.contains("subject") { template += "    subject: An example\n" }
            if !keys.contains("body") { template += "    body: The body of the example in `\(locale)`.\n" }
        }
        try scratch.write("campaign/templates/doc-example.yaml", template)
        try scratch.write(
            "campaign/triggers/doc-example.yaml",
            "triggers:\n  - id: doc-example\n    when:\n      task: \(base.task)\n    template: doc-example\n    priority: 1\n"
        )
        latest = .workspace(scratch)
        try expectCheck(annotation["expect"] ?? "", in: scratch)
    }

    /// `expect: clean` (exit 0, nothing reported) or `expect: AM301 AM802` (exactly these codes reported).
    private func expectCheck(_ expect: String, in scratch: ScratchFolder) throws {
        let checked = try BoundedProcess.run(["check", "campaign"], in: scratch.path, seconds: 120)
        let wanted = expect == "clean" ? [] : expect.split(separator: " ").map(String.init).sorted()
        guard checked.codes == wanted, expect != "clean" || checked.status == 0 else {
            throw Failure(
                "expected \(expect), `automail check` exited \(checked.status) reporting "
                    + "\(checked.codes.isEmpty ? "nothing" : checked.codes.joined(separator: " ")):\n\(checked.standardError)"
            )
        }
    }

    // MARK: - Commands

    /// The folders commands run in (`in:`), made once per document and kept from block to block.
    private func sandbox(_ name: String) throws -> ScratchFolder {
        if let made = sandboxes[name] { return made }
        let scratch = try ScratchFolder()
        switch name {
        case "repository":
            try FileManager.default.copyItem(
                atPath: repository + "/workspace-examples", toPath: scratch.path + "/workspace-examples")
        case "workspace":
            try FileManager.default.removeItem(atPath: scratch.path)
            try FileManager.default.copyItem(
                atPath: repository + "/workspace-examples/lyon-municipales", toPath: scratch.path)
        case "pull-request":
            try FileManager.default.copyItem(
                atPath: repository + "/workspace-examples/lyon-municipales", toPath: scratch.path + "/campaign")
            let setup = """
                git init --quiet --initial-branch=main
                git add campaign && git commit --quiet -m "The campaign"
                automail build campaign --output deployed.json
                git checkout --quiet -b reword
                sed -i 's/Merci pour votre soutien/Merci de nous soutenir/' campaign/templates/merci-soutien.yaml
                git commit --quiet -am "Reword a subject"
                """
            let made = try shell(setup, in: scratch.path)
            guard made.status == 0 else { throw Failure("the pull-request sandbox: \(made.standardError)") }
        case "empty": break
        default:
            throw Failure("unknown `in: \(name)`; one of empty, pull-request, repository, workspace")
        }
        sandboxes[name] = scratch
        return scratch
    }

    private func shell(_ script: String, in directory: String) throws -> CapturedRun.Result {
        let path =
            automail.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try CapturedRun.launch(
            URL(fileURLWithPath: "/bin/bash"), ["-e", "-o", "pipefail", "-c", script], in: directory,
            environment: [
                "PATH": path, "GIT_AUTHOR_NAME": "Docs", "GIT_AUTHOR_EMAIL": "docs@localhost",
                "GIT_COMMITTER_NAME": "Docs", "GIT_COMMITTER_EMAIL": "docs@localhost", "GIT_CONFIG_GLOBAL": "/dev/null",
            ],
            seconds: 300)
    }

    /// The block runs as a bash script (`set -e`) with the built `automail` first on `PATH` (`swift run
    /// automail` is `automail`); its exit status is `expect-exit:` (default 0). What the last command
    /// printed is what a following `output` block shows.
    private func commands(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let scratch = try sandbox(annotation["in"] ?? "repository")
        var commands: [String] = []
        var pending = ""
        for line in block.text.replacingOccurrences(of: "swift run automail", with: "automail").split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            pending += line + "\n"
            if !trimmed.hasSuffix("\\") {
                commands.append(pending)
                pending = ""
            }
        }
        let marker = "@@last-command@@"
        let script = commands.dropLast().joined() + "echo \(marker); echo \(marker) >&2\n" + (commands.last ?? "")
        let ran = try shell(script, in: scratch.path)
        let expected = Int32(annotation["expect-exit"] ?? "0") ?? 0
        guard ran.status == expected, !ran.timedOut else {
            throw Failure("exited \(ran.status), not \(expected):\n\(ran.standardOutput)\(ran.standardError)")
        }
        func last(_ text: String) -> String {
            text.components(separatedBy: marker + "\n").last ?? text
        }
        latest = .command(last(ran.standardOutput) + last(ran.standardError))
    }

    /// The text shown is what the latest example printed: a command's output, or for a workspace
    /// example what `automail check campaign --format FORMAT` prints. A shown path may leave out `campaign/`.
    private func output(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let printed: String
        switch latest {
        case .workspace(let scratch):
            let ran = try BoundedProcess.run(
                ["check", "campaign", "--format", annotation["format"] ?? "human"], in: scratch.path, seconds: 120)
            printed = ran.standardOutput + ran.standardError
        case .command(let text):
            printed = text
        case nil:
            throw Failure("an `output` block with no example before it")
        }
        guard
            ShownOutput.matches(shown: block.text, printed: printed)
                || ShownOutput.matches(
                    shown: block.text, printed: printed.replacingOccurrences(of: "campaign/", with: ""))
        else {
            throw Failure("the output shown is not what was printed:\n\(printed)")
        }
    }

    // MARK: - Copies, JSON, usage, paths

    /// `copy`: the block is the whole file `of:`; `excerpt`: its lines are lines of that file, in a row,
    /// each with one same prefix (indentation, or `# ` in a comment); a last line may lack its `,`.
    private func copy(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let path = annotation["of"] ?? ""
        guard let data = FileManager.default.contents(atPath: repository + "/" + path) else {
            throw Failure("`\(path)` does not exist")
        }
        let file = String(decoding: data, as: UTF8.self)
        if annotation.role == "copy" {
            guard file == block.text else { throw Failure("differs from `\(path)`: copy the file again") }
            return
        }
        let wanted = block.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let lines = file.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = wanted.first, wanted.count <= lines.count else { throw Failure("an empty excerpt") }
        for start in 0...(lines.count - wanted.count) where lines[start].hasSuffix(first) {
            let prefix = String(lines[start].dropLast(first.count))
            let found = wanted.enumerated().allSatisfy { offset, line in
                let actual = lines[start + offset]
                if line.isEmpty {
                    return actual.trimmingCharacters(in: .whitespaces).isEmpty
                        || actual == prefix.trimmingCharacters(in: .whitespaces)
                }
                return actual == prefix + line || (offset == wanted.count - 1 && actual == prefix + line + ",")
            }
            if found { return }
        }
        throw Failure("is not an excerpt of `\(path)`")
    }

    private func json(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let scratch = try ScratchFolder()
        try scratch.write("example.json", block.text)
        var arguments = [repository + "/scripts/docs/check_json_example.py"]
        if annotation.role == "outline" { arguments.append("--outline") }
        if let schema = annotation["schema"] { arguments += ["--schema", repository + "/" + schema] }
        let ran = try CapturedRun.launch(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments + [scratch.path + "/example.json"],
            in: scratch.path, environment: [:], seconds: 120)
        guard ran.status == 0 else { throw Failure("\(ran.standardOutput)\(ran.standardError)") }
    }

    /// A synopsis: every `--option` it names is one `automail SUBCOMMAND --help` lists.
    private func usage(_ block: DocumentationExample, _ annotation: DocumentationExample.Annotation) throws {
        let words = (annotation["of"] ?? "").split(separator: " ").map(String.init)
        let help = try AutomailProcess.run(Array(words.dropFirst()) + ["--help"])
        let listed = help.standardOutput + help.standardError
        for option in Set(block.text.matches(of: /--[a-z][a-z-]*/).map { String($0.output) }).sorted()
        where !listed.contains(option) {
            throw Failure("`\(option)` is not an option of `\(words.joined(separator: " "))`:\n\(listed)")
        }
    }

    /// A listing whose lines each start with a path of the repository (`*` in its last part: some file),
    /// and maybe more folders (`schemas/  docs/`) before the text that describes them.
    private func paths(_ block: DocumentationExample) throws {
        for line in block.text.split(separator: "\n") {
            guard let first = line.split(separator: " ").first.map(String.init) else { continue }
            let more = line.split(separator: /\s{2,}/).dropFirst().prefix { !$0.contains(" ") && $0.hasSuffix("/") }
            for path in [first] + more.map(String.init) { try requireExisting(path) }
        }
    }

    private func requireExisting(_ path: String) throws {
        let full = repository + "/" + path
        if let star = path.lastIndex(of: "*") {
            let folder = (full as NSString).deletingLastPathComponent
            let suffix = String(path[path.index(after: star)...])
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            guard names.contains(where: { $0.hasSuffix(suffix) }) else { throw Failure("nothing matches `\(path)`") }
        } else if !FileManager.default.fileExists(atPath: full) {
            throw Failure("`\(path)` does not exist")
        }
    }

    /// `by: Suite/test`: that test exists (so the block is run elsewhere, and renaming the test is noticed).
    private func testedElsewhere(_ annotation: DocumentationExample.Annotation) throws {
        let parts = (annotation["by"] ?? "").split(separator: "/").map(String.init)
        guard parts.count == 2 else { throw Failure("`by:` is `Suite/test`") }
        let tests = FileManager.default.enumerator(atPath: repository + "/Tests")
        while let file = tests?.nextObject() as? String {
            guard file.hasSuffix(".swift"),
                let text = try? String(contentsOfFile: repository + "/Tests/" + file, encoding: .utf8)
            else { continue }
            if text.contains("struct \(parts[0])"), text.contains("func \(parts[1])(") { return }
        }
        throw Failure("no test `\(parts[1])` in a suite `\(parts[0])`")
    }
}
