import Diagnostics
import YAMLSource

extension MappingKind {
    static let manifest = MappingKind(
        "manifest",
        keys: [
            "id", "name", "locales", "sending_domains", "senders", "default_sender", "legal", "footer", "layout",
            "brand", "consent", "contact_fields", "support_levels", "tasks", "samples", "timing",
        ])
    static let sample = MappingKind("sample", keys: ["id", "locale", "contact"])
    static let sender = MappingKind("sender", keys: ["id", "name", "address", "reply_to"])
    static let contactField = MappingKind("contact_field", keys: ["id", "type", "label"])
    static let supportLevel = MappingKind("support_level", keys: ["id", "label"])
    static let task = MappingKind("task", keys: ["id", "label"])
    static let questionnaire = MappingKind("questionnaire", keys: ["id", "title", "questions"])
    static let template = MappingKind("template", keys: ["id", "sender", "purpose", "locales"])
    static let triggersFile = MappingKind("triggers", keys: ["triggers"])
}

/// The decoding stage: YAML node trees → the typed workspace model, with structural diagnostics
/// (`AM2xx`). Each function decodes one file's root node, reports every problem it finds into the
/// bag and keeps going, so a user sees all of them in one run. Cross-file rules (references,
/// duplicate ids, required locales…) are not checked here.
package enum WorkspaceDecoder {
    /// Every kind of mapping the decoder reads with its keys (the tables next to the decode functions).
    static let mappingKinds: [MappingKind] = [
        .manifest, .sender, .legal, .brand, .brandLogo, .consent, .purpose, .contactField, .supportLevel, .task,
        .sample,
        .questionnaire, .question, .answer, .template, .templateLocale, .triggersFile, .trigger, .when,
        .timing, .quietHours, .frequencyCap, .blackout, .election, .lifetime,
    ]

    /// The keys each kind of mapping accepts, kind name → keys sorted: exactly the keys the decoder
    /// reads, every other key being reported as unknown (AM201). The JSON Schemas must agree.
    public static let acceptedKeys: [String: [String]] = Dictionary(
        uniqueKeysWithValues: mappingKinds.map { ($0.name, $0.keys.sorted()) })

    /// Decodes `automail.yaml`. When the root is not a mapping, reports it and returns an empty manifest.
    public static func decodeManifest(_ root: YAMLNode, file: String, into bag: inout DiagnosticBag) -> Manifest {
        var manifest = Manifest(file: file)
        guard
            var reader = rootReader(
                root, kind: .manifest, file: file, subject: "manifest", example: "id: my-workspace", into: &bag)
        else { return manifest }
        manifest.id = reader.required("id", as: .id(example: "lyon-2026"), into: &bag)
        if let id = manifest.id, !id.value.isEmpty { reader.subject = "manifest `\(id.value)`" }
        manifest.name = reader.required("name", as: .string(example: "Lyon en commun 2026"), into: &bag)
        manifest.locales = reader.list(
            "locales", of: .locale, required: true, nonEmpty: true, example: "[fr, en]", into: &bag)
        manifest.sendingDomains = reader.list(
            "sending_domains", of: .string(example: "example.org"), required: true, nonEmpty: true,
            example: "[example.org]", into: &bag)
        manifest.senders =
            reader.items(
                "senders", kind: .sender, noun: "sender", required: false, nonEmpty: false,
                example: "[{id: equipe, …}]", into: &bag
            ) { item, bag in
                let id = item.id(example: "equipe", into: &bag)
                return Sender(
                    id: id,
                    name: item.required("name", as: .string(example: "Lyon en commun"), into: &bag),
                    address: item.required("address", as: .string(example: "team@example.org"), into: &bag),
                    replyTo: item.optional("reply_to", as: .string(example: "contact@example.org"), into: &bag))
            } ?? []
        manifest.defaultSender = reader.optional("default_sender", as: .id(example: "equipe"), into: &bag)
        manifest.legal = decodeLegal(&reader, into: &bag)
        manifest.footers = reader.localized(
            "footer", required: true, example: "\"{{ legal.publisher }} · [Unsubscribe]({{ unsubscribe_url }})\"",
            into: &bag)
        manifest.footerKeyRange = reader.pair("footer")?.key.range
        manifest.footerKeys = reader.pair("footer").map(writtenKeys) ?? []
        manifest.layout = reader.optional("layout", as: .string(example: "layouts/email.html"), into: &bag)
        manifest.brand = decodeBrand(&reader, into: &bag)
        manifest.consent = decodeConsent(&reader, into: &bag)
        manifest.contactFields =
            reader.items(
                "contact_fields", kind: .contactField, noun: "contact field", required: false, nonEmpty: false,
                example: "[{id: quartier, type: short_text, label: Quartier}]", into: &bag
            ) { item, bag in
                let id = item.id(example: "quartier", into: &bag)
                return ContactField(
                    id: id,
                    type: item.required("type", as: .oneOf(ContactFieldType.self), into: &bag),
                    label: item.required("label", as: .string(example: "Quartier"), into: &bag))
            } ?? []
        manifest.supportLevels = reader.items(
            "support_levels", kind: .supportLevel, noun: "support level", required: false, nonEmpty: true,
            example: "[{id: supporter, label: Supporter}]", into: &bag
        ) { item, bag in
            let id = item.id(example: "supporter", into: &bag)
            return SupportLevel(id: id, label: item.optional("label", as: .string(example: "Supporter"), into: &bag))
        }
        manifest.tasks =
            reader.items(
                "tasks", kind: .task, noun: "task", required: false, nonEmpty: false,
                example: "[{id: call-back, label: Call back}]",
                into: &bag
            ) { item, bag in
                let id = item.id(example: "call-back", into: &bag)
                return TaskDefinition(
                    id: id, label: item.optional("label", as: .string(example: "Call back"), into: &bag))
            } ?? []
        manifest.samples =
            reader.items(
                "samples", kind: .sample, noun: "sample", required: false, nonEmpty: false,
                example: "[{id: camille, locale: fr, contact: {firstname: Camille}}]", into: &bag
            ) { item, bag in
                let id = item.id(example: "camille", into: &bag)
                let locale = item.optional("locale", as: .string(example: "fr"), into: &bag)
                let contact = item.pair("contact")
                if let contact, contact.value.pairs == nil {
                    bag.report(
                        .wrongType,
                        "`contact` of sample `\(id.value)` is \(contact.value.kindDescription), not a mapping",
                        at: contact.value.range, help: "write the contact's values: `contact: {firstname: Camille}`")
                }
                return SampleContact(id: id, locale: locale, contact: contact?.value)
            } ?? []
        manifest.timing = decodeTiming(&reader, into: &bag)
        reader.reportUnknownKeys(into: &bag)
        return manifest
    }

    /// Decodes one file of `questionnaires/`; `nil` when its root is not a mapping.
    public static func decodeQuestionnaire(_ root: YAMLNode, file: String, into bag: inout DiagnosticBag)
        -> Questionnaire?
    {
        guard
            var reader = rootReader(
                root, kind: .questionnaire, file: file, subject: "questionnaire", example: "id: my-questionnaire",
                into: &bag)
        else { return nil }
        let id = reader.id(example: "door-to-door", into: &bag)
        let title = reader.required("title", as: .string(example: "Door to door, spring"), into: &bag)
        let questions =
            reader.items(
                "questions", kind: .question, noun: "question", required: true, nonEmpty: true,
                example: "[{id: support, type: single_choice, label: …, answers: […]}]", into: &bag
            ) { item, bag in
                decodeQuestion(&item, into: &bag)
            } ?? []
        reader.reportUnknownKeys(into: &bag)
        return Questionnaire(file: file, id: id, title: title, questions: questions)
    }

    /// Decodes one file of `templates/`; `nil` when its root is not a mapping.
    public static func decodeTemplate(_ root: YAMLNode, file: String, into bag: inout DiagnosticBag) -> Template? {
        guard
            var reader = rootReader(
                root, kind: .template, file: file, subject: "template", example: "id: my-template", into: &bag)
        else { return nil }
        let id = reader.id(example: "welcome", into: &bag)
        let sender = reader.optional("sender", as: .id(example: "equipe"), into: &bag)
        let purpose = reader.optional("purpose", as: .id(example: "mobilisation"), into: &bag)
        var locales: [TemplateLocale] = []
        var localesRange: SourceRange?
        if let localesReader = reader.mapping(
            "locales", kind: nil, subject: "`locales`", required: true, example: "{fr: {subject: …, body: …}}",
            into: &bag)
        {
            localesRange = localesReader.anchor
            locales = decodeTemplateLocales(localesReader, owner: reader.subjectParts, into: &bag)
        }
        reader.reportUnknownKeys(into: &bag)
        return Template(
            file: file, id: id, sender: sender, purpose: purpose, locales: locales, localesRange: localesRange)
    }

    /// Decodes one file of `triggers/`: a mapping whose only key, `triggers`, holds a list.
    /// Returns `[]` when the root is not a mapping.
    public static func decodeTriggers(_ root: YAMLNode, file: String, into bag: inout DiagnosticBag) -> [Trigger] {
        decodeTriggers(root, file: file, streamed: nil, into: &bag)
    }

    /// ``decodeTriggers(_:file:into:)`` of a root parsed with its trigger mappings streamed
    /// (``decodeStreamedTrigger(_:file:into:)`` of each, in order, is `streamed`): each empty mapping left
    /// in their place takes the next of `streamed`.
    static func decodeTriggers(_ root: YAMLNode, file: String, streamed: [Trigger]?, into bag: inout DiagnosticBag)
        -> [Trigger]
    {
        guard
            var reader = rootReader(
                root, kind: .triggersFile, file: file, subject: "triggers file", example: "triggers:", into: &bag)
        else { return [] }
        let example = "[{id: welcome, when: {answer: …}, template: welcome}]"
        let triggers: [Trigger]
        if let streamed {
            // The list is still checked (its key, its kind, each item's kind); its mappings, now empty,
            // were each decoded into the next of `streamed`, which is returned as it is (no copy).
            let mappings =
                reader.mappingCount("triggers", required: true, nonEmpty: false, example: example, into: &bag) ?? 0
            triggers = mappings == streamed.count ? streamed : Array(streamed.prefix(mappings))
        } else {
            triggers =
                reader.items(
                    "triggers", kind: .trigger, noun: "trigger", required: true, nonEmpty: false, example: example,
                    into: &bag
                ) { item, bag in
                    decodeTrigger(&item, file: file, into: &bag)
                } ?? []
        }
        reader.reportUnknownKeys(into: &bag)
        return triggers
    }

    /// One item of a triggers file's list, as ``decodeTriggers(_:file:into:)`` decodes it (a mapping).
    static func decodeStreamedTrigger(_ item: YAMLNode, file: String, into bag: inout DiagnosticBag) -> Trigger? {
        guard let pairs = item.pairs else { return nil }
        var reader = MappingReader(pairs, range: item.range, kind: .trigger, subject: "trigger")
        let trigger = decodeTrigger(&reader, file: file, into: &bag)
        reader.reportUnknownKeys(into: &bag)
        return trigger
    }

    // MARK: Roots

    /// A reader over a file's root; reports AM208 for an empty file and AM203 for any other non-mapping.
    static func rootReader(
        _ root: YAMLNode, kind: MappingKind, file: String, subject: String, example: String,
        into bag: inout DiagnosticBag
    ) -> MappingReader? {
        if let reader = MappingReader(root, kind: kind, subject: subject) { return reader }
        if root.isNull {
            bag.report(.emptyValue, "empty file `\(file)`", at: root.range, help: "start the file with `\(example)`")
        } else {
            bag.report(
                .wrongType,
                "expected a mapping at the top of `\(file)`, found \(ValueKind<Int>.article(root.kindDescription))",
                at: root.range, help: "start the file with `\(example)`")
        }
        return nil
    }
}
