import AutomailRuntime
import BundleFormat
import BundleModel
import Liquid
import MailRendering

/// The static review site `automail preview --all` writes: an index of every template with what sends
/// it, and for each template, locale and sample contact a page with the subject, the preheader, the
/// triggers, the email in desktop, phone and dark frames, the text part, the headers, links to switch
/// locale and contact, and the `.eml`. Pure: the CLI writes the files.
public enum ReviewSite {
    /// What sends a template: one action of the bundle's `triggers`, with its event key.
    public struct Sender: Sendable, Hashable {
        /// The event key (`answer:q/question/answer`, `support_level:id`, `task:id`).
        public var event: String
        /// The action.
        public var action: RuntimeBundle.Action
    }

    /// The actions that send `template`, by event key then priority (highest first).
    public static func senders(of template: String, in bundle: RuntimeBundle) -> [Sender] {
        bundle.triggers.keys.sorted().flatMap { key in
            (bundle.triggers[key] ?? []).filter { $0.template == template }.map { Sender(event: key, action: $0) }
        }
    }

    /// A file name part from a contact's name: letters, digits, `-` and `_`, others as `-`.
    public static func slug(_ name: String) -> String {
        let kept = name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "_")
                ? Character(scalar) : "-"
        }
        let slug = String(kept.prefix(48))
        return slug.isEmpty ? "contact" : slug
    }

    /// The stem of a page: `TEMPLATE.LOCALE` for the first contact, `TEMPLATE.LOCALE.CONTACT` for the others.
    public static func stem(template: String, locale: String, contact: Int, contacts: [PreviewContact]) -> String {
        contact == 0 ? "\(template).\(locale)" : "\(template).\(locale).\(slug(contacts[contact].name))"
    }

    /// The preheader of a rendered email (the text of automail's hidden preheader), if it has one.
    public static func preheader(of html: String) -> String? {
        guard let open = html.range(of: "<div class=\"am-preheader\""),
            let start = html[open.upperBound...].firstIndex(of: ">")
        else { return nil }
        let rest = html[html.index(after: start)...]
        guard let end = rest.range(of: " &#847;") ?? rest.range(of: "</div>") else { return nil }
        return VisibleContent.decodeReferences(String(rest[..<end.lowerBound]))
    }

    /// What an action does with the workspace's timing: its lifetime, and what quiet hours, silences and
    /// the cap do to it.
    static func when(_ action: RuntimeBundle.Action, _ timing: TimingRules) -> String {
        func policy(_ policy: TimingPolicy) -> String {
            switch policy {
            case .defer: "deferred"
            case .drop: "dropped"
            case .ignore: "sent anyway"
            }
        }
        var parts: [String] = []
        if let from = action.activeFrom { parts.append("from " + timing.localText(from)) }
        if let until = action.activeUntil { parts.append("until " + timing.localText(until)) }
        if timing.quietHours != nil { parts.append("quiet hours: " + policy(action.quietHours)) }
        if !timing.blackouts.isEmpty { parts.append("blackouts: " + policy(action.blackouts)) }
        if timing.frequencyCap != nil {
            parts.append(action.frequencyCapExempt ? "exempt from the cap" : "counts toward the cap")
        }
        return parts.isEmpty ? "any time" : parts.joined(separator: "; ")
    }

    /// The workspace's rules on when an email may go out: zone, quiet hours, cap and blackouts.
    static func timingSection(_ timing: TimingRules) -> String {
        var items = [
            "<li>Time zone: <code>\(escape(timing.timeZone))</code> (tz database \(escape(timing.tzdata)))</li>"
        ]
        if let quiet = timing.quietHours {
            items.append(
                "<li>Quiet hours: \(QuietHours.clock(quiet.start))–\(QuietHours.clock(quiet.end)), the contact's local time</li>"
            )
        }
        if let cap = timing.frequencyCap {
            items.append(
                "<li>Frequency cap: at most \(cap.emails) automatic emails per \(escape(duration(cap.windowSeconds)))</li>"
            )
        }
        for blackout in timing.blackouts {
            items.append(
                "<li>No email from \(escape(timing.localText(blackout.from))) until \(escape(timing.localText(blackout.until))): "
                    + "\(escape(blackout.reason))</li>")
        }
        return "<h2>When it may go out</h2>\n<ul id=\"timing\">\n" + items.joined(separator: "\n") + "\n</ul>"
    }

    /// The contacts the site switches between: the one asked for (`--contact`, `--sample`), else every
    /// sample of the workspace, else one placeholder contact.
    public static func contacts(chosen: PreviewContact?, samples: [PreviewContact], bundle: JSONValue)
        -> [PreviewContact]
    {
        if let chosen { return [chosen] }
        return samples.isEmpty ? [PreviewContact.placeholder(forBundle: bundle)] : samples
    }

    /// A duration in the units people use: `2h`, `1d 6h`, `at once`.
    static func duration(_ seconds: Int) -> String {
        guard seconds > 0 else { return "at once" }
        var parts: [String] = []
        var left = seconds
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)] where left >= size {
            parts.append("\(left / size)\(unit)")
            left %= size
        }
        return parts.joined(separator: " ")
    }

    static func escape(_ text: String) -> String { HTMLEscaper.escape(.attribute, text) }

    static let style = """
        body { margin: 0; font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; background: #f4f4f5; color: #18181b; font-size: 14px; line-height: 1.5; }
        header { padding: 16px 24px; background: #ffffff; border-bottom: 1px solid #e4e4e7; }
        header a { color: #1d4ed8; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        h2 { font-size: 15px; margin: 24px 0 8px; }
        .preheader { color: #52525b; margin: 0 0 12px; }
        nav { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
        nav span.label { color: #52525b; margin-right: 4px; }
        nav a, nav strong { padding: 3px 10px; border-radius: 999px; border: 1px solid #d4d4d8; text-decoration: none; color: #18181b; background: #ffffff; }
        nav strong { background: #18181b; color: #ffffff; border-color: #18181b; }
        main { padding: 8px 24px 32px; }
        .frames { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-weight: 600; margin: 0 0 6px; color: #3f3f46; }
        iframe { display: block; border: 1px solid #d4d4d8; border-radius: 8px; background: #ffffff; height: 880px; }
        .desktop iframe { width: 800px; max-width: calc(100vw - 48px); }
        .phone iframe, .dark iframe { width: 375px; }
        table { border-collapse: collapse; background: #ffffff; border-radius: 8px; }
        th, td { text-align: left; padding: 4px 12px; vertical-align: top; border-bottom: 1px solid #f4f4f5; }
        th { color: #52525b; font-weight: 600; white-space: nowrap; }
        td { word-break: break-all; }
        pre { white-space: pre-wrap; background: #ffffff; padding: 16px; border-radius: 8px; font-size: 13px; max-width: 80ch; }
        code { font-size: 13px; }
        """

    /// The email's HTML with its dark-mode rules applied whatever the viewer's scheme: the dark frame.
    public static func darkVariant(of html: String) -> String {
        html.replacingOccurrences(of: "@media (prefers-color-scheme: dark)", with: "@media all")
    }

    /// One review page.
    public static func page(
        email: RenderedEmail, senders: [Sender], locales: [(locale: String, file: String)],
        contacts: [(name: String, file: String)], contact: Int, emlFile: String, index: String,
        timing: TimingRules = .none
    ) -> String {
        let headers = PreviewPage.headerRows(email).map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }
            .joined(separator: "\n")
        let localeLinks = locales.map {
            $0.locale == email.locale
                ? "<strong>\(escape($0.locale))</strong>"
                : "<a href=\"\(escape($0.file))\" data-switch=\"locale\">\(escape($0.locale))</a>"
        }.joined()
        let contactLinks = contacts.enumerated().map { offset, entry in
            offset == contact
                ? "<strong>\(escape(entry.name))</strong>"
                : "<a href=\"\(escape(entry.file))\" data-switch=\"contact\">\(escape(entry.name))</a>"
        }.joined()
        // Shown only when something governs when an email may go out.
        let timed =
            timing.quietHours != nil || timing.frequencyCap != nil || !timing.blackouts.isEmpty
            || senders.contains { $0.action.activeFrom != nil || $0.action.activeUntil != nil }
        let triggerRows =
            senders.isEmpty
            ? "<tr><td colspan=\"\(timed ? 6 : 5)\">No trigger sends this template.</td></tr>"
            : senders.map { sender in
                let window: String
                switch sender.action.oncePerContact {
                case .window(let seconds)?: window = "once per " + duration(seconds)
                case .forever?: window = "once ever"
                case nil: window = "every time"
                }
                let when = timed ? "<td>\(escape(Self.when(sender.action, timing)))</td>" : ""
                return
                    "<tr><td><code>\(escape(sender.action.trigger))</code></td><td><code>\(escape(sender.event))</code></td>"
                    + "<td>\(sender.action.priority)</td><td>\(escape(duration(sender.action.delaySeconds)))</td><td>\(escape(window))</td>"
                    + when + "</tr>"
            }.joined(separator: "\n")
        let preheader =
            preheader(of: email.html).map { "<p class=\"preheader\">Preheader: \(escape($0))</p>" }
            ?? "<p class=\"preheader\">No preheader.</p>"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(email.template)) (\(escape(email.locale))) — \(escape(email.subject))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <header>
            <p><a href="\(escape(index))">All templates</a> · <a href="\(escape(emlFile))" download>Download the .eml</a></p>
            <h1 id="subject">\(escape(email.subject))</h1>
            \(preheader)
            <nav aria-label="Locale"><span class="label">Locale</span>\(localeLinks)</nav>
            <nav aria-label="Contact"><span class="label">Contact</span>\(contactLinks)</nav>
            </header>
            <main>
            <h2>Sent by</h2>
            <table id="triggers">
            <tr><th>Trigger</th><th>Event</th><th>Priority</th><th>Delay</th><th>Window</th>\(timed ? "<th>When it may go out</th>" : "")</tr>
            \(triggerRows)
            </table>
            \(timed ? Self.timingSection(timing) : "")
            <h2>The email</h2>
            <div class="frames">
            <figure class="desktop"><figcaption>Desktop</figcaption><iframe title="Desktop" sandbox srcdoc="\(escape(email.html))"></iframe></figure>
            <figure class="phone"><figcaption>Phone</figcaption><iframe title="Phone" sandbox srcdoc="\(escape(email.html))"></iframe></figure>
            <figure class="dark"><figcaption>Phone, dark</figcaption><iframe title="Phone, dark" sandbox srcdoc="\(escape(darkVariant(of: email.html)))"></iframe></figure>
            </div>
            <h2>Text part</h2>
            <pre id="text">\(escape(email.text))</pre>
            <h2>Headers</h2>
            <table id="headers">
            \(headers)
            </table>
            </main>
            </body>
            </html>

            """
    }

    /// Every file of the site, by name: per template, locale and contact a page, the `.eml` (dated `date`,
    /// seconds since the epoch) and the text part; and `index.html`. `contacts` is not empty (the CLI
    /// gives a placeholder contact when the workspace has no sample).
    public static func files(rules: RuntimeBundle, contacts: [PreviewContact], date: Int) throws(PreviewError) -> [(
        name: String, bytes: [UInt8]
    )] {
        var files: [(name: String, bytes: [UInt8])] = []
        var templates: [(id: String, subjects: [(locale: String, subject: String, file: String)], senders: [Sender])] =
            []
        for id in Preview.templateIDs(in: rules) {
            let locales = Preview.locales(of: id, in: rules)
            let senders = senders(of: id, in: rules)
            var subjects: [(locale: String, subject: String, file: String)] = []
            for locale in locales {
                let localeLinks = locales.map {
                    ($0, stem(template: id, locale: $0, contact: 0, contacts: contacts) + ".html")
                }
                let contactLinks = contacts.indices.map {
                    (contacts[$0].name, stem(template: id, locale: locale, contact: $0, contacts: contacts) + ".html")
                }
                for index in contacts.indices {
                    let email = try Preview.render(
                        bundle: rules, template: id, locale: locale, contact: contacts[index])
                    let stem = stem(template: id, locale: locale, contact: index, contacts: contacts)
                    let page = page(
                        email: email, senders: senders, locales: localeLinks, contacts: contactLinks, contact: index,
                        emlFile: stem + ".eml", index: "index.html", timing: rules.timing)
                    files.append((stem + ".html", Array(page.utf8)))
                    files.append((stem + ".eml", EMLWriter.write(email, date: date)))
                    files.append((stem + ".txt", Array(email.text.utf8)))
                    if index == 0 { subjects.append((locale, email.subject, stem + ".html")) }
                }
            }
            templates.append((id, subjects, senders))
        }
        files.append(("index.html", Array(index(title: "automail preview", templates: templates).utf8)))
        return files
    }

    /// The page `--serve` shows instead of the emails while the workspace does not build: its diagnostics.
    public static func problemsPage(_ report: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>automail preview: the workspace does not build</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <header><h1 id="problems">The workspace does not build</h1><p>Fix what is reported below: this page reloads when a file changes.</p></header>
        <main><pre>\(escape(report))</pre></main>
        </body>
        </html>

        """
    }

    /// `page` (HTML) with a script that reloads it when the served site's version is no longer `version`.
    public static func reloading(_ page: [UInt8], version: Int) -> [UInt8] {
        let script =
            "<script>(function(){var v=\"\(version)\";setInterval(function(){fetch('/__version',{cache:'no-store'})"
            + ".then(function(r){return r.text();}).then(function(t){if(t.trim()!==v){location.reload();}}).catch(function(){});},700);})();</script>\n"
        let text = String(decoding: page, as: UTF8.self)
        guard let end = text.ranges(of: "</body>").last else { return page + Array(script.utf8) }
        return Array((text[..<end.lowerBound] + script + text[end.lowerBound...]).utf8)
    }

    /// The index: every template with its subject per locale and what sends it.
    public static func index(
        title: String,
        templates: [(id: String, subjects: [(locale: String, subject: String, file: String)], senders: [Sender])]
    ) -> String {
        let rows = templates.map { template in
            let subjects = template.subjects.map {
                "<a href=\"\($0.file.isEmpty ? "" : escape($0.file))\">\(escape($0.locale))</a>: \(escape($0.subject))"
            }.joined(separator: "<br>")
            let senders =
                template.senders.isEmpty
                ? "no trigger"
                : template.senders.map {
                    "<code>\(escape($0.event))</code> (\(escape($0.action.trigger)), priority \($0.action.priority))"
                }
                .joined(separator: "<br>")
            return "<tr><td><code>\(escape(template.id))</code></td><td>\(subjects)</td><td>\(senders)</td></tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <header><h1>\(escape(title))</h1><p>Every template, its subject in each locale and what sends it. Open one to see it for each sample contact.</p></header>
            <main>
            <table id="templates">
            <tr><th>Template</th><th>Subject per locale</th><th>Sent by</th></tr>
            \(rows)
            </table>
            </main>
            </body>
            </html>

            """
    }
}
