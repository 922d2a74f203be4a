import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile names and special files, second round (SECURITY.md): a file whose name only looks like
/// `*.yaml` is reported, never skipped; control characters in names and lines never reach the terminal
/// raw; a FIFO is never opened; a manifest past the size limit is AM110 like any other file.
@Suite struct HostileNameTests {
    static let cases: [HostileCase] = [
        HostileCase(name: "a trigger file with a trailing space", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/door-knock.yaml ", "triggers: []\n")
        },
        HostileCase(name: "a trigger file with a zero-width space after .yaml", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/door-knock.yaml\u{200B}", "triggers: []\n")
        },
        HostileCase(name: "a trigger file with a Cyrillic letter in .yaml", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/door-knock.\u{0443}aml", "triggers: []\n")
        },
        HostileCase(name: "a trigger file in upper case .YAML", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/door-knock.YAML", "triggers: []\n")
        },
        HostileCase(name: "a backup copy .yaml.bak", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/door-knock.yaml.bak", "triggers: []\n")
        },
        HostileCase(name: "a file that looks hidden behind a zero-width space", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/\u{200B}.door-knock", "triggers: []\n")
        },
        HostileCase(name: "a subfolder of triggers", status: 1, codes: ["AM003"]) { ws in
            try ws.write("triggers/more/door-knock.yaml", "triggers: []\n")
        },
        HostileCase(name: "a template renamed with a zero-width space", status: 1, codes: ["AM003", "AM301"]) { ws in
            try FileManager.default.moveItem(
                atPath: ws.root + "/templates/callback.yaml", toPath: ws.root + "/templates/callback.yaml\u{200B}")
        },
        HostileCase(name: "hidden files stay ignored", status: 0, codes: []) { ws in
            try ws.write("triggers/.door-knock.yaml.swp", "not yaml: [")
            try ws.write("templates/.DS_Store", "\u{0}")
        },
        HostileCase(name: "a 120 MB manifest", status: 1, codes: ["AM110"]) { ws in
            // Sparse: the size is what is refused, before anything is read.
            try ws.shell("truncate -s 120M automail.yaml")
        },
        HostileCase(name: "a 120 MB manifest for build", arguments: ["build", "ws"], status: 1, codes: ["AM110"]) {
            ws in
            try ws.shell("truncate -s 120M automail.yaml")
        },
    ]

    @Test(arguments: cases)
    func answersWithDiagnostics(_ hostile: HostileCase) throws {
        let ws = try HostileWorkspace()
        try hostile.damage(ws)
        let outcome = try BoundedProcess.run(
            hostile.arguments + ["--color", "never"], in: ws.scratch, seconds: hostile.seconds)
        #expect(!outcome.timedOut)
        #expect(outcome.signal == nil)
        #expect(outcome.status == hostile.status, "\(outcome.standardError.prefix(2000))")
        #expect(outcome.codes == hostile.codes, "\(outcome.standardError.prefix(2000))")
        #expect(outcome.standardOutput == "")
    }

    /// The `door-knock.yaml ` of the issue: named, escaped, with the name to rename it to.
    @Test func aMisnamedTriggerIsToldItsName() throws {
        let ws = try HostileWorkspace()
        try ws.write("triggers/door-knock.yaml\u{200B}", "triggers: []\n")
        let outcome = try BoundedProcess.run(["check", "ws", "--color", "never"], in: ws.scratch)
        #expect(
            outcome.standardError.contains(
                """
                error[AM003]: `triggers/door-knock.yaml\\u{200B}` is not read: automail reads `.yaml` files
                """))
        #expect(outcome.standardError.contains("= help: rename it to `triggers/door-knock.yaml`\n"))
        #expect(outcome.standardError.contains("U+200B ZERO WIDTH SPACE"))
    }

    /// C1 controls (U+0080–U+009F; U+009B is CSI) in a file name and in a source line are shown escaped,
    /// as C0 controls are shown as pictures: none reaches the terminal.
    @Test func c1ControlsNeverReachTheTerminal() throws {
        let ws = try HostileWorkspace()
        try ws.write("templates/x\u{9B}31m.yml", "id: x\n")
        try ws.write("questionnaires/c1.yaml", "# \u{9B}31m\u{85}red\nid: c1\n")
        let outcome = try BoundedProcess.run(["check", "ws", "--color", "never"], in: ws.scratch)
        #expect(outcome.status == 1)
        #expect(outcome.codes.contains("AM003") && outcome.codes.contains("AM101"), "\(outcome.standardError)")
        let raw = outcome.standardError.unicodeScalars.filter { (0x80...0x9F).contains($0.value) }
        #expect(raw.isEmpty, "raw C1 controls: \(raw.map { String($0.value, radix: 16) })")
        // Shown as U+FFFD, one column, as every human output shows a C1 control (`TerminalText`).
        #expect(outcome.standardError.contains("--> ws/templates/x\u{FFFD}31m.yml:1:1"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("1 | # \u{FFFD}31m"), "\(outcome.standardError)")
    }

    /// A FIFO in `templates/` is refused (AM002) without being opened: a writer waiting on it is never
    /// released by automail (an open for reading would release it).
    @Test func aFIFOIsNeverOpened() throws {
        let ws = try HostileWorkspace()
        let fifo = ws.root + "/templates/pipe.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            func set() { lock.withLock { value = true } }
            var isSet: Bool { lock.withLock { value } }
        }
        let opened = Flag()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Blocks until someone opens the FIFO for reading.
            let descriptor = open(fifo, O_WRONLY)
            opened.set()
            if descriptor >= 0 { close(descriptor) }
            done.signal()
        }
        usleep(100_000)
        let outcome = try BoundedProcess.run(["check", "ws", "--color", "never"], in: ws.scratch)
        usleep(200_000)
        #expect(!opened.isSet, "automail opened the FIFO")
        #expect(outcome.status == 1)
        #expect(outcome.codes == ["AM002"], "\(outcome.standardError)")
        #expect(outcome.standardError.contains("`templates/pipe.yaml` is not read: not a regular file"))
        // Release the writer.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        done.wait()
        if reader >= 0 { close(reader) }
    }
}
