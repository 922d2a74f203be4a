extension WorkspaceLoader {
    /// The commit checked out in the git repository that holds `path`, as lowercase hex, or `nil` when
    /// `path` is not in a git repository, the branch has no commit yet, or the refs cannot be read.
    ///
    /// Reads the repository's files and never spawns `git`: `.git` is found by walking up from `path`
    /// (a `.git` file with `gitdir:` is followed, as in worktrees and submodules); `HEAD` is followed
    /// through `ref:` lines to a loose ref (in the worktree's git dir, then the common dir) or to
    /// `packed-refs`. The reftable ref storage is not read (the result is then `nil`).
    public static func gitRevision(of path: String) -> String? {
        guard let location = GitLocation.find(from: path),
            let head = FileSystem.readSmallText(join(location.gitDirectory, "HEAD"))
        else { return nil }
        return location.resolve(head.trimmed, depth: 0)
    }

    /// The top folder of the git work tree that holds `path` (the folder with `.git`), or `nil`.
    public static func repositoryRoot(of path: String) -> String? {
        GitLocation.find(from: path)?.workTree
    }

    /// What machine-readable reports write before each workspace-relative path: the workspace folder
    /// relative to the root of the git work tree that holds it (`workspace-examples/lyon/`, or `` for the
    /// root itself), so that CI tools map results onto the repository; outside a repository, the folder
    /// as the user gave it (`argument`), like the human format.
    public static func reportPathPrefix(root: String, argument: String) -> String {
        let fallback = HumanReporter.pathPrefix(forWorkspace: argument)
        guard let location = GitLocation.find(from: root) else { return fallback }
        let absolute = FileSystem.absoluteStandardized(root)
        var resolved = absolute
        if case .success(let real) = FileSystem.resolvedPath(absolute) { resolved = real }
        let top = location.workTree
        if resolved == top { return "" }
        let base = top.hasSuffix("/") ? top : top + "/"
        guard resolved.hasPrefix(base) else { return fallback }
        return String(resolved.dropFirst(base.count)) + "/"
    }
}

/// Where a repository's pieces are.
private struct GitLocation {
    /// The folder holding `.git`.
    var workTree: String
    /// The git dir of this work tree (`.git`, or what a `.git` file points at).
    var gitDirectory: String
    /// The shared git dir (differs from ``gitDirectory`` in linked worktrees).
    var commonDirectory: String

    static func find(from path: String) -> GitLocation? {
        let absolute = FileSystem.absoluteStandardized(path)
        var directory: String
        if case .success(let resolved) = FileSystem.resolvedPath(absolute) {
            directory = resolved
        } else {
            directory = absolute
        }
        while true {
            let dotGit = WorkspaceLoader.join(directory, ".git")
            switch FileSystem.targetKind(dotGit) {
            case .success(.directory):
                return location(workTree: directory, gitDirectory: dotGit)
            case .success(.regular):
                guard let text = FileSystem.readSmallText(dotGit),
                    let line = text.split(whereSeparator: \.isNewline).first,
                    line.hasPrefix("gitdir:")
                else { return nil }
                let target = String(line.dropFirst("gitdir:".count)).trimmed
                guard !target.isEmpty else { return nil }
                let gitDirectory = target.hasPrefix("/") ? target : WorkspaceLoader.join(directory, target)
                return location(workTree: directory, gitDirectory: FileSystem.absoluteStandardized(gitDirectory))
            default:
                break
            }
            guard directory != "/", let slash = directory.lastIndex(of: "/") else { return nil }
            directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
        }
    }

    private static func location(workTree: String, gitDirectory: String) -> GitLocation? {
        guard case .success(.regular) = FileSystem.targetKind(WorkspaceLoader.join(gitDirectory, "HEAD")) else {
            return nil
        }
        var common = gitDirectory
        if let text = FileSystem.readSmallText(WorkspaceLoader.join(gitDirectory, "commondir")) {
            let relative = text.trimmed
            if !relative.isEmpty {
                common = FileSystem.absoluteStandardized(
                    relative.hasPrefix("/") ? relative : WorkspaceLoader.join(gitDirectory, relative))
            }
        }
        return GitLocation(workTree: workTree, gitDirectory: gitDirectory, commonDirectory: common)
    }

    /// Follows `value` (a `HEAD` or ref file's content) to an object id.
    func resolve(_ value: String, depth: Int) -> String? {
        if Self.isObjectID(value) { return value }
        guard value.hasPrefix("ref:"), depth < 8 else { return nil }
        let name = String(value.dropFirst("ref:".count)).trimmed
        guard Self.isSafeRefName(name) else { return nil }
        for directory in [gitDirectory, commonDirectory] {
            if let text = FileSystem.readSmallText(WorkspaceLoader.join(directory, name)) {
                return resolve(text.trimmed, depth: depth + 1)
            }
        }
        let packedRefs = WorkspaceLoader.join(commonDirectory, "packed-refs")
        guard let packed = FileSystem.readSmallText(packedRefs, limit: 256 * 1024 * 1024) else { return nil }
        for line in packed.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.hasPrefix("^") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1].trimmed == name, Self.isObjectID(String(parts[0])) {
                return String(parts[0])
            }
        }
        return nil
    }

    /// A SHA-1 (40) or SHA-256 (64) object id in lowercase hex.
    static func isObjectID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64)
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A ref name that stays inside the git dir: `refs/...` without empty, `.` or `..` components.
    static func isSafeRefName(_ name: String) -> Bool {
        guard name.hasPrefix("refs/"), !name.contains("\0"), !name.contains("\\") else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    fileprivate var trimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
