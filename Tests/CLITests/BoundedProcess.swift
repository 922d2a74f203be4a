import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `automail` under a wall-clock bound and an address-space limit: a run that exceeds the
/// time is killed (SIGKILL) and reported as timed out, so a hang fails its test instead of blocking the
/// suite.
enum BoundedProcess {
    /// What one bounded run gave.
    struct Outcome {
        var status: Int32
        /// The signal that ended the process, if one did (a crash, or the kill after the time bound).
        var signal: Int32?
        var timedOut: Bool
        var seconds: Double
        /// The CPU time (user and system) the process had used when last seen running, read from
        /// `/proc` every few milliseconds: unlike `seconds`, hardly stretched by a busy machine. 0 where
        /// `/proc` cannot be read.
        var cpuSeconds: Double
        var standardOutput: String
        var standardError: String

        /// The distinct diagnostic codes printed (`error[AM110]`, `warning[AM504]`), sorted.
        var codes: [String] {
            let pattern = /(?:error|warning|note)\[(AM\d{3})\]/
            return Set(standardError.matches(of: pattern).map { String($0.output.1) }).sorted()
        }
    }

    /// The address-space limit of every bounded run: 4 GiB.
    static let memoryLimitKiB = 4 * 1024 * 1024

    /// Runs `automail arguments` in `directory`, killing it after `seconds`.
    static func run(
        _ arguments: [String], in directory: String, seconds: Double = 20, environment extra: [String: String] = [:]
    ) throws -> Outcome {
        let captured = try CapturedRun.launch(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "ulimit -v \(memoryLimitKiB) && exec \"$0\" \"$@\"", try AutomailProcess.executable().path]
                + arguments,
            in: directory, environment: extra, seconds: seconds)
        return Outcome(
            status: captured.signal == nil ? captured.status : -1, signal: captured.signal,
            timedOut: captured.timedOut, seconds: captured.seconds, cpuSeconds: captured.cpuSeconds,
            standardOutput: captured.standardOutput, standardError: captured.standardError)
    }
}

/// Starts a process with no standard input, its output captured through files (a large output cannot
/// fill a pipe and block), optionally killed (SIGKILL) after a wall-clock bound; `NO_COLOR` is removed
/// from the environment so each test chooses.
enum CapturedRun {
    struct Result {
        var status: Int32
        var signal: Int32?
        var timedOut: Bool
        var seconds: Double
        var cpuSeconds: Double
        var standardOutput: String
        var standardError: String
    }

    /// The CPU seconds (user and system) process `pid` has used, from `/proc/PID/stat`, or `nil`.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name: state is field 3, utime field 14 and stime field 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    static func launch(
        _ executable: URL, _ arguments: [String], in directory: String?, environment extra: [String: String],
        seconds bound: Double?
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("automail-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NO_COLOR")
        // "Now" for the checks that compare with today (AM904, AM905): fixed, so that the examples'
        // March 2026 elections are in the future whatever the day the tests run (2026-01-15T00:00:00Z).
        environment["SOURCE_DATE_EPOCH"] = "1768435200"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let start = Date()
        try process.run()
        var timedOut = false
        var cpu = 0.0
        if let bound {
            while process.isRunning {
                if let used = cpuSeconds(of: process.processIdentifier) { cpu = max(cpu, used) }
                if Date().timeIntervalSince(start) > bound {
                    timedOut = true
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
                usleep(2_000)
            }
        }
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        try out.close()
        try err.close()
        let signaled = process.terminationReason == .uncaughtSignal
        return Result(
            status: process.terminationStatus, signal: signaled ? process.terminationStatus : nil,
            timedOut: timedOut, seconds: elapsed, cpuSeconds: cpu,
            standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
