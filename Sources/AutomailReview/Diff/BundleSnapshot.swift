import AutomailRuntime
import BundleFormat
import BundleModel

/// What a diff compares in one bundle: the bundle as the one reader reads it, leniently
/// (``RuntimeBundle/Strictness/lenient``), in the words a reviewer compares. Anything the reader did
/// not read is kept, by dotted path, in ``extras`` and compared as plain JSON, so that no difference
/// can go unreported; so are the settings a reviewer reads as words (`timing`, an action's timing).
struct BundleSnapshot: Sendable, Hashable {
    typealias Sender = RuntimeBundle.Sender
    typealias Locale = RuntimeBundle.LocalizedTemplate
    typealias Template = RuntimeBundle.Template

    var workspaceID = ""
    var workspaceName = ""
    var locales: [String] = []
    var defaultLocale = ""
    var consentMode = ""
    /// Purpose id -> label.
    var purposes: [String: String] = [:]
    var senders: [String: Sender] = [:]
    var defaultSender = ""
    /// Locale -> dotted key (`legal.postal_address`) -> value.
    var globals: [String: [String: String]] = [:]
    var variables: [String: BundleDiff.Variable] = [:]
    var templates: [String: Template] = [:]
    var triggers: [String: BundleDiff.TriggerAction] = [:]
    /// Values not modelled above, by dotted path (`rendering`, unknown members).
    var extras: [String: JSONValue] = [:]
    var compilerVersion: String?
    var revision: String?

    init(_ value: JSONValue) throws(BundleReadError) {
        let reading: RuntimeBundle.Reading
        do {
            reading = try RuntimeBundle.read(content: value, strictness: .lenient)
        } catch {
            throw BundleReadError(error)
        }
        let bundle = reading.bundle
        workspaceID = bundle.workspaceID
        workspaceName = bundle.workspaceName
        locales = bundle.locales
        defaultLocale = bundle.defaultLocale
        consentMode = bundle.consentMode.rawValue
        purposes = bundle.purposeLabels
        senders = bundle.senders
        defaultSender = bundle.defaultSender
        for (locale, values) in bundle.globals {
            var flat: [String: String] = [:]
            Self.flatten(values, prefix: "", into: &flat)
            globals[locale] = flat
        }
        for variable in bundle.variables {
            variables[variable.name] = BundleDiff.Variable(type: variable.type, required: variable.required)
        }
        templates = bundle.templates
        revision = bundle.revision
        readTriggers(bundle.triggers)
        if value["timing"] != nil { readTiming(bundle.timing) }
        // Read, but not modelled by the diff: a difference of minor version is listed as any other.
        if value["format_minor"] != nil { extras["format_minor"] = .int(bundle.formatMinor) }
        for (pointer, member) in reading.unread {
            let path = Self.path(of: pointer, in: value)
            // `compiler` is provenance: its version is shown, not compared; any other member is.
            if path == "compiler", case .object(var compiler) = member {
                if case .string(let version)? = compiler["version"] {
                    compilerVersion = version
                    compiler["version"] = nil
                }
                for (key, item) in compiler { Self.spread(item, at: "compiler." + key, into: &extras) }
                continue
            }
            Self.spread(member, at: path, into: &extras)
        }
    }

    /// `timing`, in words a reviewer reads: quiet hours as local clock times, the cap as emails per
    /// window, each blackout under its own interval (so a round added or removed is one line), each
    /// zone as its tz release and transition count (not thousands of numbers).
    private mutating func readTiming(_ timing: TimingRules) {
        extras["timing.time_zone"] = .string(timing.timeZone)
        for (zone, offsets) in timing.zones {
            extras["timing.zones.\(zone)"] = .string("tzdata \(timing.tzdata), \(offsets.instants.count) offsets")
        }
        if let quiet = timing.quietHours {
            extras["timing.quiet_hours"] = .string(
                "\(QuietHours.clock(quiet.start))–\(QuietHours.clock(quiet.end)), the contact's local time")
        }
        if let cap = timing.frequencyCap {
            let emails = "\(cap.emails) email\(cap.emails == 1 ? "" : "s")"
            extras["timing.frequency_cap"] = .string(
                "at most \(emails) per contact in \(DecisionReport.duration(cap.windowSeconds))")
        }
        for blackout in timing.blackouts {
            extras["timing.blackouts.\(blackout.from) → \(blackout.until)"] = .string(blackout.reason)
        }
    }

    private mutating func readTriggers(_ actions: [String: [RuntimeBundle.Action]]) {
        for event in actions.keys.sorted(by: codePointOrder) {
            for action in actions[event] ?? [] {
                let id = action.trigger
                let value = BundleDiff.TriggerAction(
                    event: event, template: action.template, priority: action.priority,
                    delaySeconds: action.delaySeconds, oncePerContactSeconds: action.oncePerContact?.seconds)
                // The timing members at their defaults say nothing a reader needs: left out, so that a
                // trigger added or removed is one change, and a policy set or cleared is shown.
                let timing: [(String, String?)] = [
                    ("quiet_hours", action.quietHours == .defer ? nil : action.quietHours.rawValue),
                    ("blackouts", action.blackouts == .defer ? nil : action.blackouts.rawValue),
                    ("frequency_cap", action.frequencyCapExempt ? "exempt" : nil),
                    ("active_from", action.activeFrom?.description), ("active_until", action.activeUntil?.description),
                ]
                for case (let member, let text?) in timing { extras["triggers.\(id).\(member)"] = .string(text) }
                // Trigger ids are unique in a compiled bundle; a hand-made one may repeat an id, and each
                // occurrence is then kept apart, deterministically.
                var key = id
                var occurrence = 1
                while triggers[key] != nil {
                    occurrence += 1
                    key = "\(id) (\(occurrence))"
                }
                triggers[key] = value
            }
        }
    }

    /// The dotted path of a member not read: its keys and indices joined by `.`, except that an item of
    /// `consent.purposes`, `variables` or an event's actions is named by its id, name or trigger id
    /// (`variables.contact.firstname.unit`), which does not change when an item is inserted before it.
    static func path(of pointer: JSONPointer, in document: JSONValue) -> String {
        var tokens = pointer.tokens
        func item(_ count: Int, named member: String) {
            guard tokens.count > count, let index = Int(tokens[count - 1]) else { return }
            var value: JSONValue? = document
            for token in tokens[..<(count - 1)] { value = value?[token] }
            guard case .array(let items)? = value, items.indices.contains(index),
                case .string(let name)? = items[index][member]
            else { return }
            tokens.replaceSubrange(0..<count, with: Array(tokens[..<(count - 1)]) + [name])
        }
        switch tokens.first {
        case "consent" where tokens.count > 1 && tokens[1] == "purposes": item(3, named: "id")
        case "variables": item(2, named: "name")
        case "triggers":
            if tokens.count > 3 {
                item(3, named: "trigger")
                tokens.remove(at: 1)
            }
        default: break
        }
        return tokens.joined(separator: ".")
    }

    /// `value` at `path`, an object spread into its members so that a difference is named by its own path.
    private static func spread(_ value: JSONValue, at path: String, into extras: inout [String: JSONValue]) {
        guard case .object(let members) = value, !members.isEmpty else {
            extras[path] = value
            return
        }
        for (key, member) in members { spread(member, at: path + "." + key, into: &extras) }
    }

    /// The leaves of `value` by dotted key; a value that is not a string is kept as its JSON.
    private static func flatten(_ value: JSONValue, prefix: String, into out: inout [String: String]) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                flatten(member, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &out)
            }
        case .string(let text):
            out[prefix] = text
        default:
            out[prefix] = String(decoding: JSONWriter(pretty: false).write(value), as: UTF8.self)
        }
    }
}
