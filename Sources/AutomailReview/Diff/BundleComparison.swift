import BundleFormat
import BundleModel

/// The engine of a diff: both bundles read into snapshots, then compared part by part into a
/// ``BundleDiff`` (whose values are in BundleDiff.swift).
extension BundleDiff {
    /// Compares two bundle contents (as read by ``ReadBundle/read(_:)``, or a compilation's
    /// ``CompilationResult/bundleContent``).
    ///
    /// - Throws: ``ReadFailure`` when either is not a bundle of the format this compiler writes.
    public static func compare(
        old: JSONValue, new: JSONValue, oldSource: Source, newSource: Source
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

    /// One comparison of two snapshots: the engine of ``BundleDiff/compare(old:new:oldSource:newSource:)``.
    struct Comparison {
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
                old.purposes[id] == new.purposes[id]
                    ? nil : FieldChange(field: id, old: old.purposes[id], new: new.purposes[id])
            }
            diff.variables = keys(old.variables, new.variables).compactMap { name in
                old.variables[name] == new.variables[name]
                    ? nil : VariableChange(name: name, old: old.variables[name], new: new.variables[name])
            }
            diff.other = keys(old.extras, new.extras).compactMap { path in
                old.extras[path] == new.extras[path]
                    ? nil : OtherChange(path: path, old: old.extras[path], new: new.extras[path])
            }
        }

        private func warnings(_ diff: BundleDiff) -> [Warning] {
            var out: [Warning] = []
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
                        subject: ValueChange(old: before.locales[locale]?.subject, new: nil), text: nil,
                        htmlChanged: true)
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
                if before.purpose != after.purpose {
                    change.purpose = ValueChange(old: before.purpose, new: after.purpose)
                }
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
            if before?.subject != after?.subject {
                change.subject = ValueChange(old: before?.subject, new: after?.subject)
            }
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
            guard let open = html.firstRange(of: "<title>"),
                let close = html[open.upperBound...].firstRange(of: "</title>")
            else { return Substring(html) }
            return html[..<open.upperBound] + html[close.lowerBound...]
        }

        private func senderChange(_ id: String) -> SenderChange? {
            let before = old.senders[id]
            let after = new.senders[id]
            guard before != after else { return nil }
            func fields(_ sender: BundleSnapshot.Sender?) -> [(String, String?)] {
                [("name", sender?.from.name), ("address", sender?.from.address), ("reply_to", sender?.replyTo)]
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
}

/// Code point order of two strings (what the bundle's sorted keys use).
func codePointOrder(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
