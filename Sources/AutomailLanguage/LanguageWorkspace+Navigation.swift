import AutoMail
import Diagnostics

extension LanguageWorkspace {
    /// Where the id under the cursor is defined: a template's `id:`, a questionnaire's, question's or
    /// answer's `id:`, a support level, task, sender, purpose, locale or contact field of `automail.yaml`,
    /// the layout file, the `legal` value or workspace `id`/`name` a Liquid variable reads. Empty when
    /// the cursor is on no id, or on one that is defined nowhere (a typo, a built-in variable).
    public func definition(at location: DocumentLocation) -> [DocumentLocation] {
        guard let occurrence = occurrence(at: location) else { return [] }
        return index.all(occurrence.kind, occurrence.key).filter(\.isDefinition)
            .map { DocumentLocation(path: $0.path, range: $0.range) }
    }

    /// Every place the id under the cursor is written, its definition first when
    /// `includeDeclaration` (LSP `textDocument/references`).
    public func references(at location: DocumentLocation, includeDeclaration: Bool = true) -> [DocumentLocation] {
        guard let occurrence = occurrence(at: location) else { return [] }
        let all = index.all(occurrence.kind, occurrence.key)
        let definitions = all.filter(\.isDefinition)
        let uses = all.filter { !$0.isDefinition }
        return ((includeDeclaration ? definitions : []) + uses).map { DocumentLocation(path: $0.path, range: $0.range) }
    }

    /// The id under the cursor, with what it names.
    func occurrence(at location: DocumentLocation) -> Occurrence? {
        guard let (_, position) = clamped(location.path, location.range.start) else { return nil }
        return index.occurrence(at: position, in: location.path)
    }

    // MARK: - Symbols and links

    /// The outline of one file: a template and its locales; a questionnaire, its questions and their
    /// answers; each trigger with its event and template; the manifest's locales, senders, purposes,
    /// contact fields, support levels and tasks. Empty for a file the workspace does not read.
    public func documentSymbols(path: String) -> [DocumentSymbol] {
        guard let document = documents[path] else { return [] }
        let model = workspace
        func symbol(
            _ located: Located<String>, _ kind: SymbolKind, detail: String? = nil, extent: [SourceRange?] = [],
            children: [DocumentSymbol] = []
        ) -> DocumentSymbol? {
            guard located.range.file == path, let selection = document.idRange(of: located) else { return nil }
            var range = selection
            for part in extent.compactMap({ $0 }) where part.file == path {
                let converted = document.lines.range(of: part)
                range = DocumentRange(start: min(range.start, converted.start), end: max(range.end, converted.end))
            }
            for child in children {
                range = DocumentRange(start: min(range.start, child.range.start), end: max(range.end, child.range.end))
            }
            return DocumentSymbol(
                name: located.value, detail: detail, kind: kind, range: range, selectionRange: selection,
                children: children)
        }
        switch document.kind {
        case .template:
            return model.templates.filter { $0.file == path }.compactMap { template in
                let locales = template.locales.compactMap { content in
                    symbol(
                        content.locale, .locale, detail: content.subject?.text,
                        extent: [content.subject?.range, content.body?.range, content.footer?.range])
                }
                return symbol(
                    template.id, .template, detail: template.purpose.map { "purpose: \($0.value)" }, children: locales)
            }
        case .questionnaire:
            return model.questionnaires.filter { $0.file == path }.compactMap { questionnaire in
                let questions = questionnaire.questions.compactMap { question in
                    let answers = question.answers.compactMap { answer in
                        symbol(answer.id, .answer, detail: answer.label?.value, extent: [answer.label?.range])
                    }
                    return symbol(
                        question.id, .question, detail: question.type?.value.rawValue,
                        extent: [question.type?.range, question.label?.range], children: answers)
                }
                return symbol(questionnaire.id, .questionnaire, detail: questionnaire.title?.value, children: questions)
            }
        case .triggers:
            return model.triggers.filter { $0.file == path }.compactMap { trigger in
                let detail = [trigger.event?.key, trigger.template.map { "→ \($0.value)" }].compactMap { $0 }
                    .joined(separator: " ")
                return symbol(
                    trigger.id, .trigger, detail: detail.isEmpty ? nil : detail,
                    extent: [
                        trigger.eventRange, trigger.template?.range, trigger.priority?.range,
                        trigger.delaySeconds?.range, trigger.oncePerContact?.range,
                    ])
            }
        case .manifest:
            guard let manifest = model.manifest else { return [] }
            var symbols: [DocumentSymbol?] = []
            symbols += manifest.locales.map { symbol($0, .locale) }
            symbols += manifest.senders.map {
                symbol(
                    $0.id, .sender, detail: $0.address?.value,
                    extent: [$0.name?.range, $0.address?.range, $0.replyTo?.range])
            }
            symbols += manifest.consent.purposes.map {
                symbol($0.id, .purpose, detail: $0.label?.value, extent: [$0.label?.range])
            }
            symbols += manifest.contactFields.map {
                symbol(
                    $0.id, .contactField, detail: $0.type?.value.rawValue, extent: [$0.type?.range, $0.label?.range])
            }
            symbols += (manifest.supportLevels ?? []).map {
                symbol($0.id, .supportLevel, detail: $0.label?.value, extent: [$0.label?.range])
            }
            symbols += manifest.tasks.map { symbol($0.id, .task, detail: $0.label?.value, extent: [$0.label?.range]) }
            return symbols.compactMap { $0 }
        case .layout, nil:
            return []
        }
    }

    /// The links of one file: in `automail.yaml`, the privacy page (`legal.privacy_url`), the logo
    /// (`brand.logo.url`) and the custom layout file (`layout`).
    public func documentLinks(path: String) -> [DocumentLink] {
        guard let document = documents[path], document.kind == .manifest, let manifest = workspace.manifest else {
            return []
        }
        var links: [DocumentLink] = []
        func url(_ located: Located<String>?, _ tooltip: String) {
            guard let located, located.range.file == path, let range = document.idRange(of: located),
                located.value.hasPrefix("https://") || located.value.hasPrefix("http://")
            else { return }
            links.append(DocumentLink(range: range, url: located.value, path: nil, tooltip: tooltip))
        }
        url(manifest.legal?.privacyURL, "the privacy and data-rights page")
        url(manifest.brand?.logo?.url, "the logo")
        if let layout = manifest.layout, layout.range.file == path, let range = document.idRange(of: layout),
            documents[layout.value] != nil
        {
            links.append(DocumentLink(range: range, url: nil, path: layout.value, tooltip: "the email layout"))
        }
        return links
    }

    // MARK: - Rename

    /// The kinds of id a rename may change: those defined by an `id:` of the workspace.
    static let renamable: Set<SymbolKind> = [
        .template, .trigger, .questionnaire, .question, .answer, .supportLevel, .task, .sender, .purpose, .contactField,
    ]

    /// The range of the id under the cursor and its name, when it can be renamed (LSP
    /// `prepareRename`); a refusal says why not.
    public func prepareRename(at location: DocumentLocation) -> Result<RenameTarget, RenameError> {
        guard let occurrence = occurrence(at: location) else { return .failure(RenameError("no id to rename here")) }
        guard Self.renamable.contains(occurrence.kind) else {
            return .failure(RenameError("a \(Self.noun(occurrence.kind)) cannot be renamed here"))
        }
        let name = occurrence.key.split(separator: "/").last.map(String.init) ?? occurrence.key
        return .success(RenameTarget(range: occurrence.range, name: name, kind: occurrence.kind))
    }

    /// Renames the id under the cursor to `newName` wherever it is written: its definition and every
    /// reference, in every file (a template in its `id:` and every trigger's `template:`; a question in
    /// its questionnaire and every answer path; a contact field in `automail.yaml` and every Liquid text
    /// that reads it). Refused with a message when the cursor is on no renamable id, when it is
    /// defined nowhere, or when `newName` is not a valid id or is already taken.
    public func rename(at location: DocumentLocation, newName: String) -> Result<WorkspaceEdit, RenameError> {
        guard let occurrence = occurrence(at: location) else { return .failure(RenameError("no id to rename here")) }
        let kind = occurrence.kind
        guard Self.renamable.contains(kind) else {
            return .failure(RenameError("a \(Self.noun(kind)) cannot be renamed here"))
        }
        guard Syntax.isValidID(newName) else {
            return .failure(
                RenameError(
                    "`\(newName)` is not a valid id: lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters"
                ))
        }
        let all = index.all(kind, occurrence.key)
        guard all.contains(where: \.isDefinition) else {
            return .failure(
                RenameError("`\(occurrence.key)` is defined nowhere in the workspace: declare it before renaming it"))
        }
        let scope = occurrence.key.split(separator: "/").dropLast().joined(separator: "/")
        let newKey = scope.isEmpty ? newName : scope + "/" + newName
        if newKey == occurrence.key { return .success(WorkspaceEdit()) }
        if index.all(kind, newKey).contains(where: \.isDefinition) {
            return .failure(RenameError("a \(Self.noun(kind)) `\(newName)` already exists"))
        }
        var changes: [String: [TextEdit]] = [:]
        for use in all {
            changes[use.path, default: []].append(TextEdit(range: use.range, newText: newName))
        }
        for path in changes.keys {
            var seen = Set<DocumentRange>()
            changes[path] = changes[path]?.filter { seen.insert($0.range).inserted }.sorted { $0.range < $1.range }
        }
        return .success(WorkspaceEdit(changes: changes))
    }

    /// How a message names a kind.
    static func noun(_ kind: SymbolKind) -> String {
        switch kind {
        case .template: "template"
        case .trigger: "trigger"
        case .questionnaire: "questionnaire"
        case .question: "question"
        case .answer: "answer"
        case .supportLevel: "support level"
        case .task: "task"
        case .sender: "sender"
        case .purpose: "purpose"
        case .locale: "locale"
        case .layout: "layout"
        case .contactField: "contact field"
        case .manifestValue: "manifest value"
        case .variable: "variable the sender provides"
        case .filter: "filter"
        case .duration: "duration"
        }
    }
}
