import ArgumentParser
import AutomailReview
import Diagnostics
import AutoMail
import BundleFormat
import Foundation

/// One side of `automail diff`: what the argument names, and how to read it into a bundle.
///
/// An argument is read as an existing path first (a file: a bundle; a folder: a workspace), and only
/// when no such path exists as a git revision of the repository around the current folder. A path
/// that shadows a revision can be passed as a revision with git's own syntax, `main^{commit}`.
enum DiffSide {
    /// A bundle file written by `automail build`.
    case bundle(path: String)
    /// A workspace folder, compiled in memory.
    case workspace(path: String)
    /// A git revision (its name, and the commit it names), the workspace materialised from it.
    case revision(name: String, commit: String)

    /// The largest bundle file read (the largest workspace a build reads, see `--max-workspace-size`).
    static let maxBundleBytes = 256 * 1024 * 1024

    /// What `argument` names, or a usage error when it names nothing.
    static func resolve(_ argument: String) throws(ValidationError) -> DiffSide {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? .workspace(path: argument) : .bundle(path: argument)
        }
        if let commit = Git.commit(argument) { return .revision(name: argument, commit: commit) }
        throw ValidationError(
            "`\(argument)` is neither a bundle file, a workspace folder nor a git revision of the repository here")
    }

    /// Whether the side is a revision.
    var isRevision: Bool {
        if case .revision = self { return true }
        return false
    }

    /// Reads the side into a bundle content, or prints why it cannot be and exits with status 1.
    func read(_ context: DiffContext) throws -> (BundleDiff.Source, JSONValue) {
        switch self {
        case .bundle(let path):
            let bytes: [UInt8]
            switch WorkspaceLoader.readFile(path, limit: Self.maxBundleBytes) {
            case .success(let file): bytes = file.bytes
            case .failure(let error): throw context.fail("cannot read the bundle `\(path)`: \(error)")
            }
            do {
                let bundle = try ReadBundle.read(bytes)
                return (BundleDiff.Source(bundle: path, read: bundle), bundle.content)
            } catch {
                throw context.fail("cannot read the bundle `\(path)`: \(error)")
            }
        case .workspace(let path):
            let content = try context.compile(
                folder: path, label: HumanReporter.pathPrefix(forWorkspace: path), name: "`\(path)`")
            return (BundleDiff.Source(kind: .workspace, name: path), content)
        case .revision(let name, let commit):
            let content = try context.compileRevision(name: name, commit: commit)
            return (BundleDiff.Source(kind: .revision, name: name, commit: commit), content)
        }
    }
}

/// What reading a side needs: the workspace folder for revisions, colours, threads.
struct DiffContext {
    /// The workspace folder for revision sides, relative to the current folder.
    var workspace: String
    var useColor: Bool
    var execution: RunOptions

    /// Prints `message` as an error and returns the exit to throw (status 1: a side cannot be read).
    func fail(_ message: String) -> ExitCode {
        Console.writeLine("error: \(message)")
        return ExitCode(ExitStatus.problems)
    }

    /// Prints `message` as an error and returns the exit to throw (status 2: bad usage).
    func usage(_ message: String) -> ExitCode {
        Console.writeLine("error: \(message)")
        return ExitCode(ExitStatus.usage)
    }

    /// Loads and compiles the workspace in `folder`; its diagnostics, if it has errors, are printed
    /// with paths starting with `label`, and the run exits with status 1.
    func compile(folder: String, label: String, name: String) throws -> JSONValue {
        let loaded: LoadedWorkspace
        do {
            loaded = try WorkspaceLoader.load(root: folder)
        } catch {
            switch error {
            case .notAWorkspace: throw fail("\(name) is not an automail workspace: no `automail.yaml`")
            case .unreadableManifest(_, let reason): throw fail("cannot read the `automail.yaml` of \(name): \(reason)")
            case .manifestTooLarge(_, let reason): throw fail("the `automail.yaml` of \(name) is not read: \(reason)")
            default: throw fail("\(name) is not an automail workspace: \(error.message)")
            }
        }
        let result = Compiler.build(loaded.files, options: BuildOptions(parallelism: execution.threads))
        let diagnostics = Console.merge(loaded.diagnostics, result.diagnostics)
        if Console.fails(diagnostics, strict: false) {
            var reporter = HumanReporter(useColor: useColor, sources: loaded.filesByPath, pathPrefix: label)
            reporter.maxDiagnostics = execution.maxDiagnostics
            Console.writeError(reporter.report(diagnostics, suppressed: result.suppressed))
            throw fail("\(name) does not compile, so there is nothing to compare")
        }
        guard let content = result.bundleContent else {
            throw fail("internal: \(name) reported no error but produced no bundle")
        }
        return content
    }

    /// Materialises the workspace at `commit` in a temporary folder from git's objects (``GitTree``:
    /// never `git archive`, whose in-tree `.gitattributes` could hide a file from the diff), compiles
    /// it, and removes the folder.
    func compileRevision(name: String, commit: String) throws -> JSONValue {
        let (top, prefix) = try repositoryPath()
        let label = "\(name):" + (prefix.isEmpty ? "" : prefix + "/")
        let described = "the workspace `\(prefix.isEmpty ? "." : prefix)` at revision `\(name)`"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "automail-diff-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw fail("cannot create a temporary folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tree = scratch.appendingPathComponent("workspace").path
        let reader = GitTree(repository: top, sparseAbove: LoadLimits.default.maxFileBytes)
        let treeish = "\(commit):\(prefix)"
        do {
            guard try reader.isTree(treeish) else {
                throw fail("\(described) does not exist (no such folder in `\(commit)`)")
            }
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        } catch let unavailable as Git.Unavailable {
            throw fail(unavailable.description)
        }
        do {
            try reader.write(treeish, into: tree)
        } catch {
            throw fail("cannot read \(described): \(error)")
        }
        return try compile(folder: tree, label: label, name: described)
    }

    /// The repository's top folder, and the workspace folder as a path from there (empty for the top).
    func repositoryPath() throws -> (top: String, path: String) {
        let here: Git.Run
        do {
            here = try Git.run(["rev-parse", "--show-toplevel", "--show-prefix"])
        } catch {
            throw fail(error.description)
        }
        let lines = here.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard here.status == 0, let top = lines.first, !top.isEmpty else {
            throw usage("the current folder is not in a git repository: \(here.errors)")
        }
        let cwdPrefix = lines.count > 1 ? lines[1] : ""
        var path = workspace
        if path.hasPrefix("/") {
            // An absolute path: inside the repository's top folder (symbolic links resolved on both).
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
            guard real == root || real.hasPrefix(root + "/") else {
                throw usage("`\(workspace)` is outside the git repository `\(top)`")
            }
            path = String(real.dropFirst(root.count))
        } else {
            path = cwdPrefix + path
        }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { throw usage("`\(workspace)` is outside the git repository `\(top)`") }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        return (top, parts.joined(separator: "/"))
    }
}
