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
    public var old: DiffSource
    /// Where the new bundle came from.
    public var new: DiffSource
    /// Things a reader should know before trusting the diff (a digest that does not match, two
    /// different workspaces, two compiler versions).
    public var warnings: [DiffWarning] = []
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
    public init(old: DiffSource, new: DiffSource) {
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

    /// Compares two bundle contents (as read by ``ReadBundle/read(_:)``, or a compilation's
    /// ``CompilationResult/bundleContent``).
    ///
    /// - Throws: ``ReadFailure`` when either is not a bundle of the format this compiler writes.
    public static func compare(
        old: JSONValue, new: JSONValue, oldSource: DiffSource, newSource: DiffSource
    ) throws(ReadFailure) -> BundleDiff {
        let before: BundleSnapshot
        let after: BundleSnapshot
        do { before = try BundleSnapshot(old) } catch { throw ReadFailure(side: .old, error: error) }
        do { after = try BundleSnapshot(new) } catch { throw ReadFailure(side: .new, error: error) }
        var diff = BundleDiff(old: oldSource, new: newSource)
        diff.old.complete(from: before)
        diff.new.complete(from: after)
        var comparison = Comparison(old: before, new: after)
        comparison.run(into: &diff)
        return diff
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

/// Something a reader should know before trusting a diff.
public enum DiffWarning: Sendable, Hashable {
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
public struct DiffSource: Sendable, Hashable {
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
public struct BundleVariable: Sendable, Hashable {
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
    public var old: BundleVariable?
    /// After (`nil`: removed).
    public var new: BundleVariable?

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

/// One comparison of two snapshots.
private struct Comparison {
    let old: BundleSnapshot
    let new: BundleSnapshot
    /// Locale -> rank: the new bundle's locales in order, then the old one's, then any other by code point.
    let localeRank: [String: Int]

    init(old: BundleSnapshot, new: BundleSnapshot) {
        self.old = old
        self.new = new
        var rank: [String: Int] = [:]
        var others = Set(old.globals.keys).union(new.globals.keys)
        for template in old.templates.values { others.formUnion(template.locales.keys) }
        for template in new.templates.values { others.formUnion(template.locales.keys) }
        for locale in new.locales + old.locales + others.sorted(by: codePointOrder) where rank[locale] == nil {
            rank[locale] = rank.count
        }
        localeRank = rank
    }

    func ordered(_ locales: some Sequence<String>) -> [String] {
        locales.sorted { (localeRank[$0] ?? Int.max, $0) < (localeRank[$1] ?? Int.max, $1) }
    }

    mutating func run(into diff: inout BundleDiff) {
        diff.warnings = warnings(diff)
        if old.workspaceID != new.workspaceID {
            diff.workspace.append(FieldChange(field: "id", old: old.workspaceID, new: new.workspaceID))
        }
        if old.workspaceName != new.workspaceName {
            diff.workspace.append(FieldChange(field: "name", old: old.workspaceName, new: new.workspaceName))
        }
        diff.locales.added = new.locales.filter { !old.locales.contains($0) }
        diff.locales.removed = old.locales.filter { !new.locales.contains($0) }
        if old.defaultLocale != new.defaultLocale {
            diff.locales.defaultLocale = ValueChange(old: old.defaultLocale, new: new.defaultLocale)
        }
        diff.triggers = keys(old.triggers, new.triggers).compactMap { id in
            let change = TriggerChange(id: id, old: old.triggers[id], new: new.triggers[id])
            return change.old == change.new ? nil : change
        }
        diff.templates = keys(old.templates, new.templates).compactMap { id in
            guard var change = templateChange(id) else { return nil }
            let triggers = change.kind == .removed ? old.triggers : new.triggers
            change.sentBy = triggers.filter { $0.value.template == id }.map(\.key).sorted(by: codePointOrder)
            return change
        }
        diff.senders = keys(old.senders, new.senders).compactMap { senderChange($0) }
        if old.defaultSender != new.defaultSender {
            diff.defaultSender = ValueChange(old: old.defaultSender, new: new.defaultSender)
        }
        diff.globals = globalChanges()
        if old.consentMode != new.consentMode {
            diff.consent.mode = ValueChange(old: old.consentMode, new: new.consentMode)
        }
        diff.consent.purposes = keys(old.purposes, new.purposes).compactMap { id in
            old.purposes[id] == new.purposes[id] ? nil : FieldChange(field: id, old: old.purposes[id], new: new.purposes[id])
        }
        diff.variables = keys(old.variables, new.variables).compactMap { name in
            old.variables[name] == new.variables[name]
                ? nil : VariableChange(name: name, old: old.variables[name], new: new.variables[name])
        }
        diff.other = keys(old.extras, new.extras).compactMap { path in
            old.extras[path] == new.extras[path] ? nil : OtherChange(path: path, old: old.extras[path], new: new.extras[path])
        }
    }

    private func warnings(_ diff: BundleDiff) -> [DiffWarning] {
        var out: [DiffWarning] = []
        for source in [diff.old, diff.new] {
            switch source.digestStatus {
            case .mismatch?: out.append(.digestMismatch(source: source.name))
            case .missing?: out.append(.digestMissing(source: source.name))
            case .matches?, nil: break
            }
        }
        if old.workspaceID != new.workspaceID {
            out.append(.differentWorkspaces(old: old.workspaceID, new: new.workspaceID))
        }
        if let before = old.compilerVersion, let after = new.compilerVersion, before != after {
            out.append(.differentCompilers(old: before, new: after))
        }
        return out
    }

    private func templateChange(_ id: String) -> TemplateChange? {
        switch (old.templates[id], new.templates[id]) {
        case (nil, nil):
            return nil
        case (let before?, nil):
            var change = TemplateChange(id: id, kind: .removed)
            change.sender = ValueChange(old: before.sender, new: nil)
            change.purpose = before.purpose.map { ValueChange(old: $0, new: nil) }
            change.locales = ordered(before.locales.keys).map { locale in
                TemplateLocaleChange(
                    locale: locale, kind: .removed,
                    subject: ValueChange(old: before.locales[locale]?.subject, new: nil), text: nil, htmlChanged: true)
            }
            return change
        case (nil, let after?):
            var change = TemplateChange(id: id, kind: .added)
            change.sender = ValueChange(old: nil, new: after.sender)
            change.purpose = after.purpose.map { ValueChange(old: nil, new: $0) }
            change.locales = ordered(after.locales.keys).compactMap { localeChange($0, nil, after.locales[$0]) }
            return change
        case (let before?, let after?):
            guard before != after else { return nil }
            var change = TemplateChange(id: id, kind: .changed)
            if before.sender != after.sender { change.sender = ValueChange(old: before.sender, new: after.sender) }
            if before.purpose != after.purpose { change.purpose = ValueChange(old: before.purpose, new: after.purpose) }
            change.locales = ordered(Set(before.locales.keys).union(after.locales.keys)).compactMap {
                localeChange($0, before.locales[$0], after.locales[$0])
            }
            return change
        }
    }

    private func localeChange(
        _ locale: String, _ before: BundleSnapshot.Locale?, _ after: BundleSnapshot.Locale?
    ) -> TemplateLocaleChange? {
        guard before != after else { return nil }
        let kind = ChangeKind(old: before != nil, new: after != nil)
        let htmlChanged = before.map { Self.withoutTitle($0.html) } != after.map { Self.withoutTitle($0.html) }
        var change = TemplateLocaleChange(locale: locale, kind: kind, htmlChanged: htmlChanged)
        if before?.subject != after?.subject { change.subject = ValueChange(old: before?.subject, new: after?.subject) }
        if let after, before?.text != after.text { change.text = TextDiff.compare(before?.text ?? "", after.text) }
        if let before, let after {
            change.headers = keys(before.headers, after.headers).compactMap { name in
                before.headers[name] == after.headers[name]
                    ? nil : FieldChange(field: name, old: before.headers[name], new: after.headers[name])
            }
        }
        return change
    }

    /// The HTML without the content of its first `<title>`, which repeats the subject: a new subject
    /// alone does not make the HTML part "changed".
    static func withoutTitle(_ html: String) -> Substring {
        guard let open = html.firstRange(of: "<title>"), let close = html[open.upperBound...].firstRange(of: "</title>")
        else { return Substring(html) }
        return html[..<open.upperBound] + html[close.lowerBound...]
    }

    private func senderChange(_ id: String) -> SenderChange? {
        let before = old.senders[id]
        let after = new.senders[id]
        guard before != after else { return nil }
        func fields(_ sender: BundleSnapshot.Sender?) -> [(String, String?)] {
            [("name", sender?.name), ("address", sender?.address), ("reply_to", sender?.replyTo)]
        }
        let changes = zip(fields(before), fields(after)).compactMap { pair -> FieldChange? in
            pair.0.1 == pair.1.1 ? nil : FieldChange(field: pair.0.0, old: pair.0.1, new: pair.1.1)
        }
        return SenderChange(id: id, kind: ChangeKind(old: before != nil, new: after != nil), fields: changes)
    }

    /// Each key's changes, the locales with the same change grouped. `workspace.id` and
    /// `workspace.name` are left out: they are the workspace's own, reported once under `workspace`.
    private func globalChanges() -> [GlobalChange] {
        let locales = ordered(Set(old.globals.keys).union(new.globals.keys))
        var keySet = Set<String>()
        for values in old.globals.values { keySet.formUnion(values.keys) }
        for values in new.globals.values { keySet.formUnion(values.keys) }
        var out: [GlobalChange] = []
        for key in keySet.sorted(by: codePointOrder) {
            var groups: [GlobalChange] = []
            for locale in locales {
                let before = old.globals[locale]?[key]
                let after = new.globals[locale]?[key]
                guard before != after else { continue }
                if key == "workspace.id", before.map({ $0 == old.workspaceID }) ?? true,
                    after.map({ $0 == new.workspaceID }) ?? true
                {
                    continue
                }
                if key == "workspace.name", before.map({ $0 == old.workspaceName }) ?? true,
                    after.map({ $0 == new.workspaceName }) ?? true
                {
                    continue
                }
                if let index = groups.firstIndex(where: { $0.old == before && $0.new == after }) {
                    groups[index].locales.append(locale)
                } else {
                    groups.append(GlobalChange(key: key, locales: [locale], old: before, new: after))
                }
            }
            out += groups
        }
        return out
    }

    /// The keys of both dictionaries, by code point.
    private func keys<A, B>(_ a: [String: A], _ b: [String: B]) -> [String] {
        Set(a.keys).union(b.keys).sorted(by: codePointOrder)
    }
}

/// Code point order of two strings (what the bundle's sorted keys use).
func codePointOrder(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
