import BundleFormat

/// A rule bundle as a sender holds it: read, version-checked, digest-verified and typed
/// (docs/bundle-format.md). Load one with ``load(_:publicKey:)``; the AutomailRuntime library evaluates
/// events with it (`evaluate(_:)`) and renders its templates (`render(template:locale:contact:unsubscribeURL:)`);
/// diff and preview read it too. The one model of a bundle the compiler's consumers share.
public struct RuntimeBundle: Sendable, Hashable {
    /// The major format version this reader understands: bundles with another `format` are refused.
    public static let supportedFormat = 2

    /// `format`: the major format version (always ``supportedFormat`` once loaded).
    public var format: Int
    /// `format_minor`: the minor format version (0 when absent). Any minor version is read: a minor
    /// change only adds members this reader ignores.
    public var formatMinor: Int
    /// `digest`: `sha256:` and 64 lowercase hex digits.
    public var digest: String
    /// `revision`: the source revision, when the bundle records one.
    public var revision: String?
    /// `workspace.id`.
    public var workspaceID: String
    /// `workspace.name`.
    public var workspaceName: String
    /// `locales.default`.
    public var defaultLocale: String
    /// `locales.all`: every locale, the default first.
    public var locales: [String]
    /// `consent.mode`.
    public var consentMode: ConsentMode
    /// `consent.purposes` ids, in bundle order (empty in channel mode).
    public var purposes: [String]
    /// `senders`, by id.
    public var senders: [String: Sender]
    /// `default_sender`.
    public var defaultSender: String
    /// `globals`: per locale, the object given to Liquid as the top of the context.
    public var globals: [String: JSONValue]
    /// `variables`: what the sender must provide.
    public var variables: [Variable]
    /// `templates`, by id.
    public var templates: [String: Template]
    /// `triggers`: event key (`answer:q/question/answer`, `support_level:id`, `task:id`) -> actions.
    public var triggers: [String: [Action]]
    /// `timing`: the workspace's zone, the zones' offsets, quiet hours, the frequency cap and blackouts.
    public var timing: TimingRules = .none
    /// `consent.purposes` labels by id: read by a lenient reading only (a reviewer compares them, a
    /// sender does not use them), empty otherwise.
    public var purposeLabels: [String: String] = [:]

    /// How consent is given.
    public enum ConsentMode: String, Sendable, Hashable {
        /// Consent per channel: the contact consents to email or not.
        case channel
        /// Consent per purpose and channel: each template has a purpose.
        case purpose
    }

    /// A resolved sender.
    public struct Sender: Sendable, Hashable {
        /// The From mailbox.
        public var from: Mailbox
        /// The Reply-To address, if any.
        public var replyTo: String?

        /// Creates a sender.
        public init(from: Mailbox, replyTo: String?) {
            self.from = from
            self.replyTo = replyTo
        }
    }

    /// A variable the sender provides (`contact.firstname`, `unsubscribe_url`).
    public struct Variable: Sendable, Hashable {
        /// The variable path.
        public var name: String
        /// Its type as the compiler writes it (`string`, `email`, `url`, a custom field's type).
        public var type: String
        /// Whether the sender must always provide it.
        public var required: Bool

        /// Creates a variable.
        public init(name: String, type: String, required: Bool) {
            self.name = name
            self.type = type
            self.required = required
        }
    }

    /// A compiled template.
    public struct Template: Sendable, Hashable {
        /// The template id.
        public var id: String
        /// The sender id, a key of ``RuntimeBundle/senders``.
        public var sender: String
        /// The consent purpose (purpose mode only).
        public var purpose: String?
        /// The template per locale.
        public var locales: [String: LocalizedTemplate]

        /// Creates a template.
        public init(id: String, sender: String, purpose: String?, locales: [String: LocalizedTemplate]) {
            self.id = id
            self.sender = sender
            self.purpose = purpose
            self.locales = locales
        }
    }

    /// A template in one locale: Liquid sources, ready to render.
    public struct LocalizedTemplate: Sendable, Hashable {
        /// The subject, Liquid.
        public var subject: String
        /// The HTML part, Liquid (outputs already escaped: render with auto-escaping off).
        public var html: String
        /// The text part, Liquid.
        public var text: String
        /// The header values, Liquid, by header name.
        public var headers: [String: String]

        /// Creates a localized template.
        public init(subject: String, html: String, text: String, headers: [String: String]) {
            self.subject = subject
            self.html = html
            self.text = text
            self.headers = headers
        }
    }

    /// One action of an event key: a trigger's template with its priority and timing.
    public struct Action: Sendable, Hashable {
        /// The trigger id.
        public var trigger: String
        /// The template id, a key of ``RuntimeBundle/templates``.
        public var template: String
        /// The priority: the highest eligible action of an encounter is sent.
        public var priority: Int
        /// Seconds between the event and the send (0: at once).
        public var delaySeconds: Int
        /// The once-per-contact window, if any.
        public var oncePerContact: OncePerContact?
        /// `active_from`: the trigger fires for events at or after this instant (`nil`: always has).
        public var activeFrom: Timestamp?
        /// `active_until`: the trigger fires for events before this instant (`nil`: never stops).
        public var activeUntil: Timestamp?
        /// `quiet_hours`: what a send time in quiet hours does.
        public var quietHours: TimingPolicy
        /// `blackouts`: what a send time in a blackout does.
        public var blackouts: TimingPolicy
        /// `frequency_cap`: whether the frequency cap applies (`count`) or not (`exempt`).
        public var frequencyCapExempt: Bool

        /// Creates an action.
        public init(
            trigger: String, template: String, priority: Int, delaySeconds: Int, oncePerContact: OncePerContact?,
            activeFrom: Timestamp? = nil, activeUntil: Timestamp? = nil, quietHours: TimingPolicy = .defer,
            blackouts: TimingPolicy = .defer, frequencyCapExempt: Bool = false
        ) {
            self.trigger = trigger
            self.template = template
            self.priority = priority
            self.delaySeconds = delaySeconds
            self.oncePerContact = oncePerContact
            self.activeFrom = activeFrom
            self.activeUntil = activeUntil
            self.quietHours = quietHours
            self.blackouts = blackouts
            self.frequencyCapExempt = frequencyCapExempt
        }
    }

    /// A once-per-contact window (`once_per_contact_seconds`).
    public enum OncePerContact: Sendable, Hashable {
        /// At most once in any window of this many seconds (`once_per_contact_seconds` >= 0).
        case window(seconds: Int)
        /// At most once ever (`once_per_contact_seconds` = -1).
        case forever

        /// The bundle's value: the window in seconds, or -1 for forever.
        public var seconds: Int {
            switch self {
            case .window(let seconds): return seconds
            case .forever: return -1
            }
        }
    }
}

/// Why a bundle was refused.
public enum BundleLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not one JSON document (automail's strict reading: integers only, no repeated key).
    case syntax(JSONParseError)
    /// The bundle's major `format` is not one this reader understands.
    case unsupportedFormat(Int)
    /// The `digest` is not that of the content: the bundle was changed after it was built.
    case digestMismatch(declared: String, computed: String)
    /// A member is missing, of the wrong kind, or inconsistent with another.
    case malformed(FormatProblem)
    /// A public key was given and the bundle is unsigned, signed by another key, or its signature does
    /// not verify (docs/signing.md).
    case signature(BundleVerificationError)

    /// A one-line description: where, then what.
    public var description: String {
        switch self {
        case .syntax(let error):
            return "\(error.line):\(error.column): \(error.message)"
        case .unsupportedFormat(let found):
            return
                "the bundle has format \(found); this reader understands format \(RuntimeBundle.supportedFormat) only "
                + "(a new major format version is not backward compatible: use a reader that supports it)"
        case .digestMismatch(let declared, let computed):
            return "the bundle's digest does not match its content (declared \(declared), computed \(computed)): "
                + "it was changed after it was built"
        case .malformed(let problem):
            return "\(problem)"
        case .signature(let error):
            return "\(error)"
        }
    }
}

extension RuntimeBundle {
    /// Reads a bundle file: parses it strictly, refuses an unknown major `format`, verifies the
    /// `digest` against the content and, when `publicKey` is given, that the bundle is signed by that
    /// key with a valid signature; then reads every member the evaluation uses (unknown members are
    /// ignored, as a minor format change may add some).
    public static func load(_ bytes: [UInt8], publicKey: BundlePublicKey? = nil) throws(BundleLoadError)
        -> RuntimeBundle
    {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw .syntax(error)
        }
        return try load(document: value, publicKey: publicKey)
    }

    /// ``load(_:publicKey:)`` for a document already parsed.
    public static func load(document value: JSONValue, publicKey: BundlePublicKey? = nil) throws(BundleLoadError)
        -> RuntimeBundle
    {
        guard case .object(let members) = value else {
            throw .malformed(JSONNode(value).wrongKind("an object"))
        }
        try checkFormat(members)
        guard case .string(let declared)? = members["digest"] else {
            let problem =
                members["digest"] == nil
                ? FormatProblem(at: JSONPointer(), reason: .missingMember("digest"))
                : JSONNode(members["digest"] ?? .null, at: JSONPointer(["digest"])).wrongKind("a string")
            throw .malformed(problem)
        }
        let computed = BundleEmitter.expectedDigest(of: members)
        guard declared == computed else { throw .digestMismatch(declared: declared, computed: computed) }
        if let publicKey {
            do {
                try BundleSignature.verify(bundle: members, publicKey: publicKey)
            } catch {
                throw .signature(error)
            }
        }
        return try RuntimeBundle(content: members)
    }

    /// Reads bundle content already in memory (the compiler's, before it is written): the format is
    /// checked, the digest is taken as is when present (`""` otherwise) and not verified.
    public init(content: [String: JSONValue]) throws(BundleLoadError) {
        try Self.checkFormat(content)
        do {
            self = try BundleReader.read(JSONNode(.object(content)), strictness: .strict)
        } catch {
            throw .malformed(error)
        }
    }

    private static func checkFormat(_ members: [String: JSONValue]) throws(BundleLoadError) {
        guard let format = members["format"] else {
            throw .malformed(FormatProblem(at: JSONPointer(), reason: .missingMember("format")))
        }
        guard case .int(let major) = format else {
            throw .malformed(JSONNode(format, at: JSONPointer(["format"])).wrongKind("an integer"))
        }
        guard major == supportedFormat else { throw .unsupportedFormat(major) }
    }
}

extension RuntimeBundle {
    /// How much of the bundle format a reading insists on. Both read the same members into the same
    /// model, through the one reader; the problems they find are worded by whoever shows them
    /// (``FormatProblem/reason``).
    public enum Strictness: Sendable, Hashable {
        /// What a sender needs: format ``RuntimeBundle/supportedFormat``, every member a sender uses,
        /// every reference between members resolved (senders, templates, locales, purposes, zones),
        /// nothing repeated, every Liquid source parsed.
        case strict
        /// What a reviewer needs to compare two bundles (`automail diff`): format 1 too, where `timing`
        /// and an action's `quiet_hours`, `blackouts` and `frequency_cap` are absent (read as their
        /// defaults); a trigger id, a locale or a purpose may repeat; no reference between members and
        /// no Liquid is checked; a purpose's `label` is read. Every value read is still of its kind and
        /// within its range.
        case lenient

        /// The major format versions read.
        public var formats: ClosedRange<Int> {
            switch self {
            case .strict: return RuntimeBundle.supportedFormat...RuntimeBundle.supportedFormat
            case .lenient: return 1...RuntimeBundle.supportedFormat
            }
        }
    }

    /// A bundle read, with the members of its document the reading did not look at.
    public struct Reading: Sendable, Hashable {
        /// The bundle.
        public var bundle: RuntimeBundle
        /// The members not read, by pointer (only the outermost of a member not read, not its own
        /// members): members this reader does not know, and members unused at this strictness
        /// (`compiler`, a channel-mode template's `purpose` when strict).
        public var unread: [JSONPointer: JSONValue]
    }

    /// Reads bundle content at `strictness`, recording what it did not read. Neither the digest nor a
    /// signature is verified (``load(_:publicKey:)`` does), and the format is checked against
    /// ``Strictness/formats`` only.
    ///
    /// - Throws: ``FormatProblem`` when a member is missing, of the wrong kind, out of its range or, when
    ///   strict, inconsistent with another.
    public static func read(content: JSONValue, strictness: Strictness) throws(FormatProblem) -> Reading {
        let log = ReadLog()
        let bundle = try BundleReader.read(JSONNode(content, log: log), strictness: strictness)
        return Reading(bundle: bundle, unread: log.unread(in: content))
    }
}
