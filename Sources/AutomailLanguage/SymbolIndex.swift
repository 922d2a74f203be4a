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
    private(set) var occurrences: [Occurrence] = []
    /// The positions into ``occurrences`` of each file's occurrences.
    private var byFile: [String: [Int]] = [:]
    /// The positions into ``occurrences`` of each kind and key.
    private var byKey: [String: [Int]] = [:]

    /// What one file's occurrences are computed from: the file's pieces of the model and its text, and
    /// the manifest's text and the layout files (which custom fields and layouts exist). When none of it
    /// changed, the previous index's occurrences of that file are kept: an edit re-indexes one file.
    struct Stamp: Sendable, Equatable {
        var pieces: Workspace
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
        let empty = Workspace(manifest: nil, questionnaires: [], templates: [], triggers: [])
        var pieces: [String: Workspace] = [:]
        for questionnaire in workspace.questionnaires {
            pieces[questionnaire.file, default: empty].questionnaires.append(questionnaire)
        }
        for template in workspace.templates { pieces[template.file, default: empty].templates.append(template) }
        for trigger in workspace.triggers { pieces[trigger.file, default: empty].triggers.append(trigger) }
        if let manifest { pieces[manifest.file, default: empty].manifest = manifest }
        for (file, piece) in pieces {
            let stamp = Stamp(pieces: piece, text: documents[file]?.text, manifestText: manifestText, layouts: layouts)
            if let kept = previous?.groups[file], kept.stamp == stamp {
                groups[file] = kept
                continue
            }
            var builder = Builder(documents: documents, manifest: manifest, layouts: layouts)
            builder.collect(piece)
            groups[file] = (stamp, builder.occurrences)
        }
        occurrences = groups.sorted { $0.key < $1.key }.flatMap(\.value.occurrences)
        for (position, occurrence) in occurrences.enumerated() {
            byFile[occurrence.path, default: []].append(position)
            byKey[Self.key(occurrence.kind, occurrence.key), default: []].append(position)
        }
    }

    static func key(_ kind: SymbolKind, _ key: String) -> String { kind.rawValue + "\u{0}" + key }

    /// The narrowest occurrence whose range holds `position` in `path`.
    func occurrence(at position: DocumentPosition, in path: String) -> Occurrence? {
        (byFile[path] ?? []).map { occurrences[$0] }
            .filter { $0.range.contains(position) && !($0.isDefinition && $0.kind == .layout) }
            .min { lhs, rhs in
                (lhs.range.end.line - lhs.range.start.line, lhs.range.end.character - lhs.range.start.character)
                    < (rhs.range.end.line - rhs.range.start.line, rhs.range.end.character - rhs.range.start.character)
            }
    }

    /// Every occurrence of `kind` and `key`, in path and position order.
    func all(_ kind: SymbolKind, _ key: String) -> [Occurrence] {
        (byKey[Self.key(kind, key)] ?? []).map { occurrences[$0] }
            .sorted { ($0.path, $0.range) < ($1.path, $1.range) }
    }

    /// The occurrences of one file.
    func inFile(_ path: String) -> [Occurrence] { (byFile[path] ?? []).map { occurrences[$0] } }

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
