import BundleFormat
import Liquid

/// The one reader of a bundle: reads the members of a bundle into a ``RuntimeBundle``, checking that
/// they are of the right kind and, when ``RuntimeBundle/Strictness/strict``, consistent with one
/// another (a template's sender exists, every action's template exists, every template has the
/// default locale...) and that every Liquid source parses. Unknown members are ignored; a ``ReadLog``
/// in the root node records which members were read.
///
/// ``RuntimeBundle/Strictness/lenient`` is the reading of `automail diff`: it reads format 1 too (no
/// `timing`, no timing members in actions), lets a trigger id, a locale or a purpose repeat, checks no
/// reference between members and no Liquid, and reads the purposes' labels a reviewer compares. Every
/// value it reads is still of its kind and within its range, as the model holds nothing else.
enum BundleReader {
    static func read(_ root: JSONNode, strictness: RuntimeBundle.Strictness) throws(FormatProblem) -> RuntimeBundle {
        let strict = strictness == .strict
        let formatNode = try root.required("format")
        let format = try formatNode.int()
        guard strictness.formats.contains(format) else {
            throw FormatProblem(
                at: formatNode.pointer, reason: .unsupportedFormat(found: format, readable: strictness.formats))
        }
        var formatMinor = 0
        if let minor = try root.optional("format_minor") {
            formatMinor = try minor.int()
            guard formatMinor >= 0 else { throw minor.problem("`format_minor` must not be negative") }
        }
        let digest = try root.optional("digest")?.string() ?? ""
        let revision = try root.optional("revision")?.string()
        let workspace = try root.required("workspace")
        let workspaceID = try workspace.required("id").string()
        let workspaceName = try workspace.required("name").string()

        let localesNode = try root.required("locales")
        let defaultNode = try localesNode.required("default")
        let defaultLocale = try defaultNode.string()
        // Lists are checked for repeats through sets: `Array.contains` per item is quadratic in a
        // hostile bundle's 100,000 locales.
        var locales: [String] = []
        var localeSet: Set<String> = []
        for item in try localesNode.required("all").items() {
            let locale = try item.string()
            if !localeSet.insert(locale).inserted, strict {
                throw item.problem("the locale `\(locale)` is listed twice")
            }
            locales.append(locale)
        }
        if strict, locales.first != defaultLocale {
            throw defaultNode.problem("the default locale `\(defaultLocale)` must be the first of `locales.all`")
        }

        let consent = try root.required("consent")
        let modeNode = try consent.required("mode")
        guard let mode = RuntimeBundle.ConsentMode(rawValue: try modeNode.string()) else {
            throw modeNode.problem("expected `channel` or `purpose`, found `\(try modeNode.string())`")
        }
        var purposes: [String] = []
        var purposeSet: Set<String> = []
        var purposeLabels: [String: String] = [:]
        // Strict, the purposes are read in purpose mode only, their ids only: what a sender uses.
        let purposeItems =
            strict
            ? (mode == .purpose ? try consent.required("purposes").items() : [])
            : try consent.optional("purposes")?.items() ?? []
        for item in purposeItems {
            let id = try item.required("id").string()
            if !purposeSet.insert(id).inserted, strict { throw item.problem("the purpose `\(id)` is listed twice") }
            purposes.append(id)
            if !strict { purposeLabels[id] = try item.required("label").string() }
        }

        var senders: [String: RuntimeBundle.Sender] = [:]
        for (id, node) in try root.required("senders").members() {
            let from = try node.required("from")
            let replyTo = try node.optional("reply_to")?.string()
            senders[id] = RuntimeBundle.Sender(
                from: Mailbox(name: try from.required("name").string(), address: try from.required("address").string()),
                replyTo: replyTo)
        }
        let defaultSenderNode = try root.required("default_sender")
        let defaultSender = try defaultSenderNode.string()
        if strict, senders[defaultSender] == nil {
            throw defaultSenderNode.problem("`\(defaultSender)` is not a key of `senders`")
        }

        var globals: [String: JSONValue] = [:]
        let globalsNode = try root.required("globals")
        for (locale, node) in try globalsNode.members() {
            _ = try node.object()
            globals[locale] = node.wholeValue()
        }
        for locale in locales where strict && globals[locale] == nil {
            throw globalsNode.problem("the locale `\(locale)` of `locales.all` has no globals")
        }

        var variables: [RuntimeBundle.Variable] = []
        for item in try root.required("variables").items() {
            variables.append(
                RuntimeBundle.Variable(
                    name: try item.required("name").string(), type: try item.required("type").string(),
                    required: try item.optional("required")?.bool() ?? false))
        }

        var templates: [String: RuntimeBundle.Template] = [:]
        for (id, node) in try root.required("templates").members() {
            templates[id] = try template(
                id, node, senders: senders, mode: mode, purposes: purposeSet, locales: localeSet,
                defaultLocale: defaultLocale, strict: strict)
        }

        var triggers: [String: [RuntimeBundle.Action]] = [:]
        var seen: [String: JSONPointer] = [:]
        for (key, node) in try root.required("triggers").members() {
            var actions: [RuntimeBundle.Action] = []
            for item in try node.items() {
                let action = try action(item, templates: templates, strict: strict)
                let triggerPointer = item.pointer.appending("trigger")
                if strict, let first = seen[action.trigger] {
                    throw FormatProblem(at: triggerPointer, "the trigger `\(action.trigger)` also appears at \(first)")
                }
                seen[action.trigger] = triggerPointer
                actions.append(action)
            }
            triggers[key] = actions
        }

        // Format 1 has no `timing`.
        let timingNode = strict ? try root.required("timing") : try root.optional("timing")
        let timing = try timingNode.map { node throws(FormatProblem) in try timingRules(node, strict: strict) } ?? .none

        return RuntimeBundle(
            format: format, formatMinor: formatMinor, digest: digest, revision: revision, workspaceID: workspaceID,
            workspaceName: workspaceName, defaultLocale: defaultLocale, locales: locales, consentMode: mode,
            purposes: purposes, senders: senders, defaultSender: defaultSender, globals: globals, variables: variables,
            templates: templates, triggers: triggers, timing: timing, purposeLabels: purposeLabels)
    }

    /// `timing` (docs/bundle-format.md, "Members"): the workspace's zone must be one of `zones`.
    private static func timingRules(_ node: JSONNode, strict: Bool) throws(FormatProblem) -> TimingRules {
        let zoneNode = try node.required("time_zone")
        let timeZone = try zoneNode.string()
        let tzdata = try node.required("tzdata").string()
        var zones: [String: ZoneOffsets] = [:]
        for (name, zone) in try node.required("zones").members() {
            var transitions: [(instant: Int, offset: Int)] = []
            for item in try zone.items() {
                let pair = try item.items()
                guard pair.count == 2 else { throw item.problem("a transition is `[instant, offset]`") }
                transitions.append((try pair[0].int(), try pair[1].int()))
            }
            guard let offsets = ZoneOffsets(transitions) else {
                throw zone.problem(
                    "the transitions of `\(name)` must be at least one, their instants increasing, their offsets within 26 hours"
                )
            }
            zones[name] = offsets
        }
        if strict, zones[timeZone] == nil { throw zoneNode.problem("`\(timeZone)` is not a key of `timing.zones`") }
        var quietHours: QuietHours?
        if let quiet = try node.optional("quiet_hours") {
            guard
                let hours = QuietHours(
                    start: try quiet.required("start_seconds").int(), end: try quiet.required("end_seconds").int())
            else {
                throw quiet.problem("`start_seconds` and `end_seconds` are different seconds of the day, 0 to 86399")
            }
            quietHours = hours
        }
        var cap: FrequencyCap?
        if let capNode = try node.optional("frequency_cap") {
            let emails = try capNode.required("emails").int()
            let window = try capNode.required("window_seconds").int()
            guard emails >= 1, window >= 1 else {
                throw capNode.problem("`emails` and `window_seconds` must be at least 1")
            }
            cap = FrequencyCap(emails: emails, windowSeconds: window)
        }
        var blackouts: [Blackout] = []
        let blackoutsNode = try node.required("blackouts")
        let blackoutItems = try blackoutsNode.items()
        guard blackoutItems.count <= TimingRules.maximumBlackouts else {
            throw blackoutsNode.problem("more than \(TimingRules.maximumBlackouts) blackouts")
        }
        for item in blackoutItems {
            let from = try instant(item.required("from"))
            let until = try instant(item.required("until"))
            guard from < until else { throw item.problem("a blackout's `from` must be before its `until`") }
            if let previous = blackouts.last, from < previous.from {
                throw item.problem("blackouts are sorted by `from`")
            }
            blackouts.append(Blackout(from: from, until: until, reason: try item.required("reason").string()))
        }
        return TimingRules(
            timeZone: timeZone, tzdata: tzdata, zones: zones, quietHours: quietHours, frequencyCap: cap,
            blackouts: blackouts)
    }

    /// An instant written as the bundle writes them: RFC 3339 in UTC (`2026-03-14T23:00:00Z`).
    private static func instant(_ node: JSONNode) throws(FormatProblem) -> Timestamp {
        let text = try node.string()
        guard let time = Timestamp(rfc3339: text), time.description == text else {
            throw node.problem("`\(text)` is not a UTC date-time like `2026-03-14T23:00:00Z`")
        }
        return time
    }

    /// A policy member of an action: `defer`, `drop` or `ignore`.
    private static func policy(_ node: JSONNode) throws(FormatProblem) -> TimingPolicy {
        let text = try node.string()
        guard let policy = TimingPolicy(rawValue: text) else {
            throw node.problem("expected `defer`, `drop` or `ignore`, found `\(text)`")
        }
        return policy
    }

    private static func template(
        _ id: String, _ node: JSONNode, senders: [String: RuntimeBundle.Sender], mode: RuntimeBundle.ConsentMode,
        purposes: Set<String>, locales: Set<String>, defaultLocale: String, strict: Bool
    ) throws(FormatProblem) -> RuntimeBundle.Template {
        let senderNode = try node.required("sender")
        let sender = try senderNode.string()
        if strict, senders[sender] == nil { throw senderNode.problem("`\(sender)` is not a key of `senders`") }
        var purpose: String?
        if !strict {
            purpose = try node.optional("purpose")?.string()
        } else if mode == .purpose {
            let purposeNode = try node.required("purpose")
            let value = try purposeNode.string()
            guard purposes.contains(value) else {
                throw purposeNode.problem("`\(value)` is not a purpose of `consent.purposes`")
            }
            purpose = value
        }
        let localesNode = try node.required("locales")
        var localized: [String: RuntimeBundle.LocalizedTemplate] = [:]
        for (locale, content) in try localesNode.members() {
            if strict, !locales.contains(locale) {
                throw content.problem("the locale `\(locale)` is not one of `locales.all`")
            }
            func liquid(_ member: JSONNode) throws(FormatProblem) -> String {
                let source = try member.string()
                if strict, let issue = LiquidTemplate.parse(source).issues.first {
                    throw member.problem("the Liquid does not parse: \(issue.message)")
                }
                return source
            }
            var headers: [String: String] = [:]
            for (name, value) in try content.required("headers").members() {
                headers[name] = try liquid(value)
            }
            localized[locale] = RuntimeBundle.LocalizedTemplate(
                subject: try liquid(content.required("subject")), html: try liquid(content.required("html")),
                text: try liquid(content.required("text")), headers: headers)
        }
        if strict, localized[defaultLocale] == nil {
            throw localesNode.problem("the template has no content in the default locale `\(defaultLocale)`")
        }
        return RuntimeBundle.Template(id: id, sender: sender, purpose: purpose, locales: localized)
    }

    private static func action(
        _ node: JSONNode, templates: [String: RuntimeBundle.Template], strict: Bool
    ) throws(FormatProblem) -> RuntimeBundle.Action {
        let trigger = try node.required("trigger").string()
        let templateNode = try node.required("template")
        let template = try templateNode.string()
        if strict, templates[template] == nil {
            throw templateNode.problem("`\(template)` is not a key of `templates`")
        }
        let delayNode = try node.required("delay_seconds")
        let delay = try delayNode.int()
        guard delay >= 0 else { throw delayNode.problem("`delay_seconds` must not be negative") }
        var once: RuntimeBundle.OncePerContact?
        if let onceNode = try node.optional("once_per_contact_seconds") {
            let seconds = try onceNode.int()
            switch seconds {
            case -1: once = .forever
            case 0...: once = .window(seconds: seconds)
            default:
                throw onceNode.problem(
                    "`once_per_contact_seconds` is -1 (forever) or a number of seconds, not \(seconds)")
            }
        }
        let activeFrom = try node.optional("active_from").map { node throws(FormatProblem) in try instant(node) }
        let activeUntil = try node.optional("active_until").map { node throws(FormatProblem) in try instant(node) }
        if let activeFrom, let activeUntil, activeUntil <= activeFrom {
            throw node.problem("`active_until` must be after `active_from`")
        }
        // Format 1 has none of the three timing members: lenient, each is at its default when absent.
        func timingMember(_ key: String) throws(FormatProblem) -> JSONNode? {
            strict ? try node.required(key) : try node.optional(key)
        }
        var cap = "count"
        if let capNode = try timingMember("frequency_cap") {
            cap = try capNode.string()
            guard cap == "count" || cap == "exempt" else {
                throw capNode.problem("expected `count` or `exempt`, found `\(cap)`")
            }
        }
        let priority = try node.required("priority").int()
        let quietHours = try timingMember("quiet_hours").map { node throws(FormatProblem) in try policy(node) }
        let blackouts = try timingMember("blackouts").map { node throws(FormatProblem) in try policy(node) }
        return RuntimeBundle.Action(
            trigger: trigger, template: template, priority: priority, delaySeconds: delay,
            oncePerContact: once, activeFrom: activeFrom, activeUntil: activeUntil, quietHours: quietHours ?? .defer,
            blackouts: blackouts ?? .defer, frequencyCapExempt: cap == "exempt")
    }
}
