import AutoMail
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The line `check` and `build` keep up to date on a terminal while a long compilation runs: files read,
/// then templates rendered, of how many. Shown only on a terminal (stderr), only once the run has lasted
/// about a second (a normal workspace never shows it), and erased before anything else is written.
final class ProgressLine {
    /// The counter the compiler updates.
    let progress = CompilationProgress()
    private let timer: DispatchSourceTimer?
    private let queue = DispatchQueue(label: "automail.progress-line")
    private let state = State()

    /// What is on the terminal; read and written only on `queue`.
    private final class State: @unchecked Sendable {
        var shown: String?
        var finished = false
    }

    /// Starts showing progress on stderr when `enabled` (a terminal, not `--quiet`); else only counts.
    init(enabled: Bool) {
        guard enabled else {
            timer = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        self.timer = timer
        let (progress, state) = (self.progress, self.state)
        // First after a second, then ten times a second.
        timer.schedule(deadline: .now() + .seconds(1), repeating: .milliseconds(100))
        timer.setEventHandler {
            let line = Self.text(progress.snapshot)
            guard !state.finished, line != state.shown else { return }
            state.shown = line
            // Carriage return and erase-line: the line is rewritten in place. Nothing in it comes from input.
            Console.writeError("\r\u{1B}[K" + line)
        }
        timer.resume()
    }

    /// Stops the updates and erases the line if one was shown, so that what follows starts on a clean line.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        // The queue is serial: once this runs, no update is being written and none will be.
        let wasShown = queue.sync {
            state.finished = true
            return state.shown != nil
        }
        if wasShown { Console.writeError("\r\u{1B}[K") }
    }

    /// The text for one moment of a compilation.
    static func text(_ snapshot: CompilationProgress.Snapshot) -> String {
        if snapshot.files == 0 {
            return "reading the workspace"
        }
        if snapshot.templates > 0 {
            return "rendering templates: \(snapshot.templatesRendered) of \(snapshot.templates)"
        }
        if snapshot.files > 0, snapshot.filesRead < snapshot.files {
            return "parsing files: \(snapshot.filesRead) of \(snapshot.files)"
        }
        return "checking \(snapshot.files) files"
    }
}
