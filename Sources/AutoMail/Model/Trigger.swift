import BundleFormat
import BundleModel
import Diagnostics

/// What fires a trigger: one case for each ``EventKind``, with its value.
public enum TriggerEvent: Sendable, Hashable {
    /// A contact gives `answer` to `question` of `questionnaire`; each part keeps its own range.
    case answer(questionnaire: Located<String>, question: Located<String>, answer: Located<String>)
    /// A contact is put at a support level.
    case supportLevel(Located<String>)
    /// A task is assigned.
    case task(Located<String>)

    /// Whether `other` is the same event (the same questionnaire, question and answer, support level or
    /// task), wherever each was written: ``key`` equality without building the keys.
    func sameValue(as other: TriggerEvent) -> Bool {
        switch (self, other) {
        case let (.answer(q1, question1, answer1), .answer(q2, question2, answer2)):
            q1.value == q2.value && question1.value == question2.value && answer1.value == answer2.value
        case let (.supportLevel(l1), .supportLevel(l2)): l1.value == l2.value
        case let (.task(t1), .task(t2)): t1.value == t2.value
        default: false
        }
    }

    /// Feeds what ``sameValue(as:)`` compares to `hasher`.
    func combineValue(into hasher: inout Hasher) {
        switch self {
        case let .answer(questionnaire, question, answer):
            hasher.combine(0)
            hasher.combine(questionnaire.value)
            hasher.combine(question.value)
            hasher.combine(answer.value)
        case .supportLevel(let level):
            hasher.combine(1)
            hasher.combine(level.value)
        case .task(let task):
            hasher.combine(2)
            hasher.combine(task.value)
        }
    }

    /// Its kind.
    public var kind: EventKind {
        switch self {
        case .answer: .answer
        case .supportLevel: .supportLevel
        case .task: .task
        }
    }

    /// The event key in the bundle: `answer:q/question/answer`, `support_level:id` or `task:id`
    /// (``EventKind/key(_:)``).
    public var key: String {
        switch self {
        case let .answer(q, question, answer): kind.key("\(q.value)/\(question.value)/\(answer.value)")
        case let .supportLevel(level): kind.key(level.value)
        case let .task(task): kind.key(task.value)
        }
    }
}

/// How often a contact may receive a trigger's email.
public enum OncePerContact: Sendable, Hashable {
    /// At most once per window of this many seconds.
    case window(seconds: Int)
    /// At most once, ever.
    case forever
}

/// A trigger binding: an event, the template it sends, and how.
public struct Trigger: Sendable, Hashable {
    /// The file it was read from.
    public var file: String
    /// The trigger id.
    public var id: Located<String>
    /// What fires it; `nil` when `when` could not be decoded.
    public var event: TriggerEvent?
    /// The range of the whole `when` value.
    public var eventRange: SourceRange?
    /// The template id it sends.
    public var template: Located<String>?
    /// Its priority (higher wins in one encounter); absent means 0.
    public var priority: Located<Int>?
    /// The delay before sending, in seconds.
    public var delaySeconds: Located<Int>?
    /// The once-per-contact window.
    public var oncePerContact: Located<OncePerContact>?
    /// `active`: the trigger's lifetime.
    public var lifetime: Lifetime? {
        get { rare?.settings.lifetime }
        set { if newValue != nil || rare != nil { updateRare { $0.lifetime = newValue } } }
    }
    /// `quiet_hours`: defer (default), drop or ignore.
    public var quietHours: Located<TimingPolicy>? {
        get { rare?.settings.quietHours }
        set { if newValue != nil || rare != nil { updateRare { $0.quietHours = newValue } } }
    }
    /// `blackouts`: defer (default), drop or ignore.
    public var blackouts: Located<TimingPolicy>? {
        get { rare?.settings.blackouts }
        set { if newValue != nil || rare != nil { updateRare { $0.blackouts = newValue } } }
    }
    /// `exemption_reason`: why `blackouts: ignore` is lawful (required for campaigning templates).
    public var exemptionReason: Located<String>? {
        get { rare?.settings.exemptionReason }
        set { if newValue != nil || rare != nil { updateRare { $0.exemptionReason = newValue } } }
    }
    /// `frequency_cap`: count (default) or exempt.
    public var frequencyCap: Located<CapPolicy>? {
        get { rare?.settings.frequencyCap }
        set { if newValue != nil || rare != nil { updateRare { $0.frequencyCap = newValue } } }
    }

    /// The timing settings few triggers write (`active`, `quiet_hours`, `blackouts`, `exemption_reason`,
    /// `frequency_cap`), held apart: inline they were about 330 of a trigger's 720 bytes, and a workspace
    /// may hold 50,000 triggers (16 MB on the generated L). `nil` when none is written.
    private var rare: RareSettings?

    /// What ``rare`` holds: an immutable box, replaced (never changed) when a setting is set, so that a
    /// trigger keeps its value semantics.
    private final class RareSettings: Sendable, Hashable {
        struct Settings: Sendable, Hashable {
            var lifetime: Lifetime?
            var quietHours: Located<TimingPolicy>?
            var blackouts: Located<TimingPolicy>?
            var exemptionReason: Located<String>?
            var frequencyCap: Located<CapPolicy>?
        }

        let settings: Settings

        init(_ settings: Settings) { self.settings = settings }

        static func == (lhs: RareSettings, rhs: RareSettings) -> Bool { lhs.settings == rhs.settings }
        func hash(into hasher: inout Hasher) { hasher.combine(settings) }
    }

    /// Changes the rare settings (the decoder sets each one, most often to `nil` on a trigger without any).
    private mutating func updateRare(_ change: (inout RareSettings.Settings) -> Void) {
        var settings = rare?.settings ?? RareSettings.Settings()
        change(&settings)
        // None written is `nil`, so that two triggers with the same settings are equal.
        rare = settings == RareSettings.Settings() ? nil : RareSettings(settings)
    }

    /// Creates a trigger.
    public init(
        file: String, id: Located<String>, event: TriggerEvent?, eventRange: SourceRange?,
        template: Located<String>?, priority: Located<Int>?, delaySeconds: Located<Int>?,
        oncePerContact: Located<OncePerContact>?
    ) {
        self.file = file
        self.id = id
        self.event = event
        self.eventRange = eventRange
        self.template = template
        self.priority = priority
        self.delaySeconds = delaySeconds
        self.oncePerContact = oncePerContact
    }

    /// The effective priority.
    public var effectivePriority: Int { priority?.value ?? 0 }
}
