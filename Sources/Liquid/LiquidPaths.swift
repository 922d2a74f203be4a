/// One block outcome on a path: the block tag, and which of its outcomes the path takes.
public struct LiquidDecision: Sendable, Hashable {
    /// The tag of the branch taken (`{% elsif … %}`, `{% when … %}`, `{% else %}`), or, where the
    /// path takes no branch or skips the one asked about, that tag; Unicode-scalar offsets.
    public var tag: Range<Int>
    /// Which outcome: for `if`/`unless`/`elsif`, 0 renders the branch and 1 skips it; for `case`, the
    /// index of the `when` that matches, or the number of `when`s for none.
    public var choice: Int
    /// How many outcomes the block had.
    public var arity: Int
}

/// One rendering of a template along one path through the blocks that depend on the contact.
public struct LiquidPathRendering: Sendable {
    /// What the template rendered along this path.
    public var output: String
    /// The decisions taken, in the order they were met.
    public var decisions: [LiquidDecision]
}

/// Every path through a template, or as many as the limit allowed.
public struct LiquidPathExploration: Sendable {
    /// One rendering per path, in depth-first order of the decisions.
    public var renderings: [LiquidPathRendering]
    /// Whether paths were left out because there were more than the limit.
    public var truncated: Bool
}

/// The branch choices of one rendering: replays `script`, then takes the first outcome of every new
/// block, recording what it took.
struct PathChooser {
    let knownRoots: Set<String>
    var script: [Int]
    var decisions: [LiquidDecision] = []

    var nextChoice: Int { decisions.count < script.count ? script[decisions.count] : 0 }

    mutating func choose(arity: Int, tag: Range<Int>) -> Int {
        let choice = min(nextChoice, max(0, arity - 1))
        decisions.append(LiquidDecision(tag: tag, choice: choice, arity: arity))
        return choice
    }
}

extension LiquidTemplate {
    /// Renders the template once along every path through its blocks, for the contact in `context`.
    ///
    /// A block whose condition (or `case` subject or candidate) reads only literals and variables under
    /// `knownRoots` (the values automail fills in, the same for every contact) is evaluated as usual.
    /// Every other block is forked: an `if`/`unless`/`elsif` condition both holds and fails, and a
    /// `case` matches each `when` in turn, then none. Conditions are treated as independent, so the
    /// paths include every path a real contact can take, and perhaps some no contact can. Values are
    /// those of `context`: the caller renders with as many contexts as the values it must cover.
    ///
    /// - Returns: `nil` when a rendering fails (as Liquid would raise); at most `limit` renderings, with
    ///   `truncated` set when there were more paths.
    public func renderEveryPath(_ context: LiquidValue, knownRoots: Set<String>, limit: Int) -> LiquidPathExploration? {
        var globals: [String: LiquidValue] = [:]
        if case .object(let object) = context { globals = object }
        var renderings: [LiquidPathRendering] = []
        var script: [Int] = []
        while true {
            var renderer = Renderer(globals: globals)
            renderer.chooser = PathChooser(knownRoots: knownRoots, script: script)
            var output = ""
            do {
                try renderer.render(nodes, into: &output)
            } catch {
                return nil
            }
            let decisions = renderer.chooser?.decisions ?? []
            renderings.append(LiquidPathRendering(output: output, decisions: decisions))
            // The next path: the last decision with an outcome left moves to it; later ones start over.
            var made = decisions
            while let last = made.last, last.choice + 1 >= last.arity { made.removeLast() }
            guard let last = made.popLast() else {
                return LiquidPathExploration(renderings: renderings, truncated: false)
            }
            if renderings.count >= limit { return LiquidPathExploration(renderings: renderings, truncated: true) }
            script = made.map(\.choice) + [last.choice + 1]
        }
    }

    /// Each `assign` and `capture` in the template, in source order: the name it binds and the range of
    /// its (opening) tag.
    public var bindings: [(name: String, range: Range<Int>)] {
        // Without an `assign` or `capture` tag (most templates) there is nothing to find: no walk.
        guard bindsNames else { return [] }
        var found: [(String, Range<Int>)] = []
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .assign(let name, _, let range): found.append((name, range))
                case .capture(let name, let body, let range):
                    // The block's range runs to `endcapture`: point at its opening tag.
                    found.append((name, tags.first { $0.range.lowerBound == range.lowerBound }?.range ?? range))
                    walk(body)
                case .conditional(let branches, _, _, _): for branch in branches { walk(branch.body) }
                case .caseTag(_, let branches, _, _): for branch in branches { walk(branch.body) }
                case .text, .output, .raw, .comment: break
                }
            }
        }
        walk(nodes)
        return found
    }
}

extension LiquidTemplate {
    /// Whether every rendering of the template, on every path and for every context, holds an ASCII
    /// letter or digit that is a character of its own: a text (or `raw` body) outside every block holds
    /// one right after another ASCII byte. Top-level texts are written as they are on every rendering
    /// (a rendering that fails has no output at all), and after an ASCII byte (not a carriage return
    /// before a line feed, nor a prepended or joining scalar) a character always begins, so that
    /// character is the letter or digit, `isLetter` or `isNumber`, whatever the rendering puts around it.
    public var alwaysRendersASCIIAlphanumeric: Bool {
        for node in nodes {
            switch node {
            case .text(let text), .raw(let text):
                var previousIsASCII = false
                for byte in text.utf8 {
                    let isAlphanumeric =
                        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    if isAlphanumeric && previousIsASCII { return true }
                    previousIsASCII = byte < 0x80
                }
            default: continue
            }
        }
        return false
    }
}
