import AutoMail
import Liquid

extension LanguageWorkspace {
    /// What may be written at the cursor, filtered by what is already typed there:
    /// - inside `{{ }}` or `{% %}`: the Liquid variables the template may read, or after a `|` the filters;
    /// - after `template:` in a triggers file: the template ids;
    /// - after `answer:`: the questionnaire, then its checkbox and single-choice questions, then their
    ///   answers, one `/`-separated segment at a time;
    /// - after `support_level:`, `task:`, `sender:`/`default_sender:`, `purpose:`, `locale:`, `layout:`,
    ///   `delay:`/`once_per_contact:`: the declared ids, layout files or usual durations;
    /// - as a key under a template's `locales:` or the manifest's `footer:`/`data_origin:`: the workspace
    ///   locales not yet written there.
    ///
    /// Each item's edit replaces the word being typed. Empty anywhere else.
    public func completion(at location: DocumentLocation) -> [CompletionItem] {
        guard let (document, position) = clamped(location.path, location.range.start) else { return [] }
        let (lineNumber, offset) = document.lines.scalarOffset(of: position)
        let line = document.lines.lines[lineNumber]
        if let items = liquidCompletion(document, line: lineNumber, offset: offset) { return items }
        let before = Array(line[..<offset])
        if let items = valueCompletion(document, line: lineNumber, offset: offset, before: before) { return items }
        return keyCompletion(document, line: lineNumber, offset: offset, before: before)
    }

    // MARK: Liquid

    /// Completion inside a Liquid construct that opens before the cursor on the cursor's line or an
    /// earlier one and is not closed before it; `nil` outside every construct.
    private func liquidCompletion(_ document: Document, line: Int, offset: Int) -> [CompletionItem]? {
        let lines = document.lines.lines
        // Look back at most 20 lines for the opening delimiter.
        var scalars: [Unicode.Scalar] = []
        let first = max(0, line - 20)
        for number in first..<line {
            scalars += lines[number]
            scalars.append("\n")
        }
        let lineStart = scalars.count
        scalars += lines[line][..<offset]
        let scanner = LiquidDelimiters(scalars)
        var open: (Int, LiquidDelimiters.Construct)?
        var search = 0
        while let opening = scanner.nextOpening(from: search), let construct = scanner.opening(at: opening) {
            if let closing = scanner.closing(construct, from: opening + 2) {
                search = closing + 2
            } else {
                open = (opening, construct)
                break
            }
        }
        guard let (opening, _) = open else { return nil }
        var wordStart = scalars.count
        while wordStart > opening + 2, Self.isPathScalar(scalars[wordStart - 1]) { wordStart -= 1 }
        let typed = String(String.UnicodeScalarView(scalars[wordStart...]))
        var previous = wordStart
        while previous > opening + 2, LiquidDelimiters.isWhitespace(scalars[previous - 1]) { previous -= 1 }
        let afterPipe = previous > opening + 2 && scalars[previous - 1] == "|"
        let wordEnd = Self.extend(lines[line], from: offset, while: Self.isPathScalar)
        let range = DocumentRange(
            start: document.lines.position(line: line, scalarOffset: max(0, wordStart - lineStart)),
            end: document.lines.position(line: line, scalarOffset: wordEnd))
        if afterPipe {
            return LiquidTemplate.supportedFilters.filter { $0.hasPrefix(typed) }.map {
                CompletionItem(label: $0, kind: .filter, detail: "filter", edit: TextEdit(range: range, newText: $0))
            }
        }
        let catalog = VariableCatalog(manifest: workspace.manifest)
        let types = Dictionary(
            catalog.contactVariables.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        return catalog.names.sorted().filter { $0.hasPrefix(typed) }.map { name in
            let detail = types[name].map { "\($0), filled by the sender" } ?? "filled from automail.yaml"
            return CompletionItem(
                label: name, kind: types[name] == nil ? .manifestValue : .variable, detail: detail,
                edit: TextEdit(range: range, newText: name))
        }
    }

    static func isPathScalar(_ scalar: Unicode.Scalar) -> Bool {
        LiquidDelimiters.isWordScalar(scalar) || scalar == "." || scalar == "-"
    }

    /// The offset just past the run of scalars of `line` from `offset` that satisfy `predicate`.
    static func extend(_ line: [Unicode.Scalar], from offset: Int, while predicate: (Unicode.Scalar) -> Bool) -> Int {
        var end = min(max(offset, 0), line.count)
        while end < line.count, predicate(line[end]) { end += 1 }
        return end
    }

    // MARK: YAML values

    /// The key of a `key: value` line before the cursor, and where its value starts; `nil` when the
    /// cursor is not in a value.
    static func keyAndValueStart(_ before: [Unicode.Scalar]) -> (key: String, valueStart: Int)? {
        var index = 0
        while index < before.count, before[index] == " " || before[index] == "-" || before[index] == "\t" { index += 1 }
        let keyStart = index
        while index < before.count, LiquidDelimiters.isWordScalar(before[index]) { index += 1 }
        guard index > keyStart, index < before.count, before[index] == ":" else { return nil }
        let key = String(String.UnicodeScalarView(before[keyStart..<index]))
        index += 1
        guard index == before.count || before[index] == " " else { return nil }
        while index < before.count, before[index] == " " { index += 1 }
        if index < before.count, before[index] == "\"" || before[index] == "'" { index += 1 }
        return (key, index)
    }

    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        LiquidDelimiters.isWordScalar(scalar) || scalar == "-" || scalar == "/" || scalar == "."
    }

    private func valueCompletion(_ document: Document, line: Int, offset: Int, before: [Unicode.Scalar])
        -> [CompletionItem]?
    {
        guard let (key, valueStart) = Self.keyAndValueStart(before) else { return nil }
        let typed = Array(before[valueStart...])
        guard typed.allSatisfy(Self.isIDScalar) else { return [] }
        let scalarsOfLine = document.lines.lines[line]
        let model = workspace
        let manifest = model.manifest
        func items(
            _ names: [(String, String?)], _ kind: SymbolKind, segmentStart: Int = valueStart
        ) -> [CompletionItem] {
            let prefix = String(String.UnicodeScalarView(before[segmentStart...]))
            let end = Self.extend(scalarsOfLine, from: offset) { Self.isIDScalar($0) && $0 != "/" }
            let range = DocumentRange(
                start: document.lines.position(line: line, scalarOffset: segmentStart),
                end: document.lines.position(line: line, scalarOffset: end))
            var seen = Set<String>()
            return names.filter { !$0.0.isEmpty && $0.0.hasPrefix(prefix) && seen.insert($0.0).inserted }.map {
                CompletionItem(label: $0.0, kind: kind, detail: $0.1, edit: TextEdit(range: range, newText: $0.0))
            }
        }
        let defaultLocale = manifest?.defaultLocale
        switch (key, document.kind) {
        case ("template", .triggers?):
            return items(
                model.templates.map { template in
                    let subject = template.locales.first { $0.locale.value == defaultLocale }?.subject?.text
                    return (template.id.value, subject)
                }, .template)
        case ("answer", .triggers?):
            let segments = typed.split(separator: "/", omittingEmptySubsequences: false).map {
                String(String.UnicodeScalarView($0))
            }
            let segmentStart = valueStart + typed.count - (segments.last?.unicodeScalars.count ?? 0)
            let choice = { (question: Question) in
                question.type?.value == .checkbox || question.type?.value == .singleChoice
            }
            switch segments.count {
            case 1:
                return items(
                    model.questionnaires.filter { $0.questions.contains(where: choice) }
                        .map { ($0.id.value, $0.title?.value) }, .questionnaire, segmentStart: segmentStart)
            case 2:
                let questions = model.questionnaires.first { $0.id.value == segments[0] }?.questions ?? []
                return items(
                    questions.filter(choice).map {
                        (
                            $0.id.value,
                            [$0.type?.value.rawValue, $0.label?.value].compactMap { $0 }.joined(separator: ": ")
                        )
                    },
                    .question, segmentStart: segmentStart)
            case 3:
                let question = model.questionnaires.first { $0.id.value == segments[0] }?.questions
                    .first { $0.id.value == segments[1] }
                guard let question, choice(question) else { return [] }
                return items(
                    question.answers.map { ($0.id.value, $0.label?.value) }, .answer, segmentStart: segmentStart)
            default:
                return []
            }
        case ("support_level", .triggers?):
            let levels: [(String, String?)]
            if let declared = manifest?.supportLevels {
                levels = declared.map { ($0.id.value, $0.label?.value) }
            } else {
                levels = SupportLevel.defaultIDs.map { ($0, "the reference CRM's default level") }
            }
            return items(levels, .supportLevel)
        case ("task", .triggers?):
            return items((manifest?.tasks ?? []).map { ($0.id.value, $0.label?.value) }, .task)
        case ("sender", .template?), ("default_sender", .manifest?):
            return items((manifest?.senders ?? []).map { ($0.id.value, $0.address?.value) }, .sender)
        case ("purpose", .template?):
            return items((manifest?.consent.purposes ?? []).map { ($0.id.value, $0.label?.value) }, .purpose)
        case ("locale", .manifest?):
            return items((manifest?.locales ?? []).map { ($0.value, nil) }, .locale)
        case ("layout", .manifest?):
            return items(model.layoutFiles.keys.sorted().map { ($0, "email layout") }, .layout)
        case ("delay", .triggers?), ("once_per_contact", .triggers?):
            var durations = ["30m", "1h", "2h", "1d", "7d", "30d"].map { ($0, Optional("duration")) }
            if key == "once_per_contact" { durations.append(("forever", "at most once, ever")) }
            return items(durations, .duration)
        default:
            return nil
        }
    }

    // MARK: YAML keys

    /// Locales as keys under a template's `locales:`, the manifest's `footer:` or `legal.data_origin:`.
    private func keyCompletion(_ document: Document, line: Int, offset: Int, before: [Unicode.Scalar])
        -> [CompletionItem]
    {
        let indent = before.prefix { $0 == " " }.count
        let typed = before[indent...]
        guard indent > 0, typed.allSatisfy({ LiquidDelimiters.isWordScalar($0) || $0 == "-" }) else { return [] }
        let lines = document.lines.lines
        var parent: String?
        var number = line - 1
        while number >= 0 {
            let text = lines[number]
            let lead = text.prefix { $0 == " " }.count
            if lead < text.count, text[lead] != "#", lead < indent {
                let rest = Array(text[lead...])
                if let colon = rest.firstIndex(of: ":") { parent = String(String.UnicodeScalarView(rest[..<colon])) }
                break
            }
            number -= 1
        }
        guard let parent, let manifest = workspace.manifest else { return [] }
        let written: Set<String>
        switch (parent, document.kind) {
        case ("locales", .template?):
            written = Set(
                workspace.templates.filter { $0.file == document.path }.flatMap { $0.locales.map(\.locale.value) })
        case ("footer", .manifest?):
            written = Set(manifest.footerKeys)
        case ("data_origin", .manifest?):
            written = Set(manifest.legal?.dataOriginKeys ?? [])
        default:
            return []
        }
        let prefix = String(String.UnicodeScalarView(typed))
        let end = Self.extend(lines[line], from: offset) { LiquidDelimiters.isWordScalar($0) || $0 == "-" }
        let range = DocumentRange(
            start: document.lines.position(line: line, scalarOffset: indent),
            end: document.lines.position(line: line, scalarOffset: end))
        return manifest.locales.map(\.value).filter { !written.contains($0) && $0.hasPrefix(prefix) }.map {
            CompletionItem(
                label: $0, kind: .locale, detail: $0 == manifest.defaultLocale ? "default locale" : "locale",
                edit: TextEdit(range: range, newText: $0 + ":"))
        }
    }
}
