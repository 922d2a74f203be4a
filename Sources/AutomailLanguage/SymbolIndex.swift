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

    init(workspace: Workspace, documents: [String: Document]) {
        var builder = Builder(documents: documents)
        builder.collect(workspace)
        occurrences = builder.occurrences
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
        var occurrences: [Occurrence] = []

        init(documents: [String: Document]) { self.documents = documents }

        mutating func add(_ kind: SymbolKind, _ key: String, _ located: Located<String>?, definition: Bool = false) {
            guard let located, !located.value.isEmpty, let document = documents[located.range.file] else { return }
            guard let range = document.idRange(of: located) else { return }
            occurrences.append(
                Occurrence(kind: kind, key: key, path: located.range.file, range: range, isDefinition: definition))
        }

        mutating func collect(_ workspace: Workspace) {
            let manifest = workspace.manifest
            if let manifest { collect(manifest, layouts: workspace.layoutFiles.keys) }
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
            let catalog = VariableCatalog(manifest: manifest)
            let customFields = Set(manifest?.contactFields.map(\.id.value) ?? [])
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

        mutating func collect(_ manifest: Manifest, layouts: some Sequence<String>) {
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
            let catalog = VariableCatalog(manifest: manifest)
            let customFields = Set(manifest.contactFields.map(\.id.value))
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
                    guard let offset = Self.offset(of: "." + field, in: written) else { continue }
                    let start = lower + offset + 1
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
