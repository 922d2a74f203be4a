import Testing

/// The failures of one property test, with what they are known to be.
struct PropertyReport {
    var workspaces = 0
    /// Base workspaces left out (mutation test): they hold a known finding or check refuses them.
    var skippedBases = 0
    var renderings = 0
    var failures: [(seed: UInt64, message: String)] = []
    /// Known failures, by the known finding they are attributed to.
    var known: [String: Int] = [:]
    var knownExample: [String: String] = [:]

    /// The seeds each known finding was seen in.
    var knownSeeds: [String: Set<UInt64>] = [:]

    mutating func record(seed: UInt64, _ message: String, known names: [String]) {
        if let name = names.first {
            known[name, default: 0] += 1
            knownSeeds[name, default: []].insert(seed)
            if knownExample[name] == nil { knownExample[name] = "seed \(seed): \(message)" }
        } else {
            failures.append((seed, message))
        }
    }

    func finish(_ what: String, knownNames: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        let knownSummary = known.keys.sorted().map {
            "\($0) ×\(known[$0] ?? 0) in \(knownSeeds[$0]?.count ?? 0) workspaces"
        }.joined(separator: ", ")
        print(
            "SoundnessPropertyTests \(what): \(workspaces) workspaces"
                + (skippedBases > 0 ? " (\(skippedBases) bases with a known finding left out)" : "")
                + ", \(renderings) renderings, "
                + "\(failures.count) failures, known: [\(knownSummary)]")
        for name in known.keys.sorted() { print("  known \(name), e.g. \(knownExample[name]?.prefix(600) ?? "")") }
        for name in knownNames.subtracting(known.keys).sorted() {
            print("  known finding `\(name)` did not fail in this run: if it is fixed, remove it from `knownFindings`")
        }
        let shown = failures.prefix(8).map { "seed \($0.seed): \($0.message.prefix(1500))" }
        #expect(
            failures.isEmpty,
            "\(failures.count) failures in \(workspaces) \(what):\n\(shown.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}
