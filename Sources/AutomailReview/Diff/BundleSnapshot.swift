import AutomailRuntime
import BundleFormat
import BundleModel

/// Why a bundle could not be read for a diff: where (a dotted path into the bundle, empty for the
/// whole document) and what is wrong.
public struct BundleReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the value at fault (`templates.bienvenue.locales.fr.subject`), empty for
    /// the document itself.
    public var path: String
    /// What is wrong, lowercase, no trailing period.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "`\(path)`: \(message)" }
}

/// A bundle file read back: its content and whether its `digest` matches that content.
public struct ReadBundle: Sendable, Hashable {
    /// Whether the recorded digest matches the content.
    public enum DigestStatus: String, Sendable, Hashable {
        /// The digest is that of the content: the file is as the compiler wrote it.
        case matches
        /// The digest is not that of the content: the file was changed after it was built.
        case mismatch
        /// The bundle has no `digest` member.
        case missing
    }

    /// The whole document.
    public var content: JSONValue
    /// The digest recorded in the bundle, if any.
    public var digest: String?
    /// Whether ``digest`` matches the content.
    public var digestStatus: DigestStatus

    /// Reads a bundle from its bytes with the strict ``JSONParser`` and checks its digest (the
    /// SHA-256 of the canonical form without `digest`, docs/bundle-format.md). The shape of the content
    /// is checked when it is compared (``BundleDiff/compare(old:new:)``).
    ///
    /// - Throws: ``BundleReadError`` when the bytes are not one JSON object.
    public static func read(_ bytes: [UInt8]) throws(BundleReadError) -> ReadBundle {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw BundleReadError(path: "", message: "not valid JSON: \(error)")
        }
        guard case .object(let members) = value else {
            throw BundleReadError(path: "", message: "a bundle is a JSON object, this is not one")
        }
        guard case .string(let digest)? = members["digest"] else {
            return ReadBundle(content: value, digest: nil, digestStatus: .missing)
        }
        let expected = BundleEmitter.expectedDigest(of: members)
        return ReadBundle(content: value, digest: digest, digestStatus: expected == digest ? .matches : .mismatch)
    }
}

/// What a diff compares in one bundle: the bundle's content as typed values, the senders and
/// templates in the model the runtime reads (``RuntimeBundle``). Anything the bundle holds that is not
/// modelled here is kept, by dotted path, in ``extras`` and compared as plain JSON, so that no difference
/// can go unreported.
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

    /// The bundle format this snapshot reads.
    static let formatVersion = BundleEmitter.formatVersion

    /// Members that describe how the bundle was made, not what it sends: never compared.
    static let provenance: Set<String> = ["digest", "revision", "compiler", "format"]

    init(_ value: JSONValue) throws(BundleReadError) {
        var root = try Members(value, path: "")
        let format = try root.int("format")
        // Format 1 is read too (it lacks `timing` and the actions' timing members, which then show as
        // added): a deployed bundle of the previous format can be compared with a new build.
        guard (1...Self.formatVersion).contains(format) else {
            throw BundleReadError(
                path: "format",
                message: "bundle format \(format) is not one this automail reads (formats 1 to \(Self.formatVersion))")
        }
        if var compiler = try root.optionalObject("compiler") {
            compilerVersion = try compiler.optionalString("version")
            compiler.keepRest(in: &extras)
        }
        _ = try root.optionalString("digest")
        revision = try root.optionalString("revision")

        var workspace = try root.object("workspace")
        workspaceID = try workspace.string("id")
        workspaceName = try workspace.string("name")
        workspace.keepRest(in: &extras)

        var locales = try root.object("locales")
        defaultLocale = try locales.string("default")
        self.locales = try locales.strings("all")
        locales.keepRest(in: &extras)

        try readConsent(try root.object("consent"))
        try readSenders(try root.object("senders"))
        defaultSender = try root.string("default_sender")
        try readGlobals(try root.object("globals"))
        try readVariables(try root.array("variables"), path: "variables")
        try readTemplates(try root.object("templates"))
        try readTriggers(try root.object("triggers"))
        if root.members["timing"] != nil { try readTiming(try root.object("timing")) }
        root.keepRest(in: &extras)
    }

    /// `timing`, in words a reviewer reads: quiet hours as local clock times, the cap as emails per
    /// window, each blackout under its own interval (so a round added or removed is one line), each
    /// zone as its tz release and transition count (not thousands of numbers).
    private mutating func readTiming(_ object: Members) throws(BundleReadError) {
        var timing = object
        extras["timing.time_zone"] = .string(try timing.string("time_zone"))
        let tzdata = try timing.string("tzdata")
        var zones = try timing.object("zones")
        for zone in zones.remainingKeys {
            let transitions = try zones.array(zone)
            extras["timing.zones.\(zone)"] = .string("tzdata \(tzdata), \(transitions.count) offsets")
        }
        if var quiet = try timing.optionalObject("quiet_hours") {
            let start = try quiet.int("start_seconds"), end = try quiet.int("end_seconds")
            extras["timing.quiet_hours"] = .string("\(QuietHours.clock(start))–\(QuietHours.clock(end)), the contact's local time")
        }
        if var cap = try timing.optionalObject("frequency_cap") {
            let emails = try cap.int("emails"), window = try cap.int("window_seconds")
            extras["timing.frequency_cap"] = .string(
                "at most \(emails) email\(emails == 1 ? "" : "s") per contact in \(DecisionReport.duration(window))")
        }
        for (index, item) in try timing.array("blackouts").enumerated() {
            var blackout = try Members(item, path: "timing.blackouts.\(index)")
            let from = try blackout.string("from"), until = try blackout.string("until")
            extras["timing.blackouts.\(from) → \(until)"] = .string(try blackout.string("reason"))
        }
        timing.keepRest(in: &extras)
    }

    private mutating func readConsent(_ object: Members) throws(BundleReadError) {
        var consent = object
        consentMode = try consent.string("mode")
        if let purposes = try consent.optionalArray("purposes") {
            for (index, item) in purposes.enumerated() {
                var purpose = try Members(item, path: "consent.purposes.\(index)")
                let id = try purpose.string("id")
                self.purposes[id] = try purpose.string("label")
                purpose.keepRest(in: &extras, as: "consent.purposes.\(id)")
            }
        }
        consent.keepRest(in: &extras)
    }

    private mutating func readSenders(_ object: Members) throws(BundleReadError) {
        var senders = object
        for id in senders.remainingKeys {
            var sender = try senders.object(id)
            var from = try sender.object("from")
            let name = try from.string("name")
            let address = try from.string("address")
            from.keepRest(in: &extras)
            self.senders[id] = Sender(
                from: Mailbox(name: name, address: address), replyTo: try sender.optionalString("reply_to"))
            sender.keepRest(in: &extras)
        }
    }

    private mutating func readGlobals(_ object: Members) throws(BundleReadError) {
        var globals = object
        for locale in globals.remainingKeys {
            let value = try globals.take(locale)
            var flat: [String: String] = [:]
            Self.flatten(value, prefix: "", into: &flat)
            self.globals[locale] = flat
        }
    }

    /// The leaves of `value` by dotted key; a value that is not a string is kept as its JSON.
    private static func flatten(_ value: JSONValue, prefix: String, into out: inout [String: String]) {
        switch value {
        case .object(let members):
            for (key, member) in members { flatten(member, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &out) }
        case .string(let text):
            out[prefix] = text
        default:
            out[prefix] = String(decoding: JSONWriter(pretty: false).write(value), as: UTF8.self)
        }
    }

    private mutating func readVariables(_ items: [JSONValue], path: String) throws(BundleReadError) {
        for (index, item) in items.enumerated() {
            var variable = try Members(item, path: "\(path).\(index)")
            let name = try variable.string("name")
            let type = try variable.string("type")
            let required = try variable.optionalBool("required") ?? false
            variables[name] = BundleDiff.Variable(type: type, required: required)
            variable.keepRest(in: &extras, as: "variables.\(name)")
        }
    }

    private mutating func readTemplates(_ object: Members) throws(BundleReadError) {
        var templates = object
        for id in templates.remainingKeys {
            var template = try templates.object(id)
            let sender = try template.string("sender")
            let purpose = try template.optionalString("purpose")
            var locales = try template.object("locales")
            var byLocale: [String: Locale] = [:]
            for locale in locales.remainingKeys {
                var entry = try locales.object(locale)
                let subject = try entry.string("subject")
                let html = try entry.string("html")
                let text = try entry.string("text")
                var headers = try entry.object("headers")
                var values: [String: String] = [:]
                for name in headers.remainingKeys { values[name] = try headers.string(name) }
                byLocale[locale] = Locale(subject: subject, html: html, text: text, headers: values)
                entry.keepRest(in: &extras)
            }
            self.templates[id] = Template(id: id, sender: sender, purpose: purpose, locales: byLocale)
            template.keepRest(in: &extras)
        }
    }

    private mutating func readTriggers(_ object: Members) throws(BundleReadError) {
        var events = object
        for event in events.remainingKeys {
            let path = events.path(event)
            for (index, item) in try events.array(event).enumerated() {
                var action = try Members(item, path: "\(path).\(index)")
                let id = try action.string("trigger")
                let value = BundleDiff.TriggerAction(
                    event: event, template: try action.string("template"), priority: try action.int("priority"),
                    delaySeconds: try action.int("delay_seconds"),
                    oncePerContactSeconds: try action.optionalInt("once_per_contact_seconds"))
                // The timing members at their defaults say nothing a reader needs: left out, so that a
                // trigger added or removed is one change, and a policy set or cleared is shown.
                for (member, standard) in [("quiet_hours", "defer"), ("blackouts", "defer"), ("frequency_cap", "count")]
                where action.members[member] == .string(standard) {
                    _ = try action.take(member)
                }
                action.keepRest(in: &extras, as: "triggers.\(id)")
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
}

/// The members of one JSON object being read: each member read is taken out, and what remains can be
/// kept as extras. Keys are visited in code point order.
private struct Members {
    fileprivate(set) var members: [String: JSONValue]
    let prefix: String

    init(_ value: JSONValue, path: String) throws(BundleReadError) {
        guard case .object(let members) = value else {
            throw BundleReadError(path: path, message: "expected an object, found \(Self.kind(of: value))")
        }
        self.members = members
        prefix = path
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    /// The keys not read yet, sorted by code point.
    var remainingKeys: [String] { members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    mutating func take(_ key: String) throws(BundleReadError) -> JSONValue {
        guard let value = members.removeValue(forKey: key) else {
            throw BundleReadError(path: path(key), message: "missing")
        }
        return value
    }

    mutating func string(_ key: String) throws(BundleReadError) -> String {
        let value = try take(key)
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    mutating func optionalString(_ key: String) throws(BundleReadError) -> String? {
        members[key] == nil ? nil : try string(key)
    }

    mutating func int(_ key: String) throws(BundleReadError) -> Int {
        let value = try take(key)
        guard case .int(let number) = value else { throw mismatch(key, "an integer", value) }
        return number
    }

    mutating func optionalInt(_ key: String) throws(BundleReadError) -> Int? {
        members[key] == nil ? nil : try int(key)
    }

    mutating func optionalBool(_ key: String) throws(BundleReadError) -> Bool? {
        guard let value = members.removeValue(forKey: key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, "true or false", value) }
        return flag
    }

    mutating func array(_ key: String) throws(BundleReadError) -> [JSONValue] {
        let value = try take(key)
        guard case .array(let items) = value else { throw mismatch(key, "an array", value) }
        return items
    }

    mutating func optionalArray(_ key: String) throws(BundleReadError) -> [JSONValue]? {
        members[key] == nil ? nil : try array(key)
    }

    mutating func strings(_ key: String) throws(BundleReadError) -> [String] {
        var out: [String] = []
        for (index, item) in try array(key).enumerated() {
            guard case .string(let text) = item else { throw mismatch("\(key).\(index)", "a string", item) }
            out.append(text)
        }
        return out
    }

    mutating func object(_ key: String) throws(BundleReadError) -> Members {
        try Members(take(key), path: path(key))
    }

    mutating func optionalObject(_ key: String) throws(BundleReadError) -> Members? {
        members[key] == nil ? nil : try object(key)
    }

    /// Moves every member not read into `extras`, under this object's path (or `base`), objects
    /// spread into their members so that a difference is named by its own path.
    mutating func keepRest(in extras: inout [String: JSONValue], as base: String? = nil) {
        let root = base ?? prefix
        for (key, value) in members { Self.spread(value, at: root.isEmpty ? key : root + "." + key, into: &extras) }
        members = [:]
    }

    private static func spread(_ value: JSONValue, at path: String, into extras: inout [String: JSONValue]) {
        guard case .object(let members) = value, !members.isEmpty else {
            extras[path] = value
            return
        }
        for (key, member) in members { spread(member, at: path + "." + key, into: &extras) }
    }

    private func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> BundleReadError {
        BundleReadError(path: path(key), message: "expected \(expected), found \(Self.kind(of: value))")
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
