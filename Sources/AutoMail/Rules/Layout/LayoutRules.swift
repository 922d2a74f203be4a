import Diagnostics
import Liquid
import MailRendering
import YAMLSource

/// AM615–AM617 and the Liquid rules for the custom layout named by `layout:` in `automail.yaml`: the
/// file exists in `layouts/`, has exactly one `{{ content }}` slot and at most one `{{ footer }}`,
/// holds no active content (scripts, event handlers, `javascript:` URLs…), and its Liquid reads only
/// known variables.
struct LayoutRules {
    let variables: VariableCatalog

    /// The slots a layout may use besides the template variables.
    static let slotNames: Set<String> = ["content", "footer"]

    func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let reference = workspace.manifest?.layout else { return }
        guard let file = workspace.layoutFiles[reference.value] else {
            let known = workspace.layoutFiles.keys.sorted()
            // `layout: email` or `layout: email.html`: the layout named without its folder, where its path goes.
            let base = reference.value.split(separator: "/").last.map(String.init) ?? reference.value
            let path = known.first { $0 == "layouts/\(base)" || $0 == "layouts/\(base).html" }
            bag.report(
                .unknownLayout, "layout file `\(reference.value)` does not exist", at: reference.range,
                help: path.map { "`layout` takes the file's path in the workspace: write `\($0)`" }
                    ?? DidYouMean.help(for: reference.value, among: known)
                    ?? "create `\(reference.value)` (an HTML file in `layouts/` with a `{{ content }}` slot), or remove `layout`"
            )
            return
        }
        // A layout is a workspace file like the others: UTF-8, no NUL byte, no invisible character.
        let textProblems = YAMLParser.checkText(file)
        for problem in textProblems { bag.report(problem) }
        if textProblems.contains(where: { $0.code != .yamlHiddenCharacter }) { return }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            bag.report(
                .yamlInvalidUTF8, "`\(file.path)` is not valid UTF-8", at: .startOf(file: file.path),
                help: "save the layout as UTF-8")
            return
        }
        let positions = TextPositions(text, file: file.path)
        for issue in MailRendering.validateLayout(text) {
            bag.report(
                .layoutSlots, issue.message, at: positions.range(issue.range), help: issue.help)
        }
        for slot in MailRendering.hiddenLayoutSlots(text) {
            let what = slot.name == "footer" ? "the legal footer" : "the email's content"
            bag.report(
                .layoutSlots, "layout `\(file.path)` hides its `{{ \(slot.name) }}` slot from some readers",
                at: positions.range(slot.range),
                help:
                    "show \(what) to every contact: take the slot out of comments, hidden or styled-away elements (`display:none`, zero font size…) and conditions"
            )
        }
        let sourceFindings = Self.activeContent(in: text)
        for (range, what) in sourceFindings {
            bag.report(
                .unsafeLayoutHTML, "\(what) in layout `\(file.path)`", at: positions.range(range),
                help: "remove it: email clients strip or block active content, and a bundle must not carry it")
        }
        let parsed = LiquidTemplate.parse(text)
        // The source scan gives precise positions; the rendered HTML is what readers get: the layout is
        // rendered on every path and held to the allow-list, and what the source scan did not see is reported.
        // Rendered as the bundle holds it: every output ends with the escape filters, so a legal value
        // such as `<Tenants>` prints as text, not as an element.
        if parsed.template != nil, let manifest = workspace.manifest,
            let template = LiquidTemplate.parse(LiquidTemplate.appendingEscapeToOutputs(text)).template
        {
            let seen = Set(sourceFindings.map(\.1))
            let lowered = String(
                String.UnicodeScalarView(
                    text.unicodeScalars.map {
                        $0.isASCII ? Unicode.Scalar(UInt8($0.value).lowercasedASCII) : $0
                    }))
            for finding in renderedActiveContent(template, manifest: manifest) where !seen.contains(finding.description)
            {
                // At its name in the source when the source spells it, else at the start of the layout.
                let place =
                    lowered.range(of: finding.name).map { found -> SourceRange in
                        let start = lowered.unicodeScalars.distance(
                            from: lowered.unicodeScalars.startIndex, to: found.lowerBound)
                        return positions.range(start..<(start + finding.name.unicodeScalars.count))
                    } ?? .startOf(file: file.path)
                bag.report(
                    .unsafeLayoutHTML, "\(finding.description) in layout `\(file.path)` once rendered", at: place,
                    help:
                        "write static HTML: only the elements, attributes and link schemes (`https`, `mailto`…) of email HTML are allowed, however Liquid or character references spell them"
                )
            }
        }
        for issue in parsed.issues {
            let code: DiagnosticCode =
                switch issue.kind {
                case .unsupportedTag, .unsupportedFilter, .unsupportedSyntax: .unsupportedLiquid
                default: .liquidSyntax
                }
            bag.report(
                code, "\(issue.message) in layout `\(file.path)`", at: positions.range(issue.range), help: issue.help)
        }
        for reference in parsed.template?.variables ?? [] {
            if reference.path.count == 1, let name = reference.path.first, Self.slotNames.contains(name) { continue }
            guard !variables.allows(reference.path) else { continue }
            let name = reference.path.joined(separator: ".")
            bag.report(
                .unknownVariable, "unknown variable `\(name)` in layout `\(file.path)`",
                at: positions.range(reference.range),
                help: DidYouMean.help(for: name, among: variables.names.union(Self.slotNames))
                    ?? "a layout reads `{{ content }}`, `{{ footer }}` and the template variables")
        }
    }

    /// A marker body and footer the rendered layout is checked with.
    static let sentinelContent = "<p>automail-content</p>"
    static let sentinelFooter = "<p>automail-footer</p>"

    /// What ``ActiveContent`` refuses in the layout rendered along every path through its Liquid
    /// (``LiquidTemplate/renderEveryPath(_:knownRoots:limit:)``), with the manifest's globals in every
    /// locale, marker contact values, and marker body and footer.
    func renderedActiveContent(_ template: LiquidTemplate, manifest: Manifest) -> [ActiveContent.Finding] {
        var found: [ActiveContent.Finding] = []
        var locales = manifest.legal?.dataOrigin.map(\.locale.value) ?? []
        if locales.isEmpty { locales = [""] }
        for locale in locales {
            for filled in [false, true] {
                var context: [String: LiquidValue] = [:]
                if case .object(let members) = RenderContext.sample(
                    manifest: manifest, locale: locale, variables: variables, filled: filled,
                    unsubscribeURL: FooterRules.unsubscribeSentinel)
                {
                    context = members
                }
                context["content"] = .string(Self.sentinelContent)
                context["footer"] = .string(Self.sentinelFooter)
                guard
                    let exploration = template.renderEveryPath(
                        .object(context), knownRoots: FooterRules.knownRoots, limit: FooterRules.maximumPaths)
                else { continue }
                for rendering in exploration.renderings {
                    for finding in ActiveContent.findings(in: rendering.output) where !found.contains(finding) {
                        found.append(finding)
                    }
                }
            }
        }
        return found
    }

    /// Active content in layout HTML, with its Unicode-scalar range and a description: elements that run
    /// code or load or submit elsewhere, `on…=` event-handler attributes, and `javascript:`, `vbscript:`
    /// or `data:` URLs. Matching is case-insensitive on ASCII.
    static func activeContent(in text: String) -> [(Range<Int>, String)] {
        let scalars = Array(text.unicodeScalars)
        let lower = scalars.map { $0.isASCII ? Unicode.Scalar(UInt8($0.value).lowercasedASCII) : $0 }
        var found: [(Range<Int>, String)] = []
        func matches(_ word: String, at index: Int) -> Bool {
            let w = Array(word.unicodeScalars)
            guard index + w.count <= lower.count else { return false }
            return lower[index..<(index + w.count)].elementsEqual(w)
        }
        let elements = ["script", "iframe", "object", "embed", "form", "base", "meta", "link", "frame", "applet"]
        let schemes = ["javascript:", "vbscript:", "data:"]
        var index = 0
        while index < lower.count {
            let c = lower[index]
            if c == "<" {
                let nameStart = index + 1 + (index + 1 < lower.count && lower[index + 1] == "/" ? 1 : 0)
                if let element = elements.first(where: { matches($0, at: nameStart) }) {
                    let after = nameStart + element.unicodeScalars.count
                    if after >= lower.count || !(lower[after].properties.isAlphabetic || lower[after] == "-") {
                        found.append((index..<after, "`<\(element)>` element"))
                    }
                }
            } else if c == "o", index + 2 < lower.count, lower[index + 1] == "n", index > 0,
                lower[index - 1] == " " || lower[index - 1] == "\t" || lower[index - 1] == "\n"
                    || lower[index - 1] == "/"
            {
                var end = index + 2
                while end < lower.count, ("a"..."z").contains(lower[end]) { end += 1 }
                var equals = end
                while equals < lower.count, lower[equals] == " " { equals += 1 }
                if end > index + 2, equals < lower.count, lower[equals] == "=" {
                    found.append(
                        (
                            index..<end,
                            "event handler attribute `\(String(String.UnicodeScalarView(scalars[index..<end])))`"
                        ))
                }
            } else if let scheme = schemes.first(where: { matches($0, at: index) }),
                index == 0 || !(lower[index - 1].properties.isAlphabetic)
            {
                let length = scheme.unicodeScalars.count
                found.append((index..<(index + length), "`\(scheme)` URL"))
                index += length
                continue
            }
            index += 1
        }
        return found
    }
}

extension UInt8 {
    fileprivate var lowercasedASCII: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}

/// Line and column of Unicode-scalar offsets in a plain text file (a layout), counted as libyaml
/// and editors count them: 1-based, columns in Unicode scalars, LF or CRLF line ends.
struct TextPositions {
    let file: String
    /// The scalar offset at which each line starts.
    private let lineStarts: [Int]

    init(_ text: String, file: String) {
        self.file = file
        var starts = [0]
        for (offset, scalar) in text.unicodeScalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    func position(_ offset: Int) -> SourcePosition {
        // The last line start at or before `offset` (binary search).
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    func range(_ range: Range<Int>) -> SourceRange {
        SourceRange(file: file, start: position(range.lowerBound), end: position(range.upperBound))
    }
}
