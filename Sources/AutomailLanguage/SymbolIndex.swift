import AutoMail
import Diagnostics
import Liquid
import YAMLSource

/// One place an id is written: where it is defined or where it is used.
struct Occurrence: Sendable, Hashable {
    /// What the id names.
    var kind: SymbolKind
    /// The id, qualified where it is only unique in a scope: `questionnaire/question` for a question,
    /// `questionnaire/question/answer` for an answer, `contact.firstname` for a variable.
    var key: String
    /// The file it is written in.
    var path: String
    /// Exactly the id's characters (without quotes); the start of the file for a layout's definition.
    var range: DocumentRange
    /// Whether this is the definition.
    var isDefinition: Bool
}

/// Every id of a workspace, defined or used, with its range: what navigation, hover and rename read.
/// Built from the decoded model (every value is `Located`) and, for Liquid variables, from the Liquid
/// texts' own references located in their YAML scalars.
struct SymbolIndex: Sendable {
    /// One occurrence, as the file group that holds it and its position in the group's occurrences.
    /// Ordered as the occurrences of every group one after the other, groups in path order: the order
    /// in which ``occurrence(at:in:)`` and ``all(_:_:)`` break ties.
    private struct Reference: Sendable, Comparable {
        var group: String
        var index: Int

        static func < (lhs: Reference, rhs: Reference) -> Bool {
            lhs.group != rhs.group ? lhs.group < rhs.group : lhs.index < rhs.index
        }
    }

    /// The references of each file's occurrences, in ``Reference`` order.
    private var byFile: [String: [Reference]] = [:]
    /// The references of each kind and key's occurrences (in no particular order: ``all(_:_:)`` sorts).
    private var byKey: [String: [Reference]] = [:]

    /// What one file's occurrences are computed from: the file's text (its pieces of the model are decoded
    /// from it alone, with the session's options, which never change), the manifest's text and the layout
    /// files (which custom fields and layouts exist). When none of it changed, the previous index's
    /// occurrences of that file are kept, and so are the tables' references to them: an edit re-indexes
    /// one file and updates the tables for its occurrences alone.
    struct Stamp: Sendable, Equatable {
        var text: String?
        var manifestText: String
        var layouts: [String]
    }

    /// Each model file's stamp and occurrences, by path.
    private var groups: [String: (stamp: Stamp, occurrences: [Occurrence])] = [:]

    init(workspace: Workspace, documents: [String: Document], reusing previous: SymbolIndex? = nil) {
        let manifest = workspace.manifest
        let manifestText = manifest.flatMap { documents[$0.file]?.text } ?? ""
        let layouts = workspace.layoutFiles.keys.sorted()
        if let previous {
            groups = previous.groups
            byFile = previous.byFile
            byKey = previous.byKey
        }
        // The files the model comes from, each with its stamp; those whose stamp changed are indexed again.
        var files: [String: Stamp] = [:]
        func note(_ file: String) {
            guard files[file] == nil else { return }
            files[file] = Stamp(text: documents[file]?.text, manifestText: manifestText, layouts: layouts)
        }
        for questionnaire in workspace.questionnaires { note(questionnaire.file) }
        for template in workspace.templates { note(template.file) }
        for trigger in workspace.triggers { note(trigger.file) }
        if let manifest { note(manifest.file) }
        var changed: Set<String> = []
        for (file, stamp) in files where groups[file]?.stamp != stamp { changed.insert(file) }
        let removed = groups.keys.filter { files[$0] == nil }
        guard !changed.isEmpty || !removed.isEmpty else { return }
        // The changed files' pieces of the model, in the model's order.
        let empty = Workspace(manifest: nil, questionnaires: [], templates: [], triggers: [])
        var pieces: [String: Workspace] = [:]
        for questionnaire in workspace.questionnaires where changed.contains(questionnaire.file) {
            pieces[questionnaire.file, default: empty].questionnaires.append(questionnaire)
        }
        for template in workspace.templates where changed.contains(template.file) {
            pieces[template.file, default: empty].templates.append(template)
        }
        for trigger in workspace.triggers where changed.contains(trigger.file) {
            pieces[trigger.file, default: empty].triggers.append(trigger)
        }
        if let manifest, changed.contains(manifest.file) { pieces[manifest.file, default: empty].manifest = manifest }
        // The tables' references to the old occurrences of every changed or removed group go first.
        var touchedFiles: Set<String> = []
        for group in Array(changed) + removed {
            guard let old = groups[group] else { continue }
            var keys: Set<String> = []
            var paths: Set<String> = []
            for occurrence in old.occurrences {
                keys.insert(Self.key(occurrence.kind, occurrence.key))
                paths.insert(occurrence.path)
            }
            for key in keys {
                byKey[key]?.removeAll { $0.group == group }
                if byKey[key]?.isEmpty == true { byKey[key] = nil }
            }
            for path in paths {
                byFile[path]?.removeAll { $0.group == group }
                if byFile[path]?.isEmpty == true { byFile[path] = nil }
            }
            groups[group] = nil
        }
        for group in changed {
            guard let stamp = files[group] else { continue }
            var builder = Builder(documents: documents, manifest: manifest, layouts: layouts)
            builder.collect(pieces[group] ?? empty)
            groups[group] = (stamp, builder.occurrences)
            for (index, occurrence) in builder.occurrences.enumerated() {
                let reference = Reference(group: group, index: index)
                byFile[occurrence.path, default: []].append(reference)
                byKey[Self.key(occurrence.kind, occurrence.key), default: []].append(reference)
                touchedFiles.insert(occurrence.path)
            }
        }
        for path in touchedFiles { byFile[path]?.sort() }
    }

    static func key(_ kind: SymbolKind, _ key: String) -> String { kind.rawValue + "\u{0}" + key }

    /// The occurrence `reference` points to.
    private func resolve(_ reference: Reference) -> Occurrence? {
        guard let occurrences = groups[reference.group]?.occurrences, occurrences.indices.contains(reference.index)
        else { return nil }
        return occurrences[reference.index]
    }

    /// The narrowest occurrence whose range holds `position` in `path`.
    func occurrence(at position: DocumentPosition, in path: String) -> Occurrence? {
        inFile(path)
            .filter { $0.range.contains(position) && !($0.isDefinition && $0.kind == .layout) }
            .min { lhs, rhs in
                (lhs.range.end.line - lhs.range.start.line, lhs.range.end.character - lhs.range.start.character)
                    < (rhs.range.end.line - rhs.range.start.line, rhs.range.end.character - rhs.range.start.character)
            }
    }

    /// Every occurrence of `kind` and `key`, in path and position order (ties in ``Reference`` order).
    func all(_ kind: SymbolKind, _ key: String) -> [Occurrence] {
        (byKey[Self.key(kind, key)] ?? []).sorted().compactMap { resolve($0) }
            .sorted { ($0.path, $0.range) < ($1.path, $1.range) }
    }

    /// The occurrences of one file.
    func inFile(_ path: String) -> [Occurrence] { (byFile[path] ?? []).compactMap { resolve($0) } }

    /// Collects occurrences.
    private struct Builder {
        let documents: [String: Document]
        /// The variables a template may read, and the custom contact fields among them.
        let catalog: VariableCatalog
        let customFields: Set<String>
        /// The layout files of the workspace.
        let layouts: [String]
        var occurrences: [Occurrence] = []

        init(documents: [String: Document], manifest: Manifest?, layouts: [String]) {
            self.documents = documents
            catalog = VariableCatalog(manifest: manifest)
            customFields = Set(manifest?.contactFields.map(\.id.value) ?? [])
            self.layouts = layouts
        }

        mutating func add(_ kind: SymbolKind, _ key: String, _ located: Located<String>?, definition: Bool = false) {
            guard let located, !located.value.isEmpty, let document = documents[located.range.file] else { return }
            guard let range = document.idRange(of: located) else { return }
            occurrences.append(
                Occurrence(kind: kind, key: key, path: located.range.file, range: range, isDefinition: definition))
        }

        /// The occurrences of `workspace`'s pieces (one file's).
        mutating func collect(_ workspace: Workspace) {
            if let manifest = workspace.manifest { collect(manifest) }
            for questionnaire in workspace.questionnaires {
                let q = questionnaire.id.value
                add(.questionnaire, q, questionnaire.id, definition: true)
                for question in questionnaire.questions {
                    add(.question, q + "/" + question.id.value, question.id, definition: true)
                    for answer in question.answers {
                        add(.answer, q + "/" + question.id.value + "/" + answer.id.value, answer.id, definition: true)
                    }
                }
            }
            for template in workspace.templates {
                add(.template, template.id.value, template.id, definition: true)
                add(.sender, template.sender?.value ?? "", template.sender)
                add(.purpose, template.purpose?.value ?? "", template.purpose)
                for content in template.locales {
                    add(.locale, content.locale.value, content.locale)
                    for text in [content.subject, content.body, content.footer, content.preheader].compactMap({ $0 }) {
                        collectLiquid(in: text, customFields: customFields, catalog: catalog)
                    }
                }
            }
            for trigger in workspace.triggers {
                add(.trigger, trigger.id.value, trigger.id, definition: true)
                add(.template, trigger.template?.value ?? "", trigger.template)
                switch trigger.event {
                case .answer(let questionnaire, let question, let answer):
                    add(.questionnaire, questionnaire.value, questionnaire)
                    add(.question, questionnaire.value + "/" + question.value, question)
                    add(.answer, questionnaire.value + "/" + question.value + "/" + answer.value, answer)
                case .supportLevel(let level): add(.supportLevel, level.value, level)
                case .task(let task): add(.task, task.value, task)
                case nil: break
                }
            }
        }

        mutating func collect(_ manifest: Manifest) {
            for locale in manifest.locales { add(.locale, locale.value, locale, definition: true) }
            for sender in manifest.senders { add(.sender, sender.id.value, sender.id, definition: true) }
            add(.sender, manifest.defaultSender?.value ?? "", manifest.defaultSender)
            for purpose in manifest.consent.purposes { add(.purpose, purpose.id.value, purpose.id, definition: true) }
            for field in manifest.contactFields { add(.contactField, field.id.value, field.id, definition: true) }
            for level in manifest.supportLevels ?? [] { add(.supportLevel, level.id.value, level.id, definition: true) }
            for task in manifest.tasks { add(.task, task.id.value, task.id, definition: true) }
            for sample in manifest.samples { add(.locale, sample.locale?.value ?? "", sample.locale) }
            for footer in manifest.footers { add(.locale, footer.locale.value, footer.locale) }
            if let legal = manifest.legal {
                add(.manifestValue, "legal.publisher", legal.publisher, definition: true)
                add(.manifestValue, "legal.postal_address", legal.postalAddress, definition: true)
                add(.manifestValue, "legal.privacy_url", legal.privacyURL, definition: true)
                for origin in legal.dataOrigin {
                    add(.locale, origin.locale.value, origin.locale)
                    add(.manifestValue, "legal.data_origin", origin.locale, definition: true)
                }
            }
            add(.manifestValue, "workspace.id", manifest.id, definition: true)
            add(.manifestValue, "workspace.name", manifest.name, definition: true)
            if let layout = manifest.layout, !layout.value.isEmpty {
                add(.layout, layout.value, layout)
                if layouts.contains(where: { $0 == layout.value }) {
                    occurrences.append(
                        Occurrence(
                            kind: .layout, key: layout.value, path: layout.value,
                            range: DocumentRange(at: DocumentPosition(line: 0, character: 0)), isDefinition: true))
                }
            }
            for footer in manifest.footers {
                collectLiquid(in: footer.text, customFields: customFields, catalog: catalog)
            }
        }

        /// The variables `text` reads: a custom contact field by its name, `legal.*` and `workspace.*` by
        /// their path, the sender's other variables by their path. Only references whose characters can
        /// be located exactly in the file are kept.
        mutating func collectLiquid(in text: SourceText, customFields: Set<String>, catalog: VariableCatalog) {
            guard let document = documents[text.range.file], text.text.contains("{") else { return }
            guard let template = LiquidTemplate.parse(text.text).template else { return }
            let scalars = Array(text.text.unicodeScalars)
            let locator = document.sourceLines.locator(for: text.node)
            for reference in template.variables {
                guard let root = reference.path.first else { continue }
                let lower = max(0, min(reference.range.lowerBound, scalars.count))
                let upper = max(lower, min(reference.range.upperBound, scalars.count))
                let written = String(String.UnicodeScalarView(scalars[lower..<upper]))
                if root == "contact", reference.path.count >= 2, customFields.contains(reference.path[1]) {
                    let field = reference.path[1]
                    // `contact.field`, or `contact["field"]` / `contact['field']`.
                    let found =
                        Self.offset(of: "." + field, in: written).map { $0 + 1 }
                        ?? Self.offset(of: "[\"" + field + "\"]", in: written).map { $0 + 2 }
                        ?? Self.offset(of: "['" + field + "']", in: written).map { $0 + 2 }
                    guard let offset = found else { continue }
                    let start = lower + offset
                    guard let range = document.exactRange(locator, start..<(start + field.unicodeScalars.count)) else {
                        continue
                    }
                    occurrences.append(
                        Occurrence(
                            kind: .contactField, key: field, path: document.path, range: range, isDefinition: false))
                    continue
                }
                let name: String
                let kind: SymbolKind
                if root == "legal" || root == "workspace", reference.path.count >= 2 {
                    name = root + "." + reference.path[1]
                    kind = .manifestValue
                } else if root == "contact", reference.path.count >= 2 {
                    name = root + "." + reference.path[1]
                    kind = .variable
                } else if root == "unsubscribe_url" {
                    name = root
                    kind = .variable
                } else {
                    continue
                }
                guard catalog.names.contains(name), written.hasPrefix(name) else { continue }
                let end = lower + name.unicodeScalars.count
                guard let range = document.exactRange(locator, lower..<end) else { continue }
                occurrences.append(
                    Occurrence(kind: kind, key: name, path: document.path, range: range, isDefinition: false))
            }
        }

        /// The scalar offset of `needle` in `haystack`.
        static func offset(of needle: String, in haystack: String) -> Int? {
            let h = Array(haystack.unicodeScalars)
            let n = Array(needle.unicodeScalars)
            guard !n.isEmpty, n.count <= h.count else { return nil }
            for start in 0...(h.count - n.count) where Array(h[start..<(start + n.count)]) == n { return start }
            return nil
        }
    }
}
