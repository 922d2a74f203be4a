import Diagnostics

/// One example of a rule: a small change to a valid base workspace, and whether it triggers the rule.
///
/// In `files`, the text between `«` and `»` marks exactly where the diagnostic must land; the
/// markers are removed before compiling. Files given replace the base workspace's files of the same
/// path (see ``RuleExample/baseWorkspace``); a file whose content is empty is removed.
public struct RuleExample: Sendable {
    /// Whether compiling the example must report the rule's code (at the marked range).
    public var triggers: Bool
    /// The files that differ from the base workspace, by path.
    public var files: [String: String]
    /// The source line of the example, so that a failing example points at itself.
    public var line: Int
    /// The source file of the example.
    public var sourceFile: String

    /// Creates an example.
    public init(triggers: Bool, files: [String: String], line: Int = #line, sourceFile: String = #filePath) {
        self.triggers = triggers
        self.files = files
        self.line = line
        self.sourceFile = sourceFile
    }
}

/// A rule: a stable code, what it checks, why, and examples that are also its tests.
public struct RuleDescription: Sendable {
    /// The stable code.
    public var code: DiagnosticCode
    /// The default severity: what `check` reports.
    public var severity: Severity
    /// The severity `build` reports instead, when it is stricter than `check` (`nil`: the same). A
    /// placeholder may sit in a workspace being written, never in a bundle (AM508).
    public var buildSeverity: Severity?
    /// The suppressibility this entry states (`.unsafe`, or `.allowed` for an error), if any.
    var statedSuppressibility: Suppressibility?
    /// A one-line summary, lowercase, no trailing period.
    public var summary: String
    /// A Markdown explanation: what the rule checks, why, and how to fix it (`automail explain CODE`).
    public var explanation: String
    /// Examples that trigger the rule and examples that do not.
    public var examples: [RuleExample]
    /// The source file of the catalog entry: its family's folder, `Sources/AutoMail/Rules/<Family>/`.
    public var sourceFile: String

    /// Creates a rule description. `suppressibility` is stated only where it differs from what the code
    /// range and severity imply: `.unsafe`, or `.allowed` for an error (see ``Suppressibility``).
    public init(
        code: DiagnosticCode, severity: Severity, buildSeverity: Severity? = nil,
        suppressibility: Suppressibility? = nil, summary: String, explanation: String, examples: [RuleExample],
        sourceFile: String = #filePath
    ) {
        self.statedSuppressibility = suppressibility
        self.sourceFile = sourceFile
        self.code = code
        self.severity = severity
        self.buildSeverity = buildSeverity
        self.summary = summary
        self.explanation = explanation
        self.examples = examples
    }
}

extension RuleDescription {
    /// Whether and why a suppression comment may silence this rule: what its entry (or the catalog entry of
    /// its code) states, or else what its code range and severity imply
    /// (``Suppressibility/byDefault(_:severity:)``).
    public var suppressibility: Suppressibility {
        statedSuppressibility ?? RuleCatalog.byCode[code]?.statedSuppressibility
            ?? Suppressibility.byDefault(code, severity: severity)
    }
}

/// Every rule automail knows, by code.
public enum RuleCatalog {
    /// All rules, sorted by code.
    public static let all: [RuleDescription] =
        (workspaceRules + yamlRules + structureRules + referenceRules + footerRules + consentRules + senderRules
        + templateRules + renderingRules + layoutRules + brandRules + triggerRules + suppressionRules
        + placeholderRules + timingRules).sorted { $0.code < $1.code }

    /// The rule with `code`, if any.
    public static func rule(_ code: DiagnosticCode) -> RuleDescription? {
        all.first { $0.code == code }
    }

    /// The codes whose severity `build` raises, and to what (``RuleDescription/buildSeverity``).
    static let buildSeverities: [DiagnosticCode: Severity] = Dictionary(
        uniqueKeysWithValues: all.compactMap { rule in rule.buildSeverity.map { (rule.code, $0) } })

    /// `diagnostic` as `build` reports it: with its rule's build severity, and a note saying why `check`
    /// reported it differently. The identity for every other diagnostic.
    public static func forBuild(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let severity = buildSeverities[diagnostic.code], severity != diagnostic.severity else {
            return diagnostic
        }
        var upgraded = diagnostic
        upgraded.severity = severity
        upgraded.notes.append(
            DiagnosticNote("`check` reports this as a \(diagnostic.severity.rawValue); `build` refuses it"))
        return upgraded
    }
}

extension RuleCatalog {
    /// The small valid workspace every example changes: exactly the files of
    /// `Tests/AutoMailTests/Fixtures/base/` (a test checks they are byte-identical).
    public static let baseWorkspace: [String: String] = [
        "automail.yaml": """
        # A small valid workspace: every invalid fixture is this workspace with a few files changed.
        id: base
        name: Base campaign
        locales: [fr, en]
        sending_domains: [lyonvote.fr]
        senders:
          - id: team
            name: Base team
            address: team@lyonvote.fr
            reply_to: contact@lyonvote.fr
        default_sender: team
        legal:
          publisher: Base association
          postal_address: 1 rue de la Paix, 75002 Paris, France
          privacy_url: https://lyonvote.fr/privacy
          data_origin:
            fr: Vous avez rencontré un bénévole.
            en: You met one of our volunteers.
        footer:
          fr: |
            {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
            [Vos données]({{ legal.privacy_url }}) · [Se désinscrire]({{ unsubscribe_url }})
          en: |
            {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
            [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})
        consent:
          mode: purpose
          purposes:
            - id: news
              label: News
        contact_fields:
          - id: district
            type: short_text
            label: District
        tasks:
          - id: call_back
            label: Call back

        """,
        "questionnaires/doors.yaml": """
        id: doors
        title: Door to door
        questions:
          - id: support
            type: single_choice
            label: Do you support us?
            answers:
              - id: "yes"
                label: "Yes"
              - id: "no"
                label: "No"
          - id: topics
            type: checkbox
            label: Topics
            answers:
              - id: housing
                label: Housing
              - id: transport
                label: Transport
          - id: remarks
            type: open_text
            label: Remarks

        """,
        "templates/callback.yaml": """
        id: callback
        sender: team
        purpose: news
        locales:
          fr:
            subject: Nous allons vous rappeler
            body: |
              Un bénévole vous rappellera bientôt.
          en:
            subject: We will call you back
            body: |
              A volunteer will call you back soon.

        """,
        "templates/welcome.yaml": """
        id: welcome
        purpose: news
        locales:
          fr:
            subject: 'Merci {{ contact.firstname | default: "à vous" }} !'
            body: |
              Bonjour {{ contact.firstname | default: "à vous" }},

              Merci pour votre soutien.
          en:
            subject: 'Thank you {{ contact.firstname | default: "friend" }}!'
            body: |
              Hello {{ contact.firstname | default: "friend" }},

              Thank you for your support.

        """,
        "triggers/main.yaml": """
        triggers:
          - id: welcome-yes
            when:
              answer: doors/support/yes
            template: welcome
            priority: 20
          - id: callback-task
            when:
              task: call_back
            template: callback
            priority: 10
            delay: 2h
            once_per_contact: 30d

        """,
    ]
}
