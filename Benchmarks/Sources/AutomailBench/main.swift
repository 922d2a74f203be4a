import AutoMail
import AutomailLanguage
import BundleFormat
import Diagnostics
import PipelineFloor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// automail-bench: times automail's phases on one workspace beside the pipeline floor (libyaml's event
// loop, cmark-gfm's HTML and plain text of every body, JSON escaping: Sources/PipelineFloor) and
// libyaml's bare event loop over the same bytes, in one process, alternating and taking medians.
// See BENCHMARKS.md.

let usage = """
    usage: automail-bench WORKSPACE [--runs N] [--threads N] [--check] [--in-memory]
                          [--bare-only | --floor-only | --build-only]
       automail-bench WORKSPACE --session [--edits N] [--threads N]

      --runs N      alternate N bare loops, N floors and N compilations (default 5); medians are reported
      --threads N   BuildOptions.parallelism for the compilation (default 1)
      --check       time `check` (no lowering or emitting) instead of `build`
      --in-memory   build the whole bundle in memory (`Compiler.compile`) instead of streaming it
                    into a sink as `automail build` does
      --bare-only   only run libyaml's bare event loop (to time it as a whole process)
      --floor-only  only run the pipeline floor (to time it as a whole process)
      --build-only  only run one compilation (to time it as a whole process, like `automail build`)
      --session     an editor's session: open the workspace in a CompilationSession, then in a
                    LanguageWorkspace, and time N one-character edits (--edits, default 40) in each,
                    alternating between three templates and one trigger file, edit -> diagnostics

    """

struct Arguments {
    var workspace = ""
    var runs = 5
    var threads = 1
    var emit = true
    var bareOnly = false
    var floorOnly = false
    var buildOnly = false
    var inMemory = false
    var session = false
    var edits = 40

    init?(_ argv: [String]) {
        var rest = argv[...]
        while let arg = rest.popFirst() {
            switch arg {
            case "--runs": guard let n = rest.popFirst().flatMap({ Int($0) }), n > 0 else { return nil }; runs = n
            case "--threads": guard let n = rest.popFirst().flatMap({ Int($0) }), n > 0 else { return nil }; threads = n
            case "--check": emit = false
            case "--bare-only": bareOnly = true
            case "--floor-only": floorOnly = true
            case "--build-only": buildOnly = true
            case "--in-memory": inMemory = true
            case "--session": session = true
            case "--edits": guard let n = rest.popFirst().flatMap({ Int($0) }), n > 0 else { return nil }; edits = n
            default:
                guard !arg.hasPrefix("-"), workspace.isEmpty else { return nil }
                workspace = arg
            }
        }
        if workspace.isEmpty { return nil }
    }
}

/// Every file's bytes in one allocation that outlives the runs (never freed: it lives as long as the
/// program), as the C floor reads them.
struct FloorInput {
    private let storage: UnsafeMutableRawBufferPointer
    let files: [floor_file]

    init(_ sources: [SourceFile]) {
        let total = sources.reduce(0) { $0 + $1.bytes.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        var offset = 0
        var files: [floor_file] = []
        for source in sources {
            let start = offset
            source.bytes.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: storage[start..<(start + bytes.count)]).copyMemory(from: bytes)
            }
            offset += source.bytes.count
            files.append(
                floor_file(
                    bytes: storage.baseAddress.map { ($0 + start).assumingMemoryBound(to: UInt8.self) },
                    length: source.bytes.count))
        }
        self.files = files
        self.storage = storage
    }

    /// libyaml's bare event loop (`floor_bare_loop`).
    func bareLoop() -> floor_result { files.withUnsafeBufferPointer { floor_bare_loop($0.baseAddress, $0.count) } }

    /// The pipeline floor (`floor_pipeline`): libyaml, cmark-gfm HTML and text of every body, JSON escaping.
    func pipeline() -> floor_result { files.withUnsafeBufferPointer { floor_pipeline($0.baseAddress, $0.count) } }
}

/// Where a streamed bundle goes in the benchmark: counted, and its bytes copied once into a scratch
/// buffer (as a file's `write` copies them into the page cache), then dropped.
struct CountingSink: BundleSink {
    var count = 0
    var scratch = [UInt8](repeating: 0, count: 1 << 17)

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        count += bytes.count
        var offset = 0
        while offset < bytes.count {
            let length = min(scratch.count, bytes.count - offset)
            scratch.withUnsafeMutableBytes { target in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]))
            }
            offset += length
        }
    }

    mutating func overwrite(at offset: Int, with bytes: [UInt8]) {}
}

/// One compilation as `automail build` (streamed) or `automail check` does it, or in memory.
func compile(
    _ files: [SourceFile], _ args: Arguments, _ options: BuildOptions, timings: inout PhaseTimings
) -> (diagnostics: [Diagnostic], bundleBytes: Int) {
    if args.emit, !args.inMemory {
        var sink = CountingSink()
        guard let result = try? Compiler.build(files, options: options, into: &sink, timings: &timings) else {
            return ([], 0)
        }
        return (result.diagnostics, result.bundleDigest == nil ? 0 : sink.count)
    }
    let result = Compiler.compile(files, options: options, emit: args.emit, timings: &timings)
    return (result.diagnostics, result.bundle?.count ?? 0)
}

/// Peak resident memory (VmHWM) in bytes, from /proc/self/status, else getrusage's ru_maxrss.
func peakRSS() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            if let kb = digits.first { return kb * 1024 }
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

func writeError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func seconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func format(_ s: Double) -> String {
    let ms = s * 1000
    return ms < 10 ? String(format: "%8.2f ms", ms) : String(format: "%8.1f ms", ms)
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

guard let args = Arguments(Array(CommandLine.arguments.dropFirst())) else {
    writeError(usage)
    exit(2)
}

let clock = ContinuousClock()
var mark = clock.now
let loaded: LoadedWorkspace
do {
    // No file-count or total-size limit: L (24,002 files, ~57 MB) is past the CLI's defaults
    // (10,000 files), and a benchmark must read every file it names.
    loaded = try WorkspaceLoader.load(
        root: args.workspace,
        limits: LoadLimits(maxFileBytes: LoadLimits.default.maxFileBytes, maxFiles: .max, maxTotalBytes: .max))
} catch {
    writeError("automail-bench: cannot load `\(args.workspace)`: \(error)\n")
    exit(2)
}
let readTime = seconds(clock.now - mark)
let files = loaded.files
let bytes = files.reduce(0) { $0 + $1.bytes.count }
let options = BuildOptions(revision: "bench", parallelism: args.threads)

let floorInput = FloorInput(files)
if args.bareOnly {
    let result = floorInput.bareLoop()
    print("bare loop: \(result.events) events over \(files.count) files, \(megabytes(bytes))")
    exit(result.error == 0 ? 0 : 1)
}
if args.floorOnly {
    let result = floorInput.pipeline()
    print("floor: \(result.events) events, \(result.bodies) bodies over \(files.count) files, \(megabytes(bytes))")
    exit(result.error == 0 ? 0 : 1)
}
if args.buildOnly {
    var timings = PhaseTimings()
    let result = compile(files, args, options, timings: &timings)
    print("\(result.diagnostics.count) diagnostics, bundle \(megabytes(result.bundleBytes))")
    exit(0)
}

if args.session {
    runSession(files, args)
    exit(0)
}

var bare: [Double] = []
var floors: [Double] = []
var floorBodies = 0
var totals: [Double] = []
var phases: [PhaseTimings] = []
var diagnostics = 0
var errors = 0
var bundleBytes = 0
for _ in 0..<args.runs {
    mark = clock.now
    let bareResult = floorInput.bareLoop()
    bare.append(seconds(clock.now - mark))
    if bareResult.error != 0 { writeError("automail-bench: libyaml refused a file (the bare loop stops there)\n") }

    mark = clock.now
    let floorResult = floorInput.pipeline()
    floors.append(seconds(clock.now - mark))
    floorBodies = floorResult.bodies

    var timings = PhaseTimings()
    mark = clock.now
    let result = compile(files, args, options, timings: &timings)
    totals.append(seconds(clock.now - mark))
    phases.append(timings)
    diagnostics = result.diagnostics.count
    errors = result.diagnostics.count { $0.severity == .error }
    bundleBytes = result.bundleBytes
}

let bareMedian = median(bare)
let floorMedian = median(floors)
let totalMedian = median(totals)
let command = args.emit ? (args.inMemory ? "build (in memory)" : "build") : "check"
print("workspace  \(args.workspace): \(files.count) files, \(megabytes(bytes))")
print("compiler   \(command), \(args.threads) thread(s), \(args.runs) alternating runs, medians")
print("diagnostics \(diagnostics) (\(errors) errors); bundle \(megabytes(bundleBytes))")
print("")
print("read       \(format(readTime))   (once, before the runs)")
print("parse      \(format(median(phases.map { seconds($0.parse) })))")
print("decode     \(format(median(phases.map { seconds($0.decode) })))")
let streamed = args.emit && !args.inMemory
print(
    "check      \(format(median(phases.map { seconds($0.check) })))\(streamed ? "   (all but the per-template rules)" : "")"
)
print(
    "lower      \(format(median(phases.map { seconds($0.lower) })))\(streamed ? "   (per-template rules, lowering and writing, interleaved)" : "")"
)
if !streamed { print("emit       \(format(median(phases.map { seconds($0.emit) })))") }
print("total      \(format(totalMedian))   (\(command), wall; parse and decode are summed over threads)")
print(
    "bare loop  \(format(bareMedian))   (libyaml events only, one thread, \(String(format: "%.0f", Double(bytes) / 1e6 / bareMedian)) MB/s)"
)
print(
    "floor      \(format(floorMedian))   (libyaml + cmark-gfm HTML and text of \(floorBodies) bodies + JSON escaping, one thread)"
)
print(String(format: "ratio      %.2fx   (%@ / floor)", totalMedian / floorMedian, command))
print(String(format: "ratio+read %.2fx   ((read + %@) / floor)", (totalMedian + readTime) / floorMedian, command))
print(String(format: "bare ratio %.2fx   (%@ / bare loop)", totalMedian / bareMedian, command))
let peak = peakRSS()
print(
    "peak RSS   \(megabytes(peak))   (\(String(format: "%.2f", Double(peak) / Double(max(bytes, 1))))x the workspace; goal < 3x + 50 MB = \(megabytes(3 * bytes + 50_000_000)))"
)

/// The value at fraction `q` (0...1) of `values` sorted (nearest rank).
func percentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// `--session`: what an editor waits for. The workspace opened in a ``CompilationSession`` (its first
/// check), then `args.edits` one-character edits, each followed by a check; then the same in a
/// ``LanguageWorkspace`` (the editor's entry point: the session, the documents and the symbol index).
/// Each edit toggles one `x` before the last line break of the file it edits (added, then removed the
/// next time), going round three templates (the first, middle and last by path) and one trigger file.
func runSession(_ files: [SourceFile], _ args: Arguments) {
    let clock = ContinuousClock()
    var options = BuildOptions(parallelism: args.threads)
    options.referenceTime = 1_765_000_000
    let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    let templates = sorted.filter { $0.path.hasPrefix("templates/") }
    let triggers = sorted.filter { $0.path.hasPrefix("triggers/") }
    var targets: [SourceFile] = []
    if !templates.isEmpty {
        for index in [0, templates.count / 2, templates.count - 1]
        where !targets.contains(where: { $0.path == templates[index].path }) {
            targets.append(templates[index])
        }
    }
    if let trigger = triggers.first { targets.append(trigger) }
    guard !targets.isEmpty else {
        writeError("automail-bench: no template nor trigger file to edit\n")
        return
    }
    // Each target's text without and with the `x`.
    let texts: [(path: String, plain: String, edited: String)] = targets.map { file in
        let text = String(decoding: file.bytes, as: UTF8.self)
        var edited = text
        if let last = edited.lastIndex(of: "\n") { edited.insert("x", at: last) } else { edited += "x" }
        return (file.path, text, edited)
    }
    func edit(_ number: Int) -> SourceFile {
        let target = texts[number % texts.count]
        // The n-th edit of a target adds the `x` when n is even, removes it when odd.
        let round = number / texts.count
        return SourceFile(path: target.path, text: round % 2 == 0 ? target.edited : target.plain)
    }
    func report(_ what: String, open: Double, times: [Double], diagnostics: Int) {
        print("\(what)")
        print("  open       \(format(open))   (first check of every file)")
        print(
            "  edit       median \(format(median(times))), p90 \(format(percentile(times, 0.9))), max \(format(times.max() ?? 0))   (\(times.count) edits, edit -> diagnostics)"
        )
        print("  diagnostics \(diagnostics) after the last edit; peak RSS so far \(megabytes(peakRSS()))")
    }
    let bytes = files.reduce(0) { $0 + $1.bytes.count }
    print("workspace  \(args.workspace): \(files.count) files, \(megabytes(bytes)); \(args.threads) thread(s)")
    print("edited     " + texts.map(\.path).joined(separator: ", "))

    var mark = clock.now
    var session = CompilationSession(files: files, options: options)
    var diagnostics = session.check().diagnostics.count
    let sessionOpen = seconds(clock.now - mark)
    var times: [Double] = []
    for number in 0..<args.edits {
        let file = edit(number)
        mark = clock.now
        session.update(file: file)
        diagnostics = session.check().diagnostics.count
        times.append(seconds(clock.now - mark))
    }
    report("CompilationSession (update + check)", open: sessionOpen, times: times, diagnostics: diagnostics)
    session = CompilationSession()

    mark = clock.now
    var workspace = LanguageWorkspace(files: files, options: options)
    diagnostics = workspace.diagnostics().all.count
    let languageOpen = seconds(clock.now - mark)
    times = []
    for number in 0..<args.edits {
        let file = edit(number)
        let text = String(decoding: file.bytes, as: UTF8.self)
        mark = clock.now
        workspace.change(path: file.path, text: text)
        diagnostics = workspace.diagnostics(path: file.path).count
        times.append(seconds(clock.now - mark))
    }
    report(
        "LanguageWorkspace (change + diagnostics of the file)", open: languageOpen, times: times,
        diagnostics: diagnostics)
}
