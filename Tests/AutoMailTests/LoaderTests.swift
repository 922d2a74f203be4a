import AutoMail
import Diagnostics
import Foundation
import Testing

/// A temporary folder, removed when the test ends.
private final class TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("automail-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // The canonical path, so that comparisons with resolved paths hold where /tmp is a symlink.
        path = base.resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `relative`, creating folders on the way.
    func write(_ relative: String, _ text: String) throws {
        try write(relative, bytes: Array(text.utf8))
    }

    func write(_ relative: String, bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: destination)
    }

    func makeFolder(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }
}

@Suite struct LoaderTests {
    @Test func readsTheManifestAndYAMLFilesOfTheThreeFoldersSortedBytewise() throws {
        let folder = try TemporaryFolder()
        for path in [
            "triggers/t.yaml", "templates/z.yaml", "templates/a.yaml", "templates/B.yaml", "questionnaires/q.yaml",
            "automail.yaml",
        ] {
            try folder.write(path, "# \(path)\n")
        }
        try folder.write("templates/.swap.yaml", "ignored: hidden")
        try folder.write("other/x.yaml", "ignored: not a workspace folder")
        try folder.write("other/notes.txt", "ignored: not a workspace folder")

        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(
            loaded.files.map(\.path) == [
                "automail.yaml", "questionnaires/q.yaml", "templates/B.yaml", "templates/a.yaml", "templates/z.yaml",
                "triggers/t.yaml",
            ])
        #expect(loaded.files.allSatisfy { $0.bytes == Array("# \($0.path)\n".utf8) })
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.root == folder.path)
    }

    @Test func rootIsAbsoluteAndStandardized() throws {
        let folder = try TemporaryFolder()
        try folder.write("ws/automail.yaml", "id: x\n")
        let loaded = try WorkspaceLoader.load(root: folder.path + "//ws/./templates/../")
        #expect(loaded.root == folder.path + "/ws")
    }

    @Test func ymlFilesAreRefusedWithARenameHelp() throws {
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("templates/x.yml", "id: x\n")
        try folder.write("triggers/T.YAML", "triggers: []\n")
        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(loaded.files.map(\.path) == ["automail.yaml"])
        #expect(
            loaded.diagnostics == [
                .error(
                    .misnamedFile, "`templates/x.yml` is not read: automail reads `.yaml` files",
                    at: .startOf(file: "templates/x.yml"), help: "rename it to `templates/x.yaml`"),
                .error(
                    .misnamedFile, "`triggers/T.YAML` is not read: automail reads `.yaml` files",
                    at: .startOf(file: "triggers/T.YAML"), help: "rename it to `triggers/T.yaml`"),
            ])
    }

    @Test func symlinksOutsideTheWorkspaceAndLoopsAreRefusedInsideOnesAreRead() throws {
        let outside = try TemporaryFolder()
        try outside.write("secret.yaml", "secret: 1\n")
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("shared/common.yaml", "id: common\n")
        try folder.makeFolder("templates")
        try folder.symlink("templates/inside.yaml", to: "../shared/common.yaml")
        try folder.symlink("templates/outside.yaml", to: outside.path + "/secret.yaml")
        try folder.symlink("templates/loop.yaml", to: "loop.yaml")
        try folder.symlink("templates/dangling.yaml", to: "nowhere.yaml")
        try folder.symlink("triggers", to: outside.path)

        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(loaded.files.map(\.path) == ["automail.yaml", "templates/inside.yaml"])
        #expect(loaded.files.last?.bytes == Array("id: common\n".utf8))
        #expect(
            loaded.diagnostics.map(\.message) == [
                "`triggers/` is not read: it links to a folder outside the workspace",
                "cannot read `templates/dangling.yaml`: broken symbolic link",
                "cannot read `templates/loop.yaml`: symbolic link loop",
                "`templates/outside.yaml` is not read: it links to a file outside the workspace",
            ])
        #expect(loaded.diagnostics.allSatisfy { $0.code == .unreadableFile && $0.severity == .error })
    }

    @Test func filesOverTheSizeLimitAreNotRead() throws {
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("templates/big.yaml", String(repeating: "a", count: 11))
        try folder.write("templates/small.yaml", String(repeating: "a", count: 10))
        let loaded = try WorkspaceLoader.load(root: folder.path, limits: LoadLimits(maxFileBytes: 10))
        #expect(loaded.files.map(\.path) == ["automail.yaml", "templates/small.yaml"])
        #expect(
            loaded.diagnostics == [
                .error(
                    .fileTooLarge, "`templates/big.yaml` is not read: it is larger than 10 bytes (11 bytes)",
                    at: .startOf(file: "templates/big.yaml"), help: "split it into smaller files")
            ])
    }

    @Test func unreadableFilesAreReportedNotThrown() throws {
        // Root reads every file whatever its mode: nothing to test there.
        guard getuid() != 0 else { return }
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("templates/locked.yaml", "id: x\n")
        chmod(folder.path + "/templates/locked.yaml", 0)
        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(loaded.files.map(\.path) == ["automail.yaml"])
        #expect(loaded.diagnostics.map(\.code) == [.unreadableFile])
    }

    @Test func aFolderWithoutManifestOrNoFolderAtAllIsNotAWorkspace() throws {
        let folder = try TemporaryFolder()
        try folder.write("templates/a.yaml", "id: a\n")
        try folder.write("file", "")
        #expect(throws: WorkspaceLoadError.notAWorkspace(path: folder.path)) {
            try WorkspaceLoader.load(root: folder.path)
        }
        #expect(throws: WorkspaceLoadError.missingDirectory(path: folder.path + "/missing")) {
            try WorkspaceLoader.load(root: folder.path + "/missing")
        }
        #expect(throws: WorkspaceLoadError.notADirectory(path: folder.path + "/file")) {
            try WorkspaceLoader.load(root: folder.path + "/file")
        }
        #expect(
            WorkspaceLoadError.notAWorkspace(path: "ws/").message
                == "`ws/` is not an automail workspace: no `automail.yaml`")
        #expect(WorkspaceLoadError.notAWorkspace(path: "ws/").diagnostic.code == .notAWorkspace)
    }
}

@Suite struct LoaderGitRevisionTests {
    let commit = "0123456789abcdef0123456789abcdef01234567"
    let other = "89abcdef0123456789abcdef0123456789abcdef"

    @Test func followsHEADToALooseRefFromASubfolder() throws {
        let folder = try TemporaryFolder()
        try folder.write(".git/HEAD", "ref: refs/heads/main\n")
        try folder.write(".git/refs/heads/main", commit + "\n")
        try folder.write("campaigns/lyon/automail.yaml", "id: x\n")
        #expect(WorkspaceLoader.gitRevision(of: folder.path + "/campaigns/lyon") == commit)
        #expect(WorkspaceLoader.repositoryRoot(of: folder.path + "/campaigns/lyon") == folder.path)
    }

    @Test func fallsBackToPackedRefs() throws {
        let folder = try TemporaryFolder()
        try folder.write(".git/HEAD", "ref: refs/heads/main\n")
        try folder.write(
            ".git/packed-refs",
            "# pack-refs with: peeled fully-peeled sorted\n\(other) refs/heads/other\n\(commit) refs/heads/main\n^\(other)\n"
        )
        #expect(WorkspaceLoader.gitRevision(of: folder.path) == commit)
    }

    @Test func readsADetachedHEAD() throws {
        let folder = try TemporaryFolder()
        try folder.write(".git/HEAD", commit + "\n")
        #expect(WorkspaceLoader.gitRevision(of: folder.path) == commit)
    }

    @Test func followsAGitFileToALinkedWorktreeAndItsCommonDirectory() throws {
        let folder = try TemporaryFolder()
        try folder.write("main/.git/HEAD", "ref: refs/heads/main\n")
        try folder.write("main/.git/refs/heads/feature", commit + "\n")
        try folder.write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/feature\n")
        try folder.write("main/.git/worktrees/wt/commondir", "../..\n")
        try folder.write("wt/.git", "gitdir: ../main/.git/worktrees/wt\n")
        #expect(WorkspaceLoader.gitRevision(of: folder.path + "/wt") == commit)
        #expect(WorkspaceLoader.repositoryRoot(of: folder.path + "/wt") == folder.path + "/wt")
    }

    @Test func nilOutsideARepositoryOnAnUnbornBranchOrForAnUnsafeRef() throws {
        let folder = try TemporaryFolder()
        #expect(WorkspaceLoader.gitRevision(of: folder.path) == nil)
        #expect(WorkspaceLoader.repositoryRoot(of: folder.path) == nil)
        try folder.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        #expect(WorkspaceLoader.gitRevision(of: folder.path + "/repo") == nil)
        try folder.write("escape/.git/HEAD", "ref: refs/../../secret\n")
        try folder.write("secret", commit + "\n")
        #expect(WorkspaceLoader.gitRevision(of: folder.path + "/escape") == nil)
    }
}

/// Every entry of the three folders that is not read is reported (AM003), whatever its name: a file
/// never leaves the bundle without a word. Hidden entries (a real `.` first) are the one exception.
@Suite struct UnreadFileTests {
    /// A name not read, and the help that must be given for it.
    static let cases: [(name: String, help: String)] = [
        ("door-knock.yaml ", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock.yaml\u{200B}", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock\u{200B}.yaml\u{FEFF}", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock.YAML", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock.yml", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock.\u{0443}aml", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock\u{FF0E}yaml", "rename it to `triggers/door-knock.yaml`"),
        ("door-knock.yaml\u{0085}", "rename it to `triggers/door-knock.yaml`"),
        (
            "door-knock.yaml.bak",
            "rename it to `triggers/door-knock.yaml` if it is to be read; otherwise move it out of `triggers/` (or start its name with `.`)"
        ),
        (
            "door-knock.yaml~",
            "rename it to `triggers/door-knock.yaml` if it is to be read; otherwise move it out of `triggers/` (or start its name with `.`)"
        ),
        (
            "\u{200B}.door-knock.swp",
            "automail reads only `.yaml` files directly inside `triggers/`: move the file out of `triggers/` (or start its name with `.`), or rename it to end in `.yaml` if it is to be read"
        ),
        (
            "notes.txt",
            "automail reads only `.yaml` files directly inside `triggers/`: move the file out of `triggers/` (or start its name with `.`), or rename it to end in `.yaml` if it is to be read"
        ),
    ]

    @Test(arguments: cases)
    func aNameNotReadIsReportedWithTheNameToUse(_ name: String, _ help: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("triggers/" + name, "triggers: []\n")
        try folder.write("triggers/.swap", "hidden\n")
        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(loaded.files.map(\.path) == ["automail.yaml"])
        let diagnostic = try #require(loaded.diagnostics.first)
        #expect(loaded.diagnostics.count == 1)
        #expect(diagnostic.code == "AM003")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.range == .startOf(file: "triggers/" + name))
        #expect(diagnostic.help == help)
        // The message shows what does not: nothing invisible in it.
        #expect(diagnostic.message.unicodeScalars.allSatisfy { $0.isASCII || $0 == "\u{2018}" })
    }

    @Test func invisibleCharactersAreEscapedAndNamed() throws {
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("templates/welcome.yaml\u{200B}", "id: welcome\n")
        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(
            loaded.diagnostics == [
                .error(
                    "AM003", "`templates/welcome.yaml\\u{200B}` is not read: automail reads `.yaml` files",
                    at: .startOf(file: "templates/welcome.yaml\u{200B}"),
                    notes: [
                        DiagnosticNote(
                            "the name holds characters that do not show, or look like others: U+200B ZERO WIDTH SPACE")
                    ],
                    help: "rename it to `templates/welcome.yaml`")
            ])
    }

    @Test func aSubfolderIsReportedAHiddenEntryIsNot() throws {
        let folder = try TemporaryFolder()
        try folder.write("automail.yaml", "id: x\n")
        try folder.write("templates/signup/welcome.yaml", "id: welcome\n")
        try folder.write("templates/.git-keep", "")
        try folder.makeFolder("questionnaires/.cache")
        let loaded = try WorkspaceLoader.load(root: folder.path)
        #expect(
            loaded.diagnostics == [
                .error(
                    "AM003",
                    "`templates/signup/` is not read: automail reads only the `.yaml` files directly inside `templates/`",
                    at: .startOf(file: "templates/signup"),
                    help: "move its `.yaml` files into `templates/`, or the folder out of `templates/`")
            ])
    }

    /// Reading on several threads (runs of files read at once while the limits cannot be reached within
    /// the run, one by one near them) loads what the serial loop loads: the same files and the same
    /// diagnostics, AM004 on the same file, for limits on the count, the total and each file's size that
    /// stop the reading at many different places among files of random sizes, names that are not read,
    /// a hidden file, a file too large and a link out of the workspace among them.
    @Test func readingOnSeveralThreadsLoadsWhatTheSerialLoopLoads() throws {
        let folder = try TemporaryFolder()
        let outside = try TemporaryFolder()
        try outside.write("secret.yaml", "secret: 1\n")
        var random = UInt64(7)
        func next(_ bound: Int) -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((random >> 33) % UInt64(bound))
        }
        try folder.write("automail.yaml", "id: ws\n")
        for index in 0..<300 {
            let folderName = ["templates", "triggers", "questionnaires"][index % 3]
            try folder.write("\(folderName)/f\(1000 + index).yaml", String(repeating: "x", count: 1 + next(400)))
            if index % 37 == 0 { try folder.write("\(folderName)/n\(index).txt", "not read") }
        }
        try folder.write("templates/.hidden.yaml", "hidden")
        try folder.write("templates/f1100-big.yaml", String(repeating: "y", count: 5_000))
        try folder.symlink("templates/f1200-out.yaml", to: outside.path + "/secret.yaml")
        // The extremes too: a library caller may give any `Int`.
        for maxFiles in [Int.min, 1, 2, 50, 64, 65, 129, 100_000, Int.max] {
            for maxTotalBytes in [Int.min, 1, 300, 9_000, 20_000, 64_000, 1 << 30, Int.max] {
                for maxFileBytes in [10, 150, 400, 4_999, 16 << 20, Int.max] {
                    let limits = LoadLimits(
                        maxFileBytes: maxFileBytes, maxFiles: maxFiles, maxTotalBytes: maxTotalBytes)
                    let serial = try WorkspaceLoader.load(root: folder.path, limits: limits)
                    for parallelism in [2, 3] {
                        let parallel = try WorkspaceLoader.load(
                            root: folder.path, limits: limits, parallelism: parallelism)
                        // Paths and diagnostics compared apart, so that a failure names them without the bytes.
                        let limitsSaid = "\(maxFiles) files, \(maxTotalBytes) bytes, \(maxFileBytes) a file"
                        #expect(parallel.files.map(\.path) == serial.files.map(\.path), "\(limitsSaid)")
                        #expect(parallel.diagnostics == serial.diagnostics, "\(limitsSaid)")
                        let sameBytes = parallel.files.map(\.bytes) == serial.files.map(\.bytes)
                        #expect(sameBytes, "\(limitsSaid)")
                    }
                }
            }
        }
    }
}
