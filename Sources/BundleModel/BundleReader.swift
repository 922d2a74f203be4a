import BundleFormat
import Liquid

/// Reads the members of a bundle the evaluation uses into a ``RuntimeBundle``, checking that they are
/// of the right kind and consistent with one another (a template's sender exists, every action's
/// template exists, every template has the default locale...). Unknown members are ignored.
enum BundleReader {
    static func read(_ root: JSONNode) throws(FormatProblem) -> RuntimeBundle {
        let format = try root.required("format").int()
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
            guard localeSet.insert(locale).inserted else { throw item.problem("the locale `\(locale)` is listed twice") }
            locales.append(locale)
        }
        guard locales.first == defaultLocale else {
            throw defaultNode.problem("the default locale `\(defaultLocale)` must be the first of `locales.all`")
        }

        let consent = try root.required("consent")
        let modeNode = try consent.required("mode")
        guard let mode = RuntimeBundle.ConsentMode(rawValue: try modeNode.string()) else {
            throw modeNode.problem("expected `channel` or `purpose`, found `\(try modeNode.string())`")
        }
        var purposes: [String] = []
        var purposeSet: Set<String> = []
        if mode == .purpose {
            for item in try consent.required("purposes").items() {
                let id = try item.required("id").string()
                guard purposeSet.insert(id).inserted else { throw item.problem("the purpose `\(id)` is listed twice") }
                purposes.append(id)
            }
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
        guard senders[defaultSender] != nil else {
            throw defaultSenderNode.problem("`\(defaultSender)` is not a key of `senders`")
        }

        var globals: [String: JSONValue] = [:]
        let globalsNode = try root.required("globals")
        for (locale, node) in try globalsNode.members() {
            _ = try node.object()
            globals[locale] = node.value
        }
        for locale in locales where globals[locale] == nil {
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
                defaultLocale: defaultLocale)
        }

        var triggers: [String: [RuntimeBundle.Action]] = [:]
        var seen: [String: JSONPointer] = [:]
        for (key, node) in try root.required("triggers").members() {
            var actions: [RuntimeBundle.Action] = []
            for item in try node.items() {
                let action = try action(item, templates: templates)
                let triggerPointer = item.pointer.appending("trigger")
                if let first = seen[action.trigger] {
                    throw FormatProblem(at: triggerPointer, "the trigger `\(action.trigger)` also appears at \(first)")
                }
                seen[action.trigger] = triggerPointer
                actions.append(action)
            }
            triggers[key] = actions
        }

        let timing = try timingRules(try root.required("timing"))

        return RuntimeBundle(
            format: format, formatMinor: formatMinor, digest: digest, revision: revision, workspaceID: workspaceID,
            workspaceName: workspaceName, defaultLocale: defaultLocale, locales: locales, consentMode: mode,
            purposes: purposes, senders: senders, defaultSender: defaultSender, globals: globals, variables: variables,
            templates: templates, triggers: triggers, timing: timing)
    }

    /// `timing` (docs/bundle-format.md, "Members"): the workspace's zone must be one of `zones`.
    private static func timingRules(_ node: JSONNode) throws(FormatProblem) -> TimingRules {
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
                    "the transitions of `\(name)` must be at least one, their instants increasing, their offsets within 26 hours")
            }
            zones[name] = offsets
        }
        guard zones[timeZone] != nil else { throw zoneNode.problem("`\(timeZone)` is not a key of `timing.zones`") }
        var quietHours: QuietHours?
        if let quiet = try node.optional("quiet_hours") {
            guard let hours = QuietHours(start: try quiet.required("start_seconds").int(), end: try quiet.required("end_seconds").int())
            else { throw quiet.problem("`start_seconds` and `end_seconds` are different seconds of the day, 0 to 86399") }
            quietHours = hours
        }
        var cap: FrequencyCap?
        if let capNode = try node.optional("frequency_cap") {
            let emails = try capNode.required("emails").int()
            let window = try capNode.required("window_seconds").int()
            guard emails >= 1, window >= 1 else { throw capNode.problem("`emails` and `window_seconds` must be at least 1") }
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
        purposes: Set<String>, locales: Set<String>, defaultLocale: String
    ) throws(FormatProblem) -> RuntimeBundle.Template {
        let senderNode = try node.required("sender")
        let sender = try senderNode.string()
        guard senders[sender] != nil else { throw senderNode.problem("`\(sender)` is not a key of `senders`") }
        var purpose: String?
        if mode == .purpose {
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
            guard locales.contains(locale) else {
                throw content.problem("the locale `\(locale)` is not one of `locales.all`")
            }
            func liquid(_ member: JSONNode) throws(FormatProblem) -> String {
                let source = try member.string()
                if let issue = LiquidTemplate.parse(source).issues.first {
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
        guard localized[defaultLocale] != nil else {
            throw localesNode.problem("the template has no content in the default locale `\(defaultLocale)`")
        }
        return RuntimeBundle.Template(id: id, sender: sender, purpose: purpose, locales: localized)
    }

    private static func action(
        _ node: JSONNode, templates: [String: RuntimeBundle.Template]
    ) throws(FormatProblem) -> RuntimeBundle.Action {
        let trigger = try node.required("trigger").string()
        let templateNode = try node.required("template")
        let template = try templateNode.string()
        guard templates[template] != nil else { throw templateNode.problem("`\(template)` is not a key of `templates`") }
        let delayNode = try node.required("delay_seconds")
        let delay = try delayNode.int()
        guard delay >= 0 else { throw delayNode.problem("`delay_seconds` must not be negative") }
        var once: RuntimeBundle.OncePerContact?
        if let onceNode = try node.optional("once_per_contact_seconds") {
            let seconds = try onceNode.int()
            switch seconds {
            case -1: once = .forever
            case 0...: once = .window(seconds: seconds)
            default: throw onceNode.problem("`once_per_contact_seconds` is -1 (forever) or a number of seconds, not \(seconds)")
            }
        }
        let activeFrom = try node.optional("active_from").map { node throws(FormatProblem) in try instant(node) }
        let activeUntil = try node.optional("active_until").map { node throws(FormatProblem) in try instant(node) }
        if let activeFrom, let activeUntil, activeUntil <= activeFrom {
            throw node.problem("`active_until` must be after `active_from`")
        }
        let capNode = try node.required("frequency_cap")
        let cap = try capNode.string()
        guard cap == "count" || cap == "exempt" else { throw capNode.problem("expected `count` or `exempt`, found `\(cap)`") }
        return RuntimeBundle.Action(
            trigger: trigger, template: template, priority: try node.required("priority").int(), delaySeconds: delay,
            oncePerContact: once, activeFrom: activeFrom, activeUntil: activeUntil,
            quietHours: try policy(node.required("quiet_hours")), blackouts: try policy(node.required("blackouts")),
            frequencyCapExempt: cap == "exempt")
    }
}
