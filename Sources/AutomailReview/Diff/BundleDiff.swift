import BundleFormat

/// What changes between two bundles in what is sent: triggers, templates (subject and text per
/// locale), senders, the legal and global values, consent, locales and the variables a sender provides.
///
/// The comparison is semantic: it reads both bundles' content (never their bytes), ignores how they
/// were made (`digest`, `revision`, `compiler`), and lists every difference once, in a deterministic
/// order (ids and keys by code point, locales in the workspace's order). Anything a bundle holds that
/// is not modelled is compared as plain JSON and listed in ``other``, so no difference goes unreported.
public struct BundleDiff: Sendable, Hashable {
    /// Where the old bundle came from.
    public var old: Source
    /// Where the new bundle came from.
    public var new: Source
    /// Things a reader should know before trusting the diff (a digest that does not match, two
    /// different workspaces, two compiler versions).
    public var warnings: [Warning] = []
    /// The workspace's `id` and `name`.
    public var workspace: [FieldChange] = []
    /// Locales added to or removed from the workspace, and a change of default locale.
    public var locales = LocaleChanges()
    /// Triggers by id.
    public var triggers: [TriggerChange] = []
    /// Templates by id.
    public var templates: [TemplateChange] = []
    /// Senders by id.
    public var senders: [SenderChange] = []
    /// The default sender's id.
    public var defaultSender: ValueChange?
    /// The legal and workspace values filled into every email (`legal.postal_address`...), by key, the
    /// locales that share one change grouped.
    public var globals: [GlobalChange] = []
    /// The consent mode and purposes.
    public var consent = ConsentChanges()
    /// The variables a sender must provide, by name.
    public var variables: [VariableChange] = []
    /// Differences in parts of the bundle this diff does not model, by dotted path.
    public var other: [OtherChange] = []

    /// Creates an empty diff between two sources.
    public init(old: Source, new: Source) {
        self.old = old
        self.new = new
    }

    /// Whether the two bundles send exactly the same thing.
    public var isEmpty: Bool { summary.total == 0 }

    /// A side of the comparison, for errors.
    public enum Side: String, Sendable, Hashable {
        case old, new
    }

    /// A bundle that cannot be compared, and which side it is.
    public struct ReadFailure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The side at fault.
        public var side: Side
        /// What is wrong with it.
        public var error: BundleReadError

        /// Creates a failure.
        public init(side: Side, error: BundleReadError) {
            self.side = side
            self.error = error
        }

        public var description: String { "\(side.rawValue) bundle: \(error)" }
    }

    /// How many changes each part holds.
    public var summary: Summary {
        var summary = Summary()
        summary.triggers = Counts(triggers.map(\.kind))
        summary.templates = Counts(templates.map(\.kind))
        summary.senders = Counts(senders.map(\.kind))
        summary.defaultSender = Counts(defaultSender.map { [$0.kind] } ?? [])
        var localeKinds = locales.added.map { _ in ChangeKind.added } + locales.removed.map { _ in ChangeKind.removed }
        if locales.defaultLocale != nil { localeKinds.append(.changed) }
        summary.locales = Counts(localeKinds)
        summary.globals = Counts(globals.map(\.kind))
        summary.consent = Counts(consent.purposes.map(\.kind) + (consent.mode.map { [$0.kind] } ?? []))
        summary.variables = Counts(variables.map(\.kind))
        summary.workspace = Counts(workspace.map(\.kind))
        summary.other = Counts(other.map(\.kind))
        return summary
    }
}

// MARK: - The values of a diff

extension BundleDiff {
    /// Something a reader should know before trusting a diff.
    public enum Warning: Sendable, Hashable {
        /// A bundle file's digest does not match its content: it was changed after it was built.
        case digestMismatch(source: String)
        /// A bundle file has no digest.
        case digestMissing(source: String)
        /// The two sides are bundles of different workspaces.
        case differentWorkspaces(old: String, new: String)
        /// The two bundles were made by different compiler versions.
        case differentCompilers(old: String, new: String)

        /// The warning in words, each value formatted by `code` (backticks, a Markdown code span...).
        public func message(code: (String) -> String) -> String {
            switch self {
            case .digestMismatch(let source):
                "the digest of \(code(source)) does not match its content: the file was changed after it was built"
            case .digestMissing(let source):
                "\(code(source)) has no digest: it may not come from `automail build`"
            case .differentWorkspaces(let old, let new):
                "the two sides are different workspaces (\(code(old)) and \(code(new)))"
            case .differentCompilers(let old, let new):
                "the bundles were compiled by automail \(code(old)) and \(code(new)): some differences may come from the compiler"
            }
        }
    }

    /// Whether something was added, removed or changed.
    public enum ChangeKind: String, Sendable, Hashable {
        case added, removed, changed

        /// The kind of a change from `old` to `new` (`nil`: absent on that side).
        init(old: Bool, new: Bool) {
            self = old ? (new ? .changed : .removed) : .added
        }
    }

    /// How many things were added, removed and changed.
    public struct Counts: Sendable, Hashable {
        /// Added.
        public var added = 0
        /// Removed.
        public var removed = 0
        /// Changed.
        public var changed = 0

        /// No change.
        public init() {}

        init(_ kinds: [ChangeKind]) {
            for kind in kinds {
                switch kind {
                case .added: added += 1
                case .removed: removed += 1
                case .changed: changed += 1
                }
            }
        }

        /// All of them.
        public var total: Int { added + removed + changed }
    }

    /// How many changes each part of a ``BundleDiff`` holds.
    public struct Summary: Sendable, Hashable {
        /// Triggers.
        public var triggers = Counts()
        /// Templates.
        public var templates = Counts()
        /// Senders.
        public var senders = Counts()
        /// The default sender.
        public var defaultSender = Counts()
        /// Locales (a new default locale counts as changed).
        public var locales = Counts()
        /// Legal and global values.
        public var globals = Counts()
        /// Consent purposes (a new consent mode counts as changed).
        public var consent = Counts()
        /// Variables.
        public var variables = Counts()
        /// The workspace's id and name.
        public var workspace = Counts()
        /// Anything else.
        public var other = Counts()

        /// Every part, with its name in the JSON form, in the order reports show them.
        public var parts: [(name: String, counts: Counts)] {
            [
                ("triggers", triggers), ("templates", templates), ("senders", senders),
                ("default_sender", defaultSender), ("globals", globals), ("consent", consent),
                ("variables", variables), ("locales", locales), ("workspace", workspace), ("other", other),
            ]
        }

        /// Every change.
        public var total: Int { parts.reduce(0) { $0 + $1.counts.total } }
    }

    /// Where one side of a diff came from.
    public struct Source: Sendable, Hashable {
        /// What kind of thing the side was.
        public enum Kind: String, Sendable, Hashable {
            /// A bundle file (`automail build` output).
            case bundle
            /// A workspace folder, compiled for the diff.
            case workspace
            /// A workspace at a git revision, compiled for the diff.
            case revision
        }

        /// What kind of thing the side was.
        public var kind: Kind
        /// The side as the user named it (a path or a revision).
        public var name: String
        /// For a revision, the commit it names (full hex).
        public var commit: String?
        /// For a bundle file, the digest it records.
        public var digest: String?
        /// For a bundle file, whether its digest matches its content.
        public var digestStatus: ReadBundle.DigestStatus?
        /// The workspace id the bundle is for (filled by ``BundleDiff/compare(old:new:oldSource:newSource:)``).
        public var workspaceID: String?
        /// The version of the compiler that made the bundle (filled on comparison).
        public var compilerVersion: String?
        /// The source revision recorded in the bundle, if any (filled on comparison).
        public var revision: String?

        /// Describes a side.
        public init(kind: Kind, name: String, commit: String? = nil) {
            self.kind = kind
            self.name = name
            self.commit = commit
        }

        /// Describes a bundle file side.
        public init(bundle name: String, read: ReadBundle) {
            self.init(kind: .bundle, name: name)
            digest = read.digest
            digestStatus = read.digestStatus
        }

        mutating func complete(from snapshot: BundleSnapshot) {
            workspaceID = snapshot.workspaceID
            compilerVersion = snapshot.compilerVersion
            revision = snapshot.revision
        }
    }

    /// A value before and after (`nil`: absent on that side).
    public struct ValueChange: Sendable, Hashable {
        /// Before.
        public var old: String?
        /// After.
        public var new: String?

        /// Creates a change.
        public init(old: String?, new: String?) {
            self.old = old
            self.new = new
        }

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }
    }

    /// A named field before and after (`nil`: absent on that side).
    public struct FieldChange: Sendable, Hashable {
        /// The field (`reply_to`, `List-Unsubscribe`, `name`...).
        public var field: String
        /// Before.
        public var old: String?
        /// After.
        public var new: String?

        /// Creates a change.
        public init(field: String, old: String?, new: String?) {
            self.field = field
            self.old = old
            self.new = new
        }

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }
    }

    /// Locales added to or removed from the workspace.
    public struct LocaleChanges: Sendable, Hashable {
        /// Locales only the new bundle has, in its order.
        public var added: [String] = []
        /// Locales only the old bundle has, in its order.
        public var removed: [String] = []
        /// The default locale, when it changed.
        public var defaultLocale: ValueChange?

        /// No change.
        public init() {}
    }

    /// What one trigger does: on which event it sends which template, how.
    public struct TriggerAction: Sendable, Hashable {
        /// The event key: `answer:q/question/answer`, `support_level:id` or `task:id`.
        public var event: String
        /// The template sent.
        public var template: String
        /// 0...1000; the highest action of an encounter wins.
        public var priority: Int
        /// The delay before sending, in seconds.
        public var delaySeconds: Int
        /// The once-per-contact window in seconds (-1: forever), `nil` when none.
        public var oncePerContactSeconds: Int?

        /// Creates an action.
        public init(event: String, template: String, priority: Int, delaySeconds: Int, oncePerContactSeconds: Int?) {
            self.event = event
            self.template = template
            self.priority = priority
            self.delaySeconds = delaySeconds
            self.oncePerContactSeconds = oncePerContactSeconds
        }
    }

    /// A trigger added, removed or changed.
    public struct TriggerChange: Sendable, Hashable {
        /// The trigger id.
        public var id: String
        /// What it did before (`nil`: added).
        public var old: TriggerAction?
        /// What it does now (`nil`: removed).
        public var new: TriggerAction?

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }

        /// For a changed trigger, the fields that differ, in the order `event`, `template`, `priority`,
        /// `delay`, `once_per_contact`.
        public var changedFields: [String] {
            guard let old, let new else { return [] }
            var fields: [String] = []
            if old.event != new.event { fields.append("event") }
            if old.template != new.template { fields.append("template") }
            if old.priority != new.priority { fields.append("priority") }
            if old.delaySeconds != new.delaySeconds { fields.append("delay") }
            if old.oncePerContactSeconds != new.oncePerContactSeconds { fields.append("once_per_contact") }
            return fields
        }
    }

    /// A template added, removed or changed.
    public struct TemplateChange: Sendable, Hashable {
        /// The template id.
        public var id: String
        /// Added, removed or changed.
        public var kind: ChangeKind
        /// The sender id, when it differs (for an added or removed template: its sender).
        public var sender: ValueChange?
        /// The consent purpose, when it differs (for an added or removed template: its purpose, if any).
        public var purpose: ValueChange?
        /// The locales that differ, in the workspace's locale order.
        public var locales: [TemplateLocaleChange] = []
        /// The triggers that send it (in the new bundle; for a removed template, in the old one), by id:
        /// who receives the change. Empty when no trigger sends it.
        public var sentBy: [String] = []
    }

    /// One locale of a template, added, removed or changed.
    public struct TemplateLocaleChange: Sendable, Hashable {
        /// The locale.
        public var locale: String
        /// Added, removed or changed.
        public var kind: ChangeKind
        /// The subject, when it differs (added: the new subject; removed: the old one).
        public var subject: ValueChange?
        /// The diff of the text part, when it differs (added: the whole new text; removed: `nil`).
        public var text: TextDiff?
        /// Whether the HTML part differs, its `<title>` (the subject again) left aside; always, for an
        /// added or removed locale.
        public var htmlChanged: Bool
        /// Header values that differ, by name.
        public var headers: [FieldChange] = []
    }

    /// A sender added, removed or changed.
    public struct SenderChange: Sendable, Hashable {
        /// The sender id.
        public var id: String
        /// Added, removed or changed.
        public var kind: ChangeKind
        /// The fields that differ (`name`, `address`, `reply_to`); for an added or removed sender, every
        /// field it has.
        public var fields: [FieldChange]
    }

    /// One legal or global value that changed in some locales.
    public struct GlobalChange: Sendable, Hashable {
        /// The dotted key (`legal.postal_address`).
        public var key: String
        /// The locales where it changed this way, in the workspace's order.
        public var locales: [String]
        /// Before (`nil`: absent).
        public var old: String?
        /// After (`nil`: absent).
        public var new: String?

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }
    }

    /// The consent mode and purposes.
    public struct ConsentChanges: Sendable, Hashable {
        /// The consent mode (`channel`, `purpose`), when it changed.
        public var mode: ValueChange?
        /// Purposes by id; the values are their labels.
        public var purposes: [FieldChange] = []

        /// No change.
        public init() {}
    }

    /// A variable the sender provides, as the bundle lists it.
    public struct Variable: Sendable, Hashable {
        /// Its type (`string`, `url`, a custom field's type).
        public var type: String
        /// Whether the sender must always provide it.
        public var required: Bool
    }

    /// A variable added, removed or changed.
    public struct VariableChange: Sendable, Hashable {
        /// `contact.<field>` or `unsubscribe_url`.
        public var name: String
        /// Before (`nil`: added).
        public var old: Variable?
        /// After (`nil`: removed).
        public var new: Variable?

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }
    }

    /// A difference in a part of the bundle the diff does not model.
    public struct OtherChange: Sendable, Hashable {
        /// The dotted path of the value (`rendering.html`).
        public var path: String
        /// Before (`nil`: absent).
        public var old: JSONValue?
        /// After (`nil`: absent).
        public var new: JSONValue?

        /// Added, removed or changed.
        public var kind: ChangeKind { ChangeKind(old: old != nil, new: new != nil) }
    }
}
