import BundleFormat
import Diagnostics
import Liquid
import MailRendering

/// Lowers a workspace that passed every rule but the template rules to the bundle's JSON content,
/// without its digest, running the template rules on each template as it lowers it.
///
/// Checking and lowering a template in one step means its Markdown is converted once and its
/// conversion is dropped as soon as the template is written: the build never holds every template's
/// HTML and text at once. A template the rules find an error in is not lowered (its problems are in
/// ``templateDiagnostics``), so whatever was written is not a bundle and the caller discards it. The stage
/// that drives it, and why checking and lowering are fused, is ``CheckAndLowerTemplates``.
struct BundleLowering {
    let workspace: Workspace
    let manifest: Manifest
    let symbols: SymbolTable
    let variables: VariableCatalog
    /// The template rules, converting Markdown fully (`keepsRenderings`) so the lowering reuses it.
    let templateRules: TemplateRules
    let options: BuildOptions
    /// What the template rules reported, in template order (the caller sorts them with the rest).
    private(set) var templateDiagnostics: [Diagnostic] = []
    /// Whether a template was left out because the rules found an error in it.
    private(set) var leftOutTemplates = false
    /// With ``BuildOptions/templateCache``: the template files by path and the digest of what every
    /// template shares (``TemplateCache/context(manifest:layouts:reachesContacts:)``).
    var cacheInput: (files: [String: SourceFile], context: [UInt8])?

    /// The id under which the implicit `noreply@` sender appears when no default sender is declared.
    /// Ids cannot start with `_`, so it never collides with a declared sender.
    static let implicitSenderID = "_noreply"

    /// The bundle's content, whole (what ``BundleEmitter/emit(_:)`` writes and the previews read).
    mutating func lower() -> [String: JSONValue] {
        var content = head()
        var templates: [String: JSONValue] = [:]
        let used = lowerTemplates(batchSize: Int.max, finish: \.value, cached: nil) { id, value in templates[id] = value
        }
        content["templates"] = .object(templates)
        content.merge(tail(used: used, independent: independentTail()).mapValues(\.value)) { first, _ in first }
        return content
    }

    /// Writes the bundle into `sink` (signed with `signingKey` when given) template by template: the
    /// same bytes as ``BundleEmitter/emit(_:)`` of ``lower()``, without ever holding the whole content.
    ///
    /// - Returns: the bundle's digest.
    mutating func emit<Sink: BundleSink>(into sink: inout Sink, signingKey: BundlePrivateKey?)
        throws(BundleSigningError)
        -> String
    {
        let lowering = self
        return try BundleEmitter.emit(members: head(), streamed: "templates", signingKey: signingKey, into: &sink) {
            yield in
            // The members after the templates that do not depend on them, made while templates are lowered.
            var independent: [String: LateMember] = [:]
            // Each template written in both forms on the thread that lowered it.
            let used = lowerTemplates(
                batchSize: options.streamingBatchSize, finish: \.written, cached: (\.written, { $0 }),
                alongside: { independent = lowering.independentTail() }, yield)
            return tail(used: used, independent: independent)
        }
    }

    /// Every member but `templates` and the members computed from them (``tail(used:)``).
    private func head() -> [String: JSONValue] {
        let locales = symbols.locales
        var content: [String: JSONValue] = [
            "format": .int(BundleEmitter.formatVersion),
            "format_minor": .int(BundleEmitter.formatMinorVersion),
            "compiler": .object(["name": .string("automail"), "version": .string(Compiler.version)]),
            "workspace": .object([
                "id": .string(manifest.id?.value ?? ""), "name": .string(manifest.name?.value ?? ""),
            ]),
            "locales": .object([
                "default": .string(locales.first ?? ""), "all": .array(locales.map { .string($0) }),
            ]),
            "consent": consent(),
            "rendering": .object([
                "engine": .string("liquid"),
                "html": .string(
                    "every output already ends with `| escape | replace: \"&#x27;\", \"&#39;\"`: render with auto-escaping off"
                ),
                "text": .string("render with auto-escaping off; the text part is not HTML"),
            ]),
        ]
        if let revision = options.revision { content["revision"] = .string(revision) }
        let (senders, defaultSender) = self.senders()
        content["senders"] = .object(senders)
        content["default_sender"] = .string(defaultSender)
        var globals: [String: JSONValue] = [:]
        for locale in locales {
            globals[locale] = JSONValue(liquid: .object(RenderContext.globals(manifest: manifest, locale: locale)))
        }
        content["globals"] = .object(globals)
        return content
    }

    /// The members that sort after `templates`: the variables the templates read (`used`), and the members
    /// that do not depend on the templates (`independent`: ``independentTail()``).
    private func tail(used: UsedVariables, independent: [String: LateMember]) -> [String: LateMember] {
        let variables = JSONValue.array(
            variables.contactVariables.filter { used.contains($0.name) }.sorted { $0.name < $1.name }.map {
                var entry: [String: JSONValue] = ["name": .string($0.name), "type": .string($0.type)]
                if $0.name == "unsubscribe_url" { entry["required"] = .bool(true) }
                return .object(entry)
            })
        return independent.merging(["variables": .value(variables)]) { first, _ in first }
    }

    /// The members after `templates` that do not depend on them: the triggers (grouped by event, each
    /// event's list written later) and the timing.
    private func independentTail() -> [String: LateMember] {
        ["triggers": triggers(), "timing": .value(TimingLowering(timing: manifest.timing).member())]
    }

    /// Checks and lowers every template on `options.parallelism` threads, at most `batchSize` ahead of the
    /// last one handed on, and hands each, made into `Lowered` by `finish` on the thread that lowered it,
    /// to `yield` with its id, in increasing id order (UTF-8 bytes; one call at a time, on any of the
    /// threads); returns the variables they read (flags over the catalog). When
    /// two templates share an id (never in a workspace without errors) the later one in workspace order
    /// is the one yielded, as a dictionary keeps it.
    ///
    /// With `cached` (the streamed build) and ``BuildOptions/templateCache``, a template is taken from the
    /// cache when its entry is there and intact, and kept in it when the rules found nothing in it:
    /// `cached` turns an entry into `Lowered` and back. `alongside`, when given, runs once, on one of the
    /// threads, while the others lower templates.
    private mutating func lowerTemplates<Lowered>(
        batchSize: Int, finish: @escaping (LoweredTemplate) -> Lowered,
        cached: (restore: (TemplateCache.Entry) -> Lowered, written: (Lowered) -> WrittenEntry)?,
        alongside: (() -> Void)? = nil, _ yield: (String, Lowered) -> Void
    ) -> UsedVariables {
        let cache = cached == nil ? nil : options.templateCache
        let catalog = VariablePositions(variables.contactVariables.map(\.name))
        var used = UsedVariables(catalog: catalog, always: ["unsubscribe_url"])
        // The manifest's footers are shared by most templates: checked and converted once, up front.
        var shared = TextFindings()
        var footerBag = DiagnosticBag()
        templateRules.checkFooters(of: manifest, into: &footerBag, keeping: &shared)
        templateDiagnostics += footerBag.diagnostics
        for footer in manifest.footers {
            let key = TextKey(footer.text.text)
            let settings = manifest.conversionSettings(locale: footer.locale.value)
            let markdownKey = MarkdownKey(footer.text.text, settings)
            if shared.markdown[markdownKey] == nil {
                shared.markdown[markdownKey] = RenderedMarkdown(markdown: footer.text.text, settings: settings)
            }
            if shared.reads[key] == nil { shared.reads[key] = Self.reads(of: footer.text.text) }
        }
        let all = workspace.templates
        // Sorted by id, then by position: the last of equal ids is the one a dictionary would keep.
        let order = all.indices.sorted { a, b in
            let (left, right) = (all[a].id.value, all[b].id.value)
            if left == right { return a < b }
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        // The layout read once, and its markup rewritten once: every document shares it.
        let layout = DocumentLayout(self.layout, theme: manifest.emailTheme)
        let pieces = layout.pieces.map(SharedMarkup.init)
        let locales = preparedLocales(layout: layout, shared: shared)
        let defaultSender = senders().1
        options.progress?.update { $0.templates = order.count }
        let window = max(1, batchSize)
        // No batch waits for its slowest template: each thread takes the next template as it is free, and
        // whichever thread finds the next template in id order done writes it (never two at once), at most
        // `window` templates ahead of the last one written.
        Parallel.forEachInOrder(order.count, parallelism: options.parallelism, window: window, alongside: alongside) {
            [self, shared] position in
            let template = all[order[position]]
            // A template unchanged since a build that found nothing in it: its entry as written then.
            let cacheKey = cacheInput.flatMap { input in
                input.files[template.file].map { TemplateCache.key(context: input.context, file: $0) }
            }
            if let cache, let cached, let cacheKey {
                let entry = cache.store.load(cacheKey).flatMap { TemplateCache.decode($0, key: cacheKey) }
                cache.count(hit: entry != nil)
                if let entry {
                    return (Optional(cached.restore(entry)), catalog.positions(of: [entry.reads]), [Diagnostic]())
                }
            }
            var bag = DiagnosticBag()
            var conversions = shared
            templateRules.check(template, into: &bag, keeping: &conversions)
            // Never lowered with an error: the lowering expects text the rules accepted.
            guard !bag.hasErrors else { return (Lowered?.none, [Int](), bag.diagnostics) }
            // Each text's set of variables, looked up in the catalog below (merged only for the cache).
            var reads: [Set<String>] = []
            let value = lower(
                template, defaultSender: defaultSender, layout: layout, pieces: pieces, locales: locales,
                findings: conversions, reads: &reads)
            let lowered = finish(value)
            // Only a template with nothing to report is kept: a cached one gives no diagnostic back.
            if let cache, let cached, let cacheKey, bag.diagnostics.isEmpty {
                let entry = TemplateCache.Entry(written: cached.written(lowered), reads: Set(reads.joined()))
                cache.store.store(cacheKey, TemplateCache.encode(entry, key: cacheKey))
            }
            return (Optional(lowered), catalog.positions(of: reads), bag.diagnostics)
        } consume: { position, outcome in
            let (value, reads, diagnostics) = outcome
            templateDiagnostics += diagnostics
            used.insert(reads)
            if (position + 1) % window == 0 || position + 1 == order.count {
                options.progress?.update { $0.templatesRendered = position + 1 }
            }
            let id = all[order[position]].id.value
            if position + 1 < order.count, all[order[position + 1]].id.value == id { return }
            guard let value else {
                leftOutTemplates = true
                return
            }
            yield(id, value)
        }
        return used
    }

    private func consent() -> JSONValue {
        var consent: [String: JSONValue] = ["mode": .string(manifest.consent.effectiveMode.rawValue)]
        if manifest.consent.effectiveMode == .purpose {
            consent["purposes"] = .array(
                manifest.consent.purposes.map {
                    .object(["id": .string($0.id.value), "label": .string($0.label?.value ?? "")])
                })
        }
        return .object(consent)
    }

    private func senders() -> ([String: JSONValue], String) {
        var senders: [String: JSONValue] = [:]
        for sender in manifest.senders {
            var entry: [String: JSONValue] = [
                "from": .object([
                    "name": .string(sender.name?.value ?? ""), "address": .string(sender.address?.value ?? ""),
                ])
            ]
            if let replyTo = sender.replyTo { entry["reply_to"] = .string(replyTo.value) }
            senders[sender.id.value] = .object(entry)
        }
        if let declared = manifest.defaultSender?.value { return (senders, declared) }
        let domain = manifest.sendingDomains.first?.value.lowercased() ?? ""
        senders[Self.implicitSenderID] = .object([
            "from": .object([
                "name": .string(manifest.name?.value ?? ""), "address": .string("noreply@" + domain),
            ])
        ])
        return (senders, Self.implicitSenderID)
    }

    /// The custom layout's text, when the manifest names one (checked to exist and be UTF-8).
    private var layout: String? {
        guard let path = manifest.layout?.value, let file = workspace.layoutFiles[path] else { return nil }
        return String(validating: file.bytes, as: UTF8.self)
    }

    /// The text part: the body without its trailing line feeds, one blank line, the signature separator
    /// `-- ` and the footer.
    ///
    /// On bytes: a line feed is a Character of its own except after a carriage return (grapheme breaking
    /// always breaks around LF but between CR and LF), so the `0A` bytes dropped are exactly the `"\n"`
    /// Characters ``textPartByCharacters(body:footer:)``, the definition, drops.
    static func textPart(body: String, footer: String) -> String {
        var copy = body
        let end = copy.withUTF8 { bytes in
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: "\n"), !(end > 1 && bytes[end - 2] == UInt8(ascii: "\r")) {
                end -= 1
            }
            return end
        }
        let separator = end == 0 ? "-- \n" : "\n\n-- \n"
        // The body's own bytes up to `end` appended as a slice (no UTF-8 validation of the text again):
        // `end` is at most the byte count and just before a line feed or at the end, a scalar boundary.
        let utf8 = body.utf8
        var result = ""
        result.reserveCapacity(end + separator.utf8.count + footer.utf8.count)
        result.append(contentsOf: Substring(utf8[..<utf8.index(utf8.startIndex, offsetBy: end)]))
        result.append(separator)
        result.append(footer)
        return result
    }

    /// ``textPart(body:footer:)`` by Characters: the definition.
    static func textPartByCharacters(body: String, footer: String) -> String {
        var body = Substring(body)
        while body.last == "\n" { body = body.dropLast() }
        return body.isEmpty ? "-- \n" + footer : body + "\n\n-- \n" + footer
    }

    /// The variables `source` reads, and for each path of two or more parts, its first two parts.
    static func reads(of source: String) -> Set<String> {
        reads(of: LiquidTemplate.parse(source).template?.variables ?? [])
    }

    /// The variables `references` read: each full path and its first two segments (`contact.city`).
    static func reads(of references: [LiquidVariableReference]) -> Set<String> {
        var used = Set<String>()
        for reference in references {
            used.insert(reference.path.joined(separator: "."))
            if reference.path.count > 1 { used.insert(reference.path.prefix(2).joined(separator: ".")) }
        }
        return used
    }

    /// What every template of a locale shares, made once: the locale's conversion settings, and the
    /// manifest's footer (the one a template without its own footer gets) converted, styled and
    /// rewritten for Liquid, with the variables it reads.
    struct PreparedLocale: Sendable {
        let settings: ConversionSettings
        /// The document's markup up to its title (``DocumentLayout/head(locale:)``).
        let head: SharedMarkup
        let footer: RenderedMarkdown
        let footerHTML: SharedMarkup
        let footerReads: Set<String>
    }

    /// Markup every document of a layout (or of a locale) shares: rewritten for Liquid once, and its
    /// rewrite escaped for JSON once, so that writing it in each template's `html` is a copy.
    struct SharedMarkup: Sendable {
        let part: LiquidTemplate.PreparedEscapePart
        /// The rewrite escaped for JSON; `nil` when the markup is not rewritten on its own (a join holding
        /// it is rewritten whole).
        let escaped: JSONEscapedText?

        init(_ text: String) {
            part = LiquidTemplate.PreparedEscapePart(text)
            escaped = part.rewrittenText.map(JSONEscapedText.init)
        }
    }

    /// ``PreparedLocale`` of each locale, the manifest footers' conversions taken from `shared`.
    private func preparedLocales(layout: DocumentLayout, shared: TextFindings) -> [String: PreparedLocale] {
        var prepared: [String: PreparedLocale] = [:]
        for locale in symbols.locales where prepared[locale] == nil {
            prepared[locale] = preparedLocale(locale, layout: layout, shared: shared)
        }
        return prepared
    }

    /// ``PreparedLocale`` of `locale`.
    private func preparedLocale(_ locale: String, layout: DocumentLayout, shared: TextFindings) -> PreparedLocale {
        let settings = manifest.conversionSettings(locale: locale)
        let footer = manifest.footers.first { $0.locale.value == locale }?.text.text ?? ""
        let rendered =
            shared.markdown[MarkdownKey(footer, settings)] ?? RenderedMarkdown(markdown: footer, settings: settings)
        return PreparedLocale(
            settings: settings, head: SharedMarkup(layout.head(locale: locale)), footer: rendered,
            footerHTML: SharedMarkup(layout.fragment(rendered.html, role: .footer)),
            footerReads: shared.reads[TextKey(footer)] ?? Self.reads(of: footer))
    }

    private func lower(
        _ template: Template, defaultSender: String, layout: DocumentLayout,
        pieces: [SharedMarkup], locales prepared: [String: PreparedLocale],
        findings: TextFindings, reads: inout [Set<String>]
    ) -> LoweredTemplate {
        var lowered = LoweredTemplate(sender: template.sender?.value ?? defaultSender)
        if manifest.consent.effectiveMode == .purpose, let purpose = template.purpose {
            lowered.purpose = purpose.value
        }
        lowered.locales.reserveCapacity(symbols.locales.count)
        for locale in symbols.locales {
            guard let content = template.locales.first(where: { $0.locale.value == locale }) else { continue }
            let subject = content.subject?.text ?? ""
            let body = content.body?.text ?? ""
            let preheader = content.preheader?.text
            // `prepared` holds every locale of `symbols.locales`: the fallback is never taken.
            let shared = prepared[locale] ?? preparedLocale(locale, layout: layout, shared: findings)
            let settings = shared.settings
            for source in [subject, body] + (content.footer.map { [$0.text] } ?? []) + (preheader.map { [$0] } ?? []) {
                reads.append(findings.reads[TextKey(source)] ?? Self.reads(of: source))
            }
            let renderedBody =
                findings.markdown[MarkdownKey(body, settings)]
                ?? RenderedMarkdown(markdown: body, settings: settings)
            // The template's own footer, or the manifest's, converted, styled and rewritten once for all.
            let footer: (rendered: RenderedMarkdown, html: LiquidTemplate.EscapePart, escaped: JSONEscapedText?)
            if let own = content.footer?.text {
                let rendered =
                    findings.markdown[MarkdownKey(own, settings)] ?? RenderedMarkdown(markdown: own, settings: settings)
                footer = (rendered, .utf8(layout.fragmentBytes(rendered.html, role: .footer)), nil)
            } else {
                reads.append(shared.footerReads)
                footer = (shared.footer, .prepared(shared.footerHTML.part), shared.footerHTML.escaped)
            }
            // The layout's markup is the same in every document (its head in every document of a locale):
            // rewritten once, only the subject and body (and a template's own footer) are read for Liquid
            // here; and escaped for JSON once, written by a copy (`escaped`, beside each part).
            let parts = layout.partsAfterHead(subject: subject, preheader: preheader)
            var document: [LiquidTemplate.EscapePart] = []
            var escaped: [JSONEscapedText?] = []
            document.reserveCapacity(parts.count + 1)
            escaped.reserveCapacity(parts.count + 1)
            document.append(.prepared(shared.head.part))
            escaped.append(shared.head.escaped)
            for part in parts {
                switch part {
                case .markup(let text):
                    document.append(.source(text))
                    escaped.append(nil)
                case .markupPiece(let index):
                    document.append(.prepared(pieces[index].part))
                    escaped.append(pieces[index].escaped)
                case .body:
                    // Styled and rewritten on bytes, escaped for JSON as it is written: never a String.
                    document.append(.utf8(layout.fragmentBytes(renderedBody.html, role: .body)))
                    escaped.append(nil)
                case .footer:
                    document.append(footer.html)
                    escaped.append(footer.escaped)
                }
            }
            // Part by part when their rewrites join into the rewrite of the whole (nearly always).
            var html: [JSONStringPiece] = []
            if let rewritten = LiquidTemplate.rewrittenPartsKeepingBytes(document) {
                // One piece a part: `rewritten` holds one for each of `document`, as `escaped` does.
                html.reserveCapacity(rewritten.count)
                for (part, escaped) in zip(rewritten, escaped) {
                    if let escaped {
                        html.append(.escaped(escaped))
                        continue
                    }
                    switch part {
                    case .text(let text): html.append(.text(text))
                    case .utf8(let bytes): html.append(.utf8(bytes))
                    }
                }
            } else {
                html = [.text(LiquidTemplate.appendingEscapeToOutputs(joining: document))]
            }
            let text = Self.textPart(body: renderedBody.text, footer: footer.rendered.text)
            lowered.locales.append(
                .init(
                    locale: locale, subject: subject, html: html, text: text))
        }
        return lowered
    }

    /// The triggers by event, each event's list made only when it is written (50,000 triggers as JSON
    /// values at once would take 21 MB).
    private func triggers() -> LateMember {
        // Indices, not copies: a trigger is hundreds of bytes and there may be 50,000.
        let all = workspace.triggers
        var byEvent: [String: [Int]] = [:]
        for (index, trigger) in all.enumerated() {
            guard let event = trigger.event else { continue }
            byEvent[event.key, default: []].append(index)
        }
        let timing = TimingLowering(timing: manifest.timing)
        func actions(_ key: String) -> [LoweredAction] {
            (byEvent[key] ?? []).sorted {
                (all[$0].effectivePriority, all[$1].id.value) > (all[$1].effectivePriority, all[$0].id.value)
            }.map { index in
                let trigger = all[index]
                let once: Int? =
                    switch trigger.oncePerContact?.value {
                    case .window(let seconds)?: seconds
                    case .forever?: -1
                    case nil: nil
                    }
                return LoweredAction(
                    trigger: trigger.id.value, template: trigger.template?.value ?? "",
                    priority: trigger.effectivePriority, delaySeconds: trigger.delaySeconds?.value ?? 0,
                    oncePerContactSeconds: once, timing: timing.actionTiming(trigger))
            }
        }
        // The keys sorted here, which runs beside the templates' lowering (`alongside`), so that the
        // stream's own sort, at the end of the build on one thread, finds them in order (one comparison
        // a key). Each event's list is written on whichever thread is free, `chunk` events at a time:
        // most lists are one or two actions, too little work to hand the threads one at a time.
        let keys = byEvent.keys.sorted(by: JSONWriter.keyPrecedes)
        let parallelism = options.parallelism
        let chunk = Self.triggerChunk
        return .producedObject(keys: keys, entry: { LoweredAction.value(of: actions($0)) }) {
            keys, yield in
            let chunks = keys.count / chunk + (keys.count % chunk == 0 ? 0 : 1)
            Parallel.forEachInOrder(chunks, parallelism: parallelism, window: 16) { index in
                (index * chunk..<min(keys.count, index * chunk + chunk)).map {
                    LoweredAction.written(actions(keys[$0]))
                }
            } consume: { index, written in
                for (offset, entry) in written.enumerated() { yield(index * chunk + offset, entry) }
            }
        }
    }

    /// How many events' lists of actions one thread writes at a time (``triggers()``).
    private static let triggerChunk = 128
}

/// A trigger lowered: its action in the list of its event, before it is written.
///
/// ``value(of:)`` is an event's list as a ``JSONValue`` (the definition, and what the in-memory bundle
/// holds); ``written(_:)`` writes the same bytes straight from these fields, the keys in their sorted order.
struct LoweredAction {
    var trigger: String
    var template: String
    var priority: Int
    var delaySeconds: Int
    /// The window of `once_per_contact`, -1 for ever; nil without it.
    var oncePerContactSeconds: Int?
    var timing: TimingLowering.ActionTiming

    /// The action as a value.
    var value: JSONValue {
        var action: [String: JSONValue] = [
            "trigger": .string(trigger), "template": .string(template), "priority": .int(priority),
            "delay_seconds": .int(delaySeconds),
        ]
        if let oncePerContactSeconds { action["once_per_contact_seconds"] = .int(oncePerContactSeconds) }
        action.merge(timing.members) { first, _ in first }
        return .object(action)
    }

    /// An event's list of actions as a value: the definition of ``written(_:)``.
    static func value(of actions: [LoweredAction]) -> JSONValue {
        .array(actions.map(\.value))
    }

    /// An event's list of actions written as ``WrittenEntry/init(_:)`` writes ``value(of:)``: each action's
    /// keys in their sorted order (`active_from` < `active_until` < `blackouts` < `delay_seconds` <
    /// `frequency_cap` < `once_per_contact_seconds` < `priority` < `quiet_hours` < `template` < `trigger`).
    static func written(_ actions: [LoweredAction]) -> WrittenEntry {
        var writer = WrittenEntry.Writer(reservingCapacity: 64 + 400 * actions.count)
        writer.beginArray()
        for action in actions {
            writer.beginObject()
            if let activeFrom = action.timing.activeFrom {
                writer.key(WrittenKeys.activeFrom)
                writer.string(activeFrom)
            }
            if let activeUntil = action.timing.activeUntil {
                writer.key(WrittenKeys.activeUntil)
                writer.string(activeUntil)
            }
            writer.key(WrittenKeys.blackouts)
            writer.string(action.timing.blackouts)
            writer.key(WrittenKeys.delaySeconds)
            writer.int(action.delaySeconds)
            writer.key(WrittenKeys.frequencyCap)
            writer.string(action.timing.frequencyCap)
            if let once = action.oncePerContactSeconds {
                writer.key(WrittenKeys.oncePerContactSeconds)
                writer.int(once)
            }
            writer.key(WrittenKeys.priority)
            writer.int(action.priority)
            writer.key(WrittenKeys.quietHours)
            writer.string(action.timing.quietHours)
            writer.key(WrittenKeys.template)
            writer.string(action.template)
            writer.key(WrittenKeys.trigger)
            writer.string(action.trigger)
            writer.endObject()
        }
        writer.endArray()
        return writer.entry
    }
}

extension JSONValue {
    /// The JSON form of a Liquid value (floats never occur in globals).
    init(liquid: LiquidValue) {
        switch liquid {
        case .nil: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .string(String(d))
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(JSONValue.init(liquid:)))
        case .object(let members): self = .object(members.mapValues(JSONValue.init(liquid:)))
        }
    }
}

/// A template lowered: what its entry of the bundle's `templates` holds, before it is written.
///
/// ``value`` is the entry as a ``JSONValue`` (the definition, and what the whole in-memory bundle holds);
/// ``written`` writes the same bytes straight from these fields (``WrittenEntry/Writer``), the keys of each
/// object given in their sorted order, with no dictionary made or sorted.
struct LoweredTemplate {
    /// One locale's message.
    struct Locale {
        var locale: String
        var subject: String
        /// The HTML document, in pieces (the layout's markup escaped for JSON once for every template).
        var html: [JSONStringPiece]
        var text: String
    }

    /// The sender's id.
    var sender: String
    /// The consent purpose, in a workspace whose consent is by purpose.
    var purpose: String?
    /// Each locale's message, in the workspace's locale order (a locale listed twice: the later one kept,
    /// as a dictionary keeps it).
    var locales: [Locale] = []

    /// The headers every message carries.
    static let headers = [
        (name: "List-Unsubscribe", value: "<{{ unsubscribe_url }}>"),
        (name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
    ]

    /// The entry as a value: the definition of ``written``.
    var value: JSONValue {
        var entry: [String: JSONValue] = ["sender": .string(sender)]
        if let purpose { entry["purpose"] = .string(purpose) }
        var locales: [String: JSONValue] = [:]
        for content in self.locales {
            locales[content.locale] = .object([
                "subject": .string(content.subject),
                "html": .string(JSONStringPiece.joined(content.html)),
                "text": .string(content.text),
                "headers": .object(
                    Dictionary(uniqueKeysWithValues: Self.headers.map { ($0.name, JSONValue.string($0.value)) })),
            ])
        }
        entry["locales"] = .object(locales)
        return .object(entry)
    }

    /// The entry written as ``WrittenEntry/init(_:)`` writes ``value``: the keys below are in their sorted
    /// order (`locales` < `purpose` < `sender`; `headers` < `html` < `subject` < `text`; the two header
    /// names), and the locales sorted as ``JSONWriter/keyPrecedes(_:_:)`` sorts keys, the later of a
    /// repeated locale kept.
    var written: WrittenEntry {
        var size = 256
        for content in locales {
            size += content.subject.utf8.count + content.text.utf8.count + 256
            for piece in content.html { size += piece.utf8Count }
        }
        var writer = WrittenEntry.Writer(reservingCapacity: size + size / 8)
        writer.beginObject()
        writer.key(WrittenKeys.locales)
        writer.beginObject()
        // Sorted by locale, stably: of equal locales the last is the one a dictionary keeps.
        let order = locales.indices.sorted { a, b in
            let (left, right) = (locales[a].locale, locales[b].locale)
            if left == right { return a < b }
            return JSONWriter.keyPrecedes(left, right)
        }
        for (position, index) in order.enumerated() {
            let content = locales[index]
            if position + 1 < order.count, locales[order[position + 1]].locale == content.locale { continue }
            writer.key(content.locale)
            writer.beginObject()
            writer.key(WrittenKeys.headers)
            writer.beginObject()
            for header in Self.headers {
                writer.key(header.name)
                writer.string(header.value)
            }
            writer.endObject()
            writer.key(WrittenKeys.html)
            writer.string(joining: content.html)
            writer.key(WrittenKeys.subject)
            writer.string(content.subject)
            writer.key(WrittenKeys.text)
            writer.string(content.text)
            writer.endObject()
        }
        writer.endObject()
        if let purpose {
            writer.key(WrittenKeys.purpose)
            writer.string(purpose)
        }
        writer.key(WrittenKeys.sender)
        writer.string(sender)
        writer.endObject()
        return writer.entry
    }
}

/// The fixed keys of the entries written straight from their parts (``LoweredTemplate/written``,
/// ``LoweredAction/written(_:)``), each written once: a key is then one copy.
private enum WrittenKeys {
    static let activeFrom = JSONKey("active_from")
    static let activeUntil = JSONKey("active_until")
    static let blackouts = JSONKey("blackouts")
    static let delaySeconds = JSONKey("delay_seconds")
    static let frequencyCap = JSONKey("frequency_cap")
    static let headers = JSONKey("headers")
    static let html = JSONKey("html")
    static let locales = JSONKey("locales")
    static let oncePerContactSeconds = JSONKey("once_per_contact_seconds")
    static let priority = JSONKey("priority")
    static let purpose = JSONKey("purpose")
    static let quietHours = JSONKey("quiet_hours")
    static let sender = JSONKey("sender")
    static let subject = JSONKey("subject")
    static let template = JSONKey("template")
    static let text = JSONKey("text")
    static let trigger = JSONKey("trigger")
}
