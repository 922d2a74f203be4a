/// The small workspace `automail init` writes: a manifest, one questionnaire, one template, one
/// trigger, and copies of the JSON Schemas for editors. In any locale it checks with nothing but the
/// warnings about its placeholders (``placeholderDomain``, ``placeholderPostalAddress``: AM508, which
/// `build` refuses until they are replaced): emails are written in English, French, Spanish, German, Italian or Portuguese, and a locale
/// in another language gets the English text with a line asking for a translation. The questionnaire
/// is in French when the default locale is, in English otherwise.
///
/// Every YAML file starts with a `yaml-language-server` modeline pointing at the schema copies in
/// `.automail/schemas/`, by a path relative to the file: editors find them without any setting, the
/// workspace works wherever it is moved and offline, and the schemas match the compiler that wrote
/// them (a URL would need a network and could describe another version).
public struct WorkspaceStarter: Sendable, Hashable {
    /// The workspace id.
    public var id: String
    /// The workspace name, as contacts see it.
    public var name: String
    /// The locales, the default first.
    public var locales: [String]

    /// The folder, inside the workspace, that holds the schema copies.
    public static let schemaFolder = ".automail/schemas"

    /// The sending domain the starter writes, to be replaced: reserved for examples (RFC 2606), so a
    /// build refuses it until it is (AM508).
    public static let placeholderDomain = "example.org"
    /// The postal address the starter writes, to be replaced (AM508 until it is).
    public static let placeholderPostalAddress = "1 Example Street, Springfield"
    /// Every placeholder postal address automail has written, whitespace normalised: AM508 refuses
    /// them in a build.
    static let placeholderPostalAddresses: Set<String> = [placeholderPostalAddress]

    /// Why the options cannot make a workspace.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, lowercase.
        public var description: String
    }

    /// A starter for `name` (an id is derived from it) in `locales` (default: `en`).
    ///
    /// - Throws: ``Problem`` for a locale that is not a locale, a repeated locale, or an empty name.
    public init(name: String, locales: [String] = []) throws(Problem) {
        let trimmed = String(name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isNewline }) else {
            throw Problem(description: "the workspace name must be one non-empty line")
        }
        let chosen = locales.isEmpty ? ["en"] : locales
        for locale in chosen where !Syntax.isValidLocale(locale) {
            throw Problem(description: "`\(locale)` is not a locale: write `en`, `fr`, `pt-BR`...")
        }
        if let repeated = chosen.enumerated().first(where: { chosen[..<$0.offset].contains($0.element) }) {
            throw Problem(description: "the locale `\(repeated.element)` is given twice")
        }
        self.name = trimmed
        self.id = Self.slug(trimmed)
        self.locales = chosen
    }

    /// An id from a name: lowercase ASCII letters and digits, other characters as `-`, at most 64.
    static func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            let plain = Self.ascii[scalar] ?? scalar
            if ("a"..."z").contains(plain) || ("0"..."9").contains(plain) {
                out.unicodeScalars.append(plain)
            } else if !out.isEmpty, out.last != "-" {
                out += "-"
            }
        }
        while out.last == "-" { out.removeLast() }
        out = String(out.prefix(Syntax.maxIDLength))
        while out.last == "-" { out.removeLast() }
        return out.isEmpty ? "campaign" : out
    }

    /// Accented letters common in names, by their plain letter.
    private static let ascii: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (plain, accented) in [
            ("a", "àáâãäå"), ("c", "ç"), ("e", "èéêë"), ("i", "ìíîï"), ("n", "ñ"), ("o", "òóôõöø"),
            ("u", "ùúûü"), ("y", "ýÿ"),
        ] {
            for scalar in accented.unicodeScalars { table[scalar] = plain.unicodeScalars.first }
        }
        return table
    }()

    /// Every file, by path relative to the workspace, in the order they are listed to the user.
    public var files: [(path: String, text: String)] {
        [
            ("automail.yaml", manifest),
            ("questionnaires/door-to-door.yaml", questionnaire),
            ("templates/welcome.yaml", template),
            ("triggers/door-to-door.yaml", triggers),
        ] + EmbeddedSchemas.files.map { (Self.schemaFolder + "/" + $0.name, $0.text) }
    }

    // MARK: The files

    private var french: Bool { Self.language(locales[0]) == "fr" }

    private func modeline(_ schema: String, depth: Int) -> String {
        "# yaml-language-server: $schema=" + String(repeating: "../", count: depth) + Self.schemaFolder + "/"
            + schema + ".schema.json\n"
    }

    /// The texts of one locale.
    private struct Texts {
        var dataOrigin: String
        var footer: String
        var subject: String
        var body: String
    }

    /// The languages the starter has texts for; any other locale gets English with a line asking for
    /// a translation (so that two locales never share a body, which `check` would warn about).
    static let languages: Set<String> = ["en", "fr", "es", "de", "it", "pt"]

    private static func language(_ locale: String) -> String {
        String(locale.prefix { $0 != "-" })
    }

    private func texts(_ locale: String) -> Texts {
        switch Self.language(locale) {
        case "fr":
            return Texts(
                dataOrigin: """
                    Vous recevez cet email car vous avez échangé avec l'un de nos bénévoles et accepté \
                    d'être recontacté par email.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Publié par {{ legal.publisher }}, {{ legal.postal_address }}. Vous pouvez à tout moment \
                    vous opposer à ces emails et exercer vos droits : [vos données et vos droits]({{ legal.privacy_url }}).

                    [Se désinscrire]({{ unsubscribe_url }})
                    """,
                subject: #"'Bienvenue, {{ contact.firstname | default: "et merci" }} !'"#,
                body: """
                    Bonjour {{ contact.firstname | default: "à vous" }},

                    Merci de vouloir rejoindre {{ workspace.name }} ! Une personne de l'équipe vous \
                    appellera dans les prochains jours pour vous proposer une première action.

                    À très vite,

                    L'équipe
                    """)
        case "es":
            return Texts(
                dataOrigin: """
                    Recibe este correo porque habló con una persona voluntaria de nuestro equipo y aceptó \
                    que le contactáramos por correo electrónico.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Publicado por {{ legal.publisher }}, {{ legal.postal_address }}. Puede oponerse a estos \
                    correos en cualquier momento y ejercer sus derechos: [sus datos y sus derechos]({{ legal.privacy_url }}).

                    [Darse de baja]({{ unsubscribe_url }})
                    """,
                subject: #"'¡Bienvenida, {{ contact.firstname | default: "y gracias" }}!'"#,
                body: """
                    Hola, {{ contact.firstname | default: "qué tal" }}:

                    ¡Gracias por querer unirse a {{ workspace.name }}! Una persona del equipo le llamará \
                    en los próximos días para proponerle una primera acción.

                    ¡Hasta pronto!

                    El equipo
                    """)
        case "de":
            return Texts(
                dataOrigin: """
                    Sie erhalten diese E-Mail, weil Sie mit einer oder einem unserer Freiwilligen gesprochen \
                    und einer Kontaktaufnahme per E-Mail zugestimmt haben.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Herausgegeben von {{ legal.publisher }}, {{ legal.postal_address }}. Sie können diesen \
                    E-Mails jederzeit widersprechen und Ihre Rechte ausüben: [Ihre Daten und Ihre Rechte]({{ legal.privacy_url }}).

                    [Abmelden]({{ unsubscribe_url }})
                    """,
                subject: #"'Willkommen, {{ contact.firstname | default: "und danke" }}!'"#,
                body: """
                    Hallo {{ contact.firstname | default: "zusammen" }},

                    danke, dass Sie bei {{ workspace.name }} mitmachen möchten! Jemand aus dem Team ruft \
                    Sie in den nächsten Tagen an und schlägt Ihnen eine erste Aktion vor.

                    Bis bald,

                    Ihr Team
                    """)
        case "it":
            return Texts(
                dataOrigin: """
                    Riceve questa email perché ha parlato con una o un volontario della nostra squadra e ha \
                    accettato di essere ricontattato via email.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Pubblicato da {{ legal.publisher }}, {{ legal.postal_address }}. Può opporsi a queste \
                    email in qualsiasi momento ed esercitare i suoi diritti: [i suoi dati e i suoi diritti]({{ legal.privacy_url }}).

                    [Annulla l'iscrizione]({{ unsubscribe_url }})
                    """,
                subject: #"'Benvenuto, {{ contact.firstname | default: "e grazie" }}!'"#,
                body: """
                    Buongiorno {{ contact.firstname | default: "a lei" }},

                    grazie di voler unirsi a {{ workspace.name }}! Una persona della squadra la chiamerà \
                    nei prossimi giorni per proporle una prima azione.

                    A presto,

                    La squadra
                    """)
        case "pt":
            return Texts(
                dataOrigin: """
                    Recebe este email porque falou com uma pessoa voluntária da nossa equipa e aceitou ser \
                    contactado por email.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Publicado por {{ legal.publisher }}, {{ legal.postal_address }}. Pode opor-se a estes \
                    emails a qualquer momento e exercer os seus direitos: [os seus dados e os seus direitos]({{ legal.privacy_url }}).

                    [Cancelar a subscrição]({{ unsubscribe_url }})
                    """,
                subject: #"'Bem-vindo, {{ contact.firstname | default: "e obrigado" }}!'"#,
                body: """
                    Olá {{ contact.firstname | default: "a todos" }},

                    Obrigado por querer juntar-se a {{ workspace.name }}! Uma pessoa da equipa vai \
                    telefonar-lhe nos próximos dias para lhe propor uma primeira ação.

                    Até breve,

                    A equipa
                    """)
        default:
            let untranslated = Self.language(locale) == "en" ? "" : "TODO: translate this email into `\(locale)`.\n\n"
            return Texts(
                dataOrigin: """
                    You are receiving this email because you spoke with one of our volunteers and agreed to be \
                    contacted by email.
                    """,
                footer: """
                    {{ legal.data_origin }}

                    Published by {{ legal.publisher }}, {{ legal.postal_address }}. You can object to these \
                    emails at any time and exercise your rights: [your data and your rights]({{ legal.privacy_url }}).

                    [Unsubscribe]({{ unsubscribe_url }})
                    """,
                subject: #"'Welcome, {{ contact.firstname | default: "and thank you" }}!'"#,
                body: untranslated + """
                    Hello {{ contact.firstname | default: "there" }},

                    Thank you for wanting to join {{ workspace.name }}! Someone from the team will call you \
                    in the next few days to suggest a first action.

                    See you soon,

                    The team
                    """)
        }
    }

    /// `# translate` before a locale written in English though it is not English.
    private func translateNote(_ locale: String, indent: String) -> String {
        Self.languages.contains(Self.language(locale)) ? "" : indent + "# TODO: translate into `\(locale)`\n"
    }

    /// `text` as a YAML block scalar body, indented.
    private func block(_ text: String, indent: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n") + "\n"
    }

    private var manifest: String {
        var out = modeline("automail", depth: 0)
        out += """
            # The workspace manifest (docs/workspace-format.md). Replace every example value marked TODO.
            id: \(yamlString(id))
            name: \(yamlString(name))
            # The first locale is the default; every template covers each.
            locales: [\(locales.joined(separator: ", "))]
            # The domains you send from, verified with your sending service (SPF, DKIM).
            sending_domains:
              - \(Self.placeholderDomain)  # TODO: your domain

            senders:
              - id: team
                name: \(yamlString(name))
                address: team@\(Self.placeholderDomain)  # TODO
                reply_to: contact@\(Self.placeholderDomain)  # TODO
            default_sender: team

            # Shown in every footer: who sends, where, how contacts exercise their rights.
            legal:
              publisher: \(yamlString(name))  # TODO: the legal entity that sends
              postal_address: \(Self.placeholderPostalAddress)  # TODO
              privacy_url: https://\(Self.placeholderDomain)/privacy  # TODO
              data_origin:

            """
        for locale in locales {
            out += translateNote(locale, indent: "    ")
            out += "    \(locale): >-\n" + block(texts(locale).dataOrigin, indent: "      ")
        }
        out +=
            "\n# The footer of every email, per locale: it must keep the legal mentions and the unsubscribe link.\nfooter:\n"
        for locale in locales {
            out += translateNote(locale, indent: "  ")
            out += "  \(locale): |\n" + block(texts(locale).footer, indent: "    ")
        }
        out += """

            # Consent per channel; `mode: purpose` asks for consent per purpose (recommended in the EU).
            consent:
              mode: channel

            """
        return out
    }

    private var questionnaire: String {
        modeline("questionnaire", depth: 1)
            + (french
                ? """
                id: door-to-door
                title: Porte-à-porte
                questions:
                  - id: volunteer
                    type: single_choice
                    label: Aimeriez-vous rejoindre l'équipe de bénévoles ?
                    answers:
                      - id: interested
                        label: Oui, avec plaisir
                      - id: later
                        label: Peut-être plus tard
                      - id: not-interested
                        label: Non merci

                """
                : """
                id: door-to-door
                title: Door-to-door
                questions:
                  - id: volunteer
                    type: single_choice
                    label: Would you like to join our volunteers?
                    answers:
                      - id: interested
                        label: Yes, gladly
                      - id: later
                        label: Maybe later
                      - id: not-interested
                        label: No, thank you

                """)
    }

    private var template: String {
        var out = modeline("template", depth: 1)
        out += "id: welcome\nlocales:\n"
        for locale in locales {
            let text = texts(locale)
            out += translateNote(locale, indent: "  ")
            out += "  \(locale):\n    subject: \(text.subject)\n    body: |\n" + block(text.body, indent: "      ")
        }
        return out
    }

    private var triggers: String {
        modeline("triggers", depth: 1) + """
            # When a contact answers `interested` at the door, send `welcome` an hour later, once.
            triggers:
              - id: welcome-volunteer
                when:
                  answer: door-to-door/volunteer/interested
                template: welcome
                priority: 100
                delay: 1h
                once_per_contact: forever

            """
    }

    /// `text` as a YAML scalar: plain when safe, else single-quoted.
    private func yamlString(_ text: String) -> String {
        let plainSafe = text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || " -.,'()".unicodeScalars.contains(scalar)
        }
        if plainSafe, let first = text.unicodeScalars.first, first.properties.isAlphabetic,
            !["true", "false", "null", "yes", "no", "on", "off"].contains(text.lowercased())
        {
            return text
        }
        return "'" + text.replacingAll("'", with: "''") + "'"
    }
}

extension String {
    /// Every `target` replaced with `replacement`.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
