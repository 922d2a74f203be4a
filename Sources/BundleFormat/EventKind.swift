/// The kinds of event a trigger fires on: the one list of them. The compiler's decoder, its help
/// strings and the diff's wording, the runtime's event reader and the bundle's event keys derive from it;
/// the schemas, the documentation and the conformance senders are checked against it
/// (CONTRIBUTING.md, "Adding a trigger kind", says where a new case goes and which test enforces each step).
public enum EventKind: String, CaseIterable, Sendable, Hashable {
    /// A contact gives an answer to a question of a questionnaire: `answer: questionnaire/question/answer`.
    case answer
    /// A contact is put at a support level: `support_level: supporter`.
    case supportLevel = "support_level"
    /// A task is assigned to a contact: `task: call-back`.
    case task

    /// The key under a trigger's `when:` in a workspace (`answer`, `support_level`, `task`).
    public var yamlKey: String { rawValue }

    /// What the bundle's event keys of this kind start with (`answer:`, `support_level:`, `task:`).
    public var keyPrefix: String { rawValue + ":" }

    /// The bundle's event key for `value`: `support_level:supporter`, `answer:doors/support/yes`.
    public func key(_ value: String) -> String { keyPrefix + value }

    /// The member of an event's `encounter` that records this kind (schemas/event.schema.json): `answers`,
    /// `support_level`, `tasks`.
    public var encounterMember: String {
        switch self {
        case .answer: "answers"
        case .supportLevel: "support_level"
        case .task: "tasks"
        }
    }

    /// The value a `when:` key takes, as help sentences show it: `questionnaire/question/answer`, or `…`
    /// for an id.
    public var valueHint: String {
        switch self {
        case .answer: "questionnaire/question/answer"
        case .supportLevel, .task: "…"
        }
    }

    /// The kind in words, before its value in the diff's sentences: `answer`, `support level`, `task`.
    public var words: String {
        switch self {
        case .answer: "answer"
        case .supportLevel: "support level"
        case .task: "task"
        }
    }

    /// The kind and value of a bundle event key (`task:call-back` → `.task`, `call-back`); `nil` when no
    /// kind's prefix starts it.
    public static func parse(key: String) -> (kind: EventKind, value: Substring)? {
        for kind in allCases where key.hasPrefix(kind.keyPrefix) {
            return (kind, key.dropFirst(kind.keyPrefix.count))
        }
        return nil
    }

    /// Every kind's `when:` form, as help sentences list them: `` `answer: questionnaire/question/answer`,
    /// `support_level: …` or `task: …` ``.
    public static var whenForms: String {
        let forms = allCases.map { "`\($0.yamlKey): \($0.valueHint)`" }
        guard let last = forms.last else { return "" }
        return forms.count == 1 ? last : forms.dropLast().joined(separator: ", ") + " or " + last
    }
}
