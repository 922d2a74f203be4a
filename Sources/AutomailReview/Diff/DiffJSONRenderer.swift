import BundleFormat

/// Renders a ``BundleDiff`` as JSON for tools: the document described in docs/diff.md and
/// `schemas/diff.schema.json`. Every member is always present (`null` or empty when there is nothing
/// to say); keys are sorted, entries in the diff's order, so the same diff always gives the same bytes.
public enum DiffJSONRenderer {
    /// The version of the diff document; it changes only when a member changes meaning or goes away.
    public static let formatVersion = 1

    /// The document as bytes, two-space indented, with a final line break.
    public static func render(_ diff: BundleDiff) -> [UInt8] {
        var bytes = JSONWriter(pretty: true).write(document(diff))
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        return bytes
    }

    /// The document as a value.
    public static func document(_ diff: BundleDiff) -> JSONValue {
        let summary = diff.summary
        var counts: [String: JSONValue] = [:]
        for (name, part) in summary.parts {
            counts[name] = .object([
                "added": .int(part.added), "removed": .int(part.removed), "changed": .int(part.changed),
            ])
        }
        counts["total"] = .int(summary.total)
        return .object([
            "format": .int(formatVersion),
            "old": source(diff.old),
            "new": source(diff.new),
            "changed": .bool(!diff.isEmpty),
            "summary": .object(counts),
            "warnings": .array(diff.warnings.map { .string($0.message { "`" + $0 + "`" }) }),
            "workspace": .array(diff.workspace.map(field)),
            "locales": .object([
                "added": .array(diff.locales.added.map(JSONValue.string)),
                "removed": .array(diff.locales.removed.map(JSONValue.string)),
                "default": value(diff.locales.defaultLocale),
            ]),
            "triggers": .array(diff.triggers.map(trigger)),
            "templates": .array(diff.templates.map(template)),
            "senders": .array(
                diff.senders.map { change in
                    .object([
                        "id": .string(change.id), "change": .string(change.kind.rawValue),
                        "fields": .array(change.fields.map(field)),
                    ])
                }),
            "default_sender": value(diff.defaultSender),
            "globals": .array(
                diff.globals.map { change in
                    .object([
                        "key": .string(change.key), "change": .string(change.kind.rawValue),
                        "locales": .array(change.locales.map(JSONValue.string)),
                        "old": string(change.old), "new": string(change.new),
                    ])
                }),
            "consent": .object([
                "mode": value(diff.consent.mode),
                "purposes": .array(diff.consent.purposes.map(named("id"))),
            ]),
            "variables": .array(
                diff.variables.map { change in
                    .object([
                        "name": .string(change.name), "change": .string(change.kind.rawValue),
                        "old": variable(change.old), "new": variable(change.new),
                    ])
                }),
            "other": .array(
                diff.other.map { change in
                    .object([
                        "path": .string(change.path), "change": .string(change.kind.rawValue),
                        "old": change.old ?? .null, "new": change.new ?? .null,
                    ])
                }),
        ])
    }

    private static func source(_ source: BundleDiff.Source) -> JSONValue {
        .object([
            "kind": .string(source.kind.rawValue),
            "name": .string(source.name),
            "commit": string(source.commit),
            "digest": string(source.digest),
            "digest_status": string(source.digestStatus?.rawValue),
            "workspace": string(source.workspaceID),
            "compiler_version": string(source.compilerVersion),
            "revision": string(source.revision),
        ])
    }

    private static func trigger(_ change: BundleDiff.TriggerChange) -> JSONValue {
        .object([
            "id": .string(change.id),
            "change": .string(change.kind.rawValue),
            "fields": .array(change.changedFields.map(JSONValue.string)),
            "old": action(change.old),
            "new": action(change.new),
        ])
    }

    private static func action(_ action: BundleDiff.TriggerAction?) -> JSONValue {
        guard let action else { return .null }
        return .object([
            "event": .string(action.event),
            "template": .string(action.template),
            "priority": .int(action.priority),
            "delay_seconds": .int(action.delaySeconds),
            "once_per_contact_seconds": action.oncePerContactSeconds.map(JSONValue.int) ?? .null,
        ])
    }

    private static func template(_ change: BundleDiff.TemplateChange) -> JSONValue {
        .object([
            "id": .string(change.id),
            "change": .string(change.kind.rawValue),
            "sender": value(change.sender),
            "purpose": value(change.purpose),
            "sent_by": .array(change.sentBy.map(JSONValue.string)),
            "locales": .array(
                change.locales.map { locale in
                    .object([
                        "locale": .string(locale.locale),
                        "change": .string(locale.kind.rawValue),
                        "subject": value(locale.subject),
                        "text": text(locale.text),
                        "html_changed": .bool(locale.htmlChanged),
                        "headers": .array(locale.headers.map(named("name"))),
                    ])
                }),
        ])
    }

    private static func text(_ diff: TextDiff?) -> JSONValue {
        guard let diff else { return .null }
        return .object([
            "added": .int(diff.added),
            "removed": .int(diff.removed),
            "hunks": .array(
                diff.hunks.map { hunk in
                    .object([
                        "old_start": .int(hunk.oldStart), "old_lines": .int(hunk.oldCount),
                        "new_start": .int(hunk.newStart), "new_lines": .int(hunk.newCount),
                        "lines": .array(hunk.lines.flatMap(\.unified).map(JSONValue.string)),
                    ])
                }),
        ])
    }

    private static func variable(_ variable: BundleDiff.Variable?) -> JSONValue {
        guard let variable else { return .null }
        return .object(["type": .string(variable.type), "required": .bool(variable.required)])
    }

    private static func field(_ change: BundleDiff.FieldChange) -> JSONValue {
        named("field")(change)
    }

    /// A field change with its name under `key`.
    private static func named(_ key: String) -> (BundleDiff.FieldChange) -> JSONValue {
        { change in
            .object([
                key: .string(change.field), "change": .string(change.kind.rawValue),
                "old": string(change.old), "new": string(change.new),
            ])
        }
    }

    private static func value(_ change: BundleDiff.ValueChange?) -> JSONValue {
        guard let change else { return .null }
        return .object(["old": string(change.old), "new": string(change.new)])
    }

    private static func string(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }
}
