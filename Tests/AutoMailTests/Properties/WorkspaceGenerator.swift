import Foundation

/// A shape the generator can give a template or footer. Property failures of a workspace that holds a
/// shape named in ``SoundnessPropertyTests/knownFindings`` are counted as known, not failed.
enum Shape: String, CaseIterable, Sendable {
    /// `{% if %}`/`{% elsif %}`/`{% else %}` tags on their own lines around paragraphs, lists, headings.
    case blockIf
    /// `{% unless %}` on its own lines around blocks.
    case blockUnless
    /// `{% case %}` with each `{% when %}` on its own line and its text on the next lines.
    case blockCase
    /// `{% case %}` whose `{% when "A" %}Text` lines share a line with content.
    case caseWhenSharingLine
    /// `{% if %}`, `{% unless %}` and `{% case %}` inside one line of a paragraph, a list item or a heading.
    case inlineConditional
    /// `{% assign %}` and `{% capture %}` of non-reserved names, printed later.
    case assignCapture
    /// A footer whose mentions sit in every branch of an `if`/`elsif`/`else`.
    case footerBranches
    /// A footer whose mentions sit in every branch of a `case`.
    case footerCase
    /// A footer that prints a mention through `capture` or `assign`.
    case footerCapture
    /// A template with its own footer.
    case footerOverride
    /// Purpose consent mode.
    case purposeMode
    /// A custom layout (`layouts/email.html`), with or without a `{{ footer }}` slot.
    case customLayout
    /// A legal value (publisher, postal address, data-origin notice) with Markdown syntax: `_under_`,
    /// `*stars*`, `[brackets]`, a backslash.
    case markdownInLegalValue
}

/// A valid workspace made by ``WorkspaceGenerator``: its files, and what the oracle needs to know.
struct GeneratedWorkspace: Sendable {
    var seed: UInt64
    var files: [String: String]
    var locales: [String]
    var fields: ContactFieldIDs
    var publisher: String
    var postalAddress: String
    var privacyURL: String
    var dataOrigin: [String: String]
    var templateIDs: [String]
    /// The shapes the templates and footers hold.
    var shapes: Set<Shape>
    /// The manifest footers, by locale.
    var footers: [String: String]
    /// Per template id and locale: subject, body and the footer override (if any).
    var templates: [String: [String: (subject: String, body: String, footer: String?)]]
    /// The custom layout's markup, if any.
    var layout: String?

    /// The files as the compiler reads them.
    var sources: [(path: String, text: String)] {
        files.keys.sorted().map { ($0, files[$0] ?? "") }
    }

    /// Rewrites the YAML of every file from ``footers`` and ``templates`` (after a mutation).
    mutating func rewrite() {
        files = WorkspaceGenerator.files(of: self)
    }
}

/// The ids of the custom contact fields, one of each type.
struct ContactFieldIDs: Sendable {
    var text: String
    var choice: String
    var tags: String
    var number: String
    var date: String
}

/// Random valid workspaces, seeded (SplitMix64): the same seed always gives the same files.
struct WorkspaceGenerator {
    var random: SeededGenerator
    let seed: UInt64
    private(set) var shapes: Set<Shape> = []
    private var fields = ContactFieldIDs(text: "", choice: "", tags: "", number: "", date: "")
    private var locale = "en"
    /// Whether this workspace may write `{% when "A" %}Text` on one line (a known finding: rarely, so
    /// that it does not hide the rest).
    private var casesShareLines = false
    /// Whether legal values may hold Markdown syntax (a finding of these tests: rarely, likewise).
    private var markdownInLegalValues = false

    init(seed: UInt64) {
        self.seed = seed
        random = SeededGenerator(seed: seed)
    }

    // MARK: Values

    /// Odd but legal words for Markdown text: Unicode, HTML-special characters.
    static let oddWords = [
        "Zoë", "Łódź", "東京", "Ñandú", "Ærøskøbing", "🙂", "Ελλάδα", "שלום", "O'Brien", "\"quoted\"", "R&D",
        "5 > 3", "a < b", "50 %", "#hash", "café-crème", "l’Été",
    ]
    /// Words only a value (printed by Liquid, never read as Markdown) may hold: tags, Markdown syntax.
    static let valueWords = oddWords + ["<b>bold?</b>", "<script>x</script>"]
    static let markdownWords = ["*stars*", "_under_", "[brackets]", "back\\slash"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    mutating func count(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// A legal value (publisher, address, notice): odd characters, sometimes long.
    mutating func legalValue(_ base: String) -> String {
        var value = base
        for _ in 0..<count(0...3) { value += " " + pick(Self.valueWords) }
        if markdownInLegalValues, chance(50) {
            shapes.insert(.markdownInLegalValue)
            value += " " + pick(Self.markdownWords)
        }
        if chance(20) {
            value +=
                " "
                + String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", count: count(3...12))
            value = String(value.dropLast())
        }
        return value
    }

    // MARK: Liquid pieces

    /// A condition over the contact's fields.
    mutating func condition() -> String {
        let f = fields
        return pick([
            "contact.firstname", "contact.\(f.text)", "contact.\(f.text) == \"x\"", "contact.\(f.choice) == \"A\"",
            "contact.\(f.number) > 3", "contact.\(f.number) >= 10", "contact.\(f.tags) contains \"A\"",
            "contact.\(f.tags).size > 1", "contact.\(f.date)", "contact.surname != \"\"",
            "contact.\(f.text) and contact.firstname", "contact.\(f.number) < 5 or contact.\(f.choice) == \"B\"",
            "contact.mail contains \"@\"",
        ])
    }

    /// An output tag.
    mutating func output() -> String {
        let f = fields
        return pick([
            "{{ contact.firstname | default: \"friend\" }}", "{{ contact.surname | upcase }}",
            "{{ contact.\(f.text) | default: \"—\" }}", "{{ contact.\(f.number) }}", "{{ contact.\(f.tags).size }}",
            "{{ contact.\(f.tags).first }}", "{{ contact.\(f.date) | default: \"soon\" }}", "{{ workspace.name }}",
            "{{ contact.\(f.choice) | downcase | truncate: 12 }}", "{{ contact.mail | default: \"no address\" }}",
            "{{ contact.firstname | capitalize | append: \"!\" }}", "{{ contact.\(f.text) | strip_newlines }}",
            "{{ contact.\(f.text) | newline_to_br }}", "{{ contact.\(f.text) | replace: \"a\", \"&\" }}",
            "{{ contact.\(f.text) | escape }}", "{{- \" \" -}}", "{{ legal.publisher }}",
        ])
    }

    /// Literal Markdown text with odd characters.
    mutating func words() -> String {
        let phrases = [
            "Thanks for talking with us", "Merci d’avoir échangé avec nous", "Obrigado — até já", "東京でお会いしましょう",
            "Rent & repairs: what's next?", "Quotes \"like this\" and 'this'", "5 > 3, and 2 < 4",
            "**Bold** and _light_",
            "a `code` span", "Ça marche 🙂", "see [the map](https://example-prop.org/map?a=1&b=2)",
        ]
        var text = pick(phrases)
        if chance(30) { text += " " + pick(Self.oddWords) }
        if chance(8) { text += " " + String(repeating: "long text ", count: count(20...60)) + "end" }
        return text
    }

    /// One line of inline content: words, outputs and (sometimes) an inline conditional.
    mutating func inline() -> String {
        var parts: [String] = [words()]
        for _ in 0..<count(0...2) {
            if chance(35) {
                shapes.insert(.inlineConditional)
                parts.append(inlineConditional())
            } else {
                parts.append(output())
            }
            if chance(50) { parts.append(words()) }
        }
        return parts.joined(separator: " ")
    }

    mutating func inlineConditional() -> String {
        switch count(0...3) {
        case 0: return "{% if \(condition()) %}\(output()){% endif %}"
        case 1:
            return
                "{% if \(condition()) %}\(words()){% elsif \(condition()) %}\(output()){% else %}\(words()){% endif %}"
        case 2: return "{% unless \(condition()) %}\(words()){% endunless %}"
        default:
            return
                "{% case contact.\(fields.choice) %}{% when \"A\" %}alpha{% when \"B\", \"Ç\" %}\(output()){% else %}\(words()){% endcase %}"
        }
    }

    // MARK: Blocks

    mutating func block(depth: Int) -> String {
        let kind = depth >= 2 ? count(0...3) : count(0...9)
        switch kind {
        case 0: return inline()
        case 1:
            var heading = pick(["# ", "## ", "### "]) + (chance(50) ? "{{ workspace.name }} " : "")
            if chance(40) {
                shapes.insert(.inlineConditional)
                heading += inlineConditional() + " "
            }
            return heading + pick(["News", "Nouvelles 🙂", "Rent & repairs", "Ça bouge"])
        case 2:
            let marker = chance(50) ? "-" : "1."
            return (0..<count(1...3)).map { _ in "\(marker) \(inline())" }.joined(separator: "\n")
        case 3:
            return
                "[\(pick(["Read more", "En savoir plus", "Écrire à {{ contact.firstname | default: \"nous\" }}", "Map & rules"]))](\(pick(["https://example-prop.org/a?b=1&c=2", "mailto:team@example-prop.org", "https://example-prop.org/p?u={{ contact.mail | url_encode }}"])))"
        case 4, 5:
            shapes.insert(.blockIf)
            let separator = chance(50) ? "\n\n" : "\n"
            // Sometimes with whitespace control.
            let (open, close) = chance(20) ? ("{%-", "-%}") : ("{%", "%}")
            var text = "\(open) if \(condition()) \(close)" + separator + blocks(depth: depth + 1)
            if chance(40) {
                text += separator + "\(open) elsif \(condition()) \(close)" + separator + blocks(depth: depth + 1)
            }
            if chance(60) { text += separator + "\(open) else \(close)" + separator + blocks(depth: depth + 1) }
            return text + separator + "\(open) endif \(close)"
        case 6:
            shapes.insert(.blockUnless)
            let separator = chance(50) ? "\n\n" : "\n"
            return "{% unless \(condition()) %}" + separator + blocks(depth: depth + 1) + separator + "{% endunless %}"
        case 7:
            if casesShareLines, chance(50) {
                shapes.insert(.caseWhenSharingLine)
                return
                    "{% case contact.\(fields.choice) %}\n{% when \"A\" %}\(inline())\n{% when \"B\" %}\(words())\n{% else %}\(words())\n{% endcase %}"
            }
            shapes.insert(.blockCase)
            let separator = chance(50) ? "\n\n" : "\n"
            return "{% case contact.\(fields.choice) %}" + separator + "{% when \"A\" %}" + separator
                + blocks(depth: depth + 1)
                + separator + "{% when \"B\", \"Ç\" %}" + separator + blocks(depth: depth + 1) + separator
                + "{% else %}"
                + separator + blocks(depth: depth + 1) + separator + "{% endcase %}"
        case 8:
            shapes.insert(.assignCapture)
            let name = pick(["greeting", "note", "tagline", "who"])
            if chance(50) {
                return
                    "{% assign \(name) = \(pick(["\"Hello & welcome\"", "contact.firstname", "workspace.name", "contact.\(fields.number)"])) %}"
                    + "\n\n\(words()) {{ \(name) }}"
            }
            return "{% capture \(name) %}\(inline()){% endcapture %}\n\n\(words()) {{ \(name) }}"
        default:
            return "{% comment %}a note for the team: \(pick(Self.oddWords)){% endcomment %}" + inline()
        }
    }

    mutating func blocks(depth: Int) -> String {
        (0..<count(1...3)).map { _ in block(depth: depth) }.joined(separator: "\n\n")
    }

    /// A body: a greeting paragraph (so it never renders empty), then blocks.
    mutating func body() -> String {
        var text =
            "\(pick(["Hi", "Bonjour", "Olá", "こんにちは"])) {{ contact.firstname | default: \"neighbour\" }}, \(locale)."
        text += "\n\n" + blocks(depth: 0)
        return text + "\n"
    }

    /// A one-line subject with literal text outside every conditional.
    mutating func subject() -> String {
        var text = pick(["News", "Merci", "Welcome", "Réunion", "集会", "Rent & repairs", "\"Quoted\" news"])
        for _ in 0..<count(0...2) {
            text +=
                " "
                + pick([
                    "{{ contact.firstname | default: \"friend\" }}",
                    "{% if contact.firstname %}for {{ contact.firstname }}{% endif %}",
                    "{% unless \(condition()) %}today{% endunless %}", pick(Self.oddWords), "{{ workspace.name }}",
                    "{% case contact.\(fields.choice) %}{% when \"A\" %}(A){% else %}(all){% endcase %}",
                ])
        }
        return text
    }

    // MARK: Footers

    /// Every mandatory mention, worded by `variant`.
    mutating func mentions(_ variant: Int) -> String {
        let privacy = pick([
            "Privacy policy and your data rights", "Vos données", "Datenschutz & Rechte", "Privacidade 🙂",
        ])
        let unsubscribe = pick(["Unsubscribe", "Se désinscrire", "Stop these emails", "Abmelden « ici »"])
        let separator = pick([" · ", "\n", "\n\n"])
        switch variant % 3 {
        case 0:
            return "{{ legal.data_origin }}\n\n{{ legal.publisher }} · {{ legal.postal_address }}\n"
                + "[\(privacy)]({{ legal.privacy_url }})\(separator)[\(unsubscribe)]({{ unsubscribe_url }})"
        case 1:
            return "[\(unsubscribe)]({{ unsubscribe_url }}) — {{ legal.publisher }}, {{ legal.postal_address }}.\n\n"
                + "{{ legal.data_origin }} [\(privacy)]({{ legal.privacy_url }})"
        default:
            return "- {{ legal.publisher }}\n- {{ legal.postal_address }}\n- [\(privacy)]({{ legal.privacy_url }})\n\n"
                + "{{ legal.data_origin }}\n\n[\(unsubscribe)]({{ unsubscribe_url }})"
        }
    }

    /// A footer that shows every mention on every path.
    mutating func footer() -> String {
        var text = ""
        if chance(40) {
            text +=
                "{% if contact.firstname %}{{ contact.firstname }}, you{% else %}You{% endif %} can leave at any time.\n\n"
        }
        // A capture in 1 footer in 12: it is a finding of these tests, and would otherwise hide the rest.
        switch chance(8) ? 2 : pick([0, 1, 3, 4]) {
        case 0:
            shapes.insert(.footerBranches)
            let separator = chance(50) ? "\n\n" : "\n"
            text +=
                "{% if \(condition()) %}" + separator + mentions(0) + separator + "{% elsif \(condition()) %}"
                + separator
                + mentions(1) + separator + "{% else %}" + separator + mentions(2) + separator + "{% endif %}"
        case 1:
            shapes.insert(.footerCase)
            text +=
                "{% case contact.\(fields.choice) %}\n\n{% when \"A\" %}\n\n" + mentions(1) + "\n\n{% else %}\n\n"
                + mentions(0) + "\n\n{% endcase %}"
        case 2:
            shapes.insert(.footerCapture)
            text +=
                "{% capture who %}{{ legal.publisher }}, {{ legal.postal_address }}{% endcapture %}"
                + "{% assign origin = legal.data_origin %}\n\n{{ origin }}\n\n{{ who }}\n\n"
                + "[\(pick(["Privacy", "Vos données"]))]({{ legal.privacy_url }}) · [\(pick(["Unsubscribe", "Désinscription"]))]({{ unsubscribe_url }})"
        default:
            text += mentions(count(0...2))
        }
        if chance(40) {
            text += "\n\n{% unless contact.\(fields.text) == \"x\" %}Thanks for your support.{% endunless %}"
        }
        return text + "\n"
    }

    // MARK: The workspace

    mutating func workspace() -> GeneratedWorkspace {
        let locales = pick([["en"], ["fr", "en"], ["en", "pt-BR"], ["de", "fr", "en"]])
        fields = ContactFieldIDs(
            text: pick(["unit", "quartier", "note"]), choice: pick(["building", "ward"]),
            tags: pick(["interests", "topics"]), number: pick(["visits", "age"]), date: pick(["lease_end", "met_on"]))
        casesShareLines = chance(15)
        markdownInLegalValues = chance(15)
        let purposeMode = chance(25)
        if purposeMode { shapes.insert(.purposeMode) }
        var generated = GeneratedWorkspace(
            seed: seed, files: [:], locales: locales, fields: fields,
            publisher: legalValue(
                pick(["Riverside Tenants Association, Inc.", "Les Amis d'Été", "Verein \"Grün\" e.V."])),
            postalAddress: legalValue(
                pick(["415 River Road, Suite 2B, Riverside, NJ 08075, USA", "12 rue de la République, 69001 Lyon"])),
            privacyURL: pick(["https://example-prop.org/privacy", "https://example-prop.org/données?a=1&b=2"]),
            dataOrigin: [:], templateIDs: [], shapes: [], footers: [:], templates: [:], layout: nil)
        for locale in locales {
            self.locale = locale
            generated.dataOrigin[locale] = legalValue("(\(locale)) You receive this email because you talked with us.")
            generated.footers[locale] = footer()
        }
        for index in 0..<count(1...3) {
            let id = "t\(index)-" + pick(["welcome", "rappel", "news"])
            generated.templateIDs.append(id)
            var contents: [String: (subject: String, body: String, footer: String?)] = [:]
            let override = chance(20)
            if override { shapes.insert(.footerOverride) }
            for locale in locales {
                self.locale = locale
                contents[locale] = (subject(), body(), override ? footer() : nil)
            }
            generated.templates[id] = contents
        }
        if chance(20) {
            shapes.insert(.customLayout)
            let footerSlot = chance(60) ? "<div style=\"font-size:12px;color:#6b7280;\">{{ footer }}</div>\n" : ""
            generated.layout =
                "<body style=\"margin:0;background:#f4f4f5;\">\n"
                + "<table role=\"presentation\" width=\"100%\"><tr><td style=\"padding:24px;\">\n"
                + "<p style=\"font-weight:bold;\">{{ workspace.name }} · {{ legal.publisher }}</p>\n{{ content }}\n"
                + footerSlot + "</td></tr></table>\n</body>\n"
        }
        generated.shapes = shapes
        generated.files = Self.files(of: generated, purposeMode: purposeMode)
        return generated
    }

    // MARK: YAML

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A YAML literal block scalar at `indent` spaces.
    static func block(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let lines = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return "|\n"
            + lines.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n") + "\n"
    }

    static func files(of w: GeneratedWorkspace, purposeMode: Bool? = nil) -> [String: String] {
        let purposes = purposeMode ?? w.shapes.contains(.purposeMode)
        var manifest = """
            id: prop-\(w.seed % 100_000)
            name: \(quoted("Property " + "Zoë & \"Co\" <tenants>"))
            locales: [\(w.locales.joined(separator: ", "))]
            sending_domains: [example-prop.org]
            senders:
              - id: team
                name: \(quoted("L'équipe « Prop » & co"))
                address: team@example-prop.org
            default_sender: team
            legal:
              publisher: \(quoted(w.publisher))
              postal_address: \(quoted(w.postalAddress))
              privacy_url: \(quoted(w.privacyURL))
              data_origin:

            """
        for locale in w.locales { manifest += "    \(locale): \(quoted(w.dataOrigin[locale] ?? ""))\n" }
        manifest += "footer:\n"
        for locale in w.locales { manifest += "  \(locale): " + block(w.footers[locale] ?? "", indent: 4) }
        if w.layout != nil { manifest += "layout: layouts/email.html\n" }
        manifest +=
            purposes
            ? "consent:\n  mode: purpose\n  purposes:\n    - id: news\n      label: News\n"
            : "consent:\n  mode: channel\n"
        let f = w.fields
        manifest += """
            contact_fields:
              - {id: \(f.text), type: short_text, label: Text}
              - {id: \(f.choice), type: single_response, label: Choice}
              - {id: \(f.tags), type: checkbox, label: Tags}
              - {id: \(f.number), type: number, label: Number}
              - {id: \(f.date), type: date, label: Date}
            tasks:
              - {id: call_back, label: Call back}

            """
        var files = ["automail.yaml": manifest]
        if let layout = w.layout { files["layouts/email.html"] = layout }
        var triggers = "triggers:\n"
        for (index, id) in w.templateIDs.enumerated() {
            var text = "id: \(id)\n" + (purposes ? "purpose: news\n" : "") + "locales:\n"
            for locale in w.locales {
                guard let content = w.templates[id]?[locale] else { continue }
                text +=
                    "  \(locale):\n    subject: \(quoted(content.subject))\n    body: " + block(content.body, indent: 6)
                if let footer = content.footer { text += "    footer: " + block(footer, indent: 6) }
            }
            files["templates/\(id).yaml"] = text
            triggers += "  - {id: fire-\(id), when: {task: call_back}, template: \(id), priority: \(index)}\n"
        }
        files["triggers/all.yaml"] = triggers
        return files
    }
}
