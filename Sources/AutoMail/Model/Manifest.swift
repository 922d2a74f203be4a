import YAMLSource
import Diagnostics

/// `automail.yaml`: the workspace manifest.
public struct Manifest: Sendable, Hashable {
    /// The manifest's path relative to the workspace root.
    public var file: String
    /// The workspace id.
    public var id: Located<String>?
    /// The workspace's display name.
    public var name: Located<String>?
    /// The locales; the first is the default.
    public var locales: [Located<String>]
    /// The verified sending domains.
    public var sendingDomains: [Located<String>]
    /// The named senders.
    public var senders: [Sender]
    /// The default sender's id; absent means `noreply@` the first sending domain.
    public var defaultSender: Located<String>?
    /// The legal block.
    public var legal: Legal?
    /// The default footer, per locale (Markdown with Liquid).
    public var footers: [LocalizedText]
    /// The range of the `footer` key, when it is written: where a missing locale's footer goes.
    public var footerKeyRange: SourceRange?
    /// The locale keys written under `footer`, empty or malformed ones included (those have their own
    /// errors: the locale is not also reported as missing).
    public var footerKeys: [String] = []
    /// The custom email layout, a path such as `layouts/email.html`; absent means the default layout.
    public var layout: Located<String>?
    /// The brand settings of the default layout (`brand`): colour, logo, header line.
    public var brand: Brand?
    /// The consent model.
    public var consent: Consent
    /// Custom contact fields, usable as `contact.<id>`.
    public var contactFields: [ContactField]
    /// Support levels; `nil` when the manifest uses the reference CRM's defaults.
    public var supportLevels: [SupportLevel]?
    /// The task pipeline.
    public var tasks: [TaskDefinition]
    /// Sample contacts for `automail preview` (`samples`).
    public var samples: [SampleContact] = []
    /// `timing`: time zone, quiet hours, frequency cap, blackouts and elections; `nil` when not written.
    public var timing: TimingSettings?

    /// Creates an empty manifest for `file`, to be filled by the decoder.
    public init(file: String) {
        self.file = file
        self.id = nil
        self.name = nil
        self.locales = []
        self.sendingDomains = []
        self.senders = []
        self.defaultSender = nil
        self.legal = nil
        self.footers = []
        self.footerKeyRange = nil
        self.layout = nil
        self.consent = Consent(mode: nil, purposes: [])
        self.contactFields = []
        self.supportLevels = nil
        self.tasks = []
    }

    /// The default locale, if any locale is declared.
    public var defaultLocale: String? { locales.first?.value }
}

/// A named sender: the From display name and address, and an optional Reply-To.
public struct Sender: Sendable, Hashable {
    /// The sender id.
    public var id: Located<String>
    /// The From display name.
    public var name: Located<String>?
    /// The From address.
    public var address: Located<String>?
    /// The Reply-To address.
    public var replyTo: Located<String>?

    /// Creates a sender.
    public init(id: Located<String>, name: Located<String>?, address: Located<String>?, replyTo: Located<String>?) {
        self.id = id
        self.name = name
        self.address = address
        self.replyTo = replyTo
    }
}

/// The legal mentions every footer must show.
public struct Legal: Sendable, Hashable {
    /// Who publishes the emails.
    public var publisher: Located<String>?
    /// A valid postal address.
    public var postalAddress: Located<String>?
    /// The privacy / data-rights page.
    public var privacyURL: Located<String>?
    /// Where the contact's data came from, per locale.
    public var dataOrigin: [LocalizedText]
    /// The range of the `legal` mapping.
    public var range: SourceRange
    /// The range of the `data_origin` key, when it is written: where a missing locale's notice goes.
    public var dataOriginKeyRange: SourceRange?
    /// The locale keys written under `data_origin`, empty or malformed ones included (those have their
    /// own errors: the locale is not also reported as missing).
    public var dataOriginKeys: [String] = []

    /// Creates a legal block.
    public init(
        publisher: Located<String>?, postalAddress: Located<String>?, privacyURL: Located<String>?,
        dataOrigin: [LocalizedText], range: SourceRange, dataOriginKeyRange: SourceRange? = nil
    ) {
        self.dataOriginKeyRange = dataOriginKeyRange
        self.publisher = publisher
        self.postalAddress = postalAddress
        self.privacyURL = privacyURL
        self.dataOrigin = dataOrigin
        self.range = range
    }
}

/// How consent is recorded.
public enum ConsentMode: String, Sendable, Hashable, CaseIterable {
    /// Consent per channel (email yes or no).
    case channel
    /// Consent per purpose and channel (advanced mode, recommended in the EU).
    case purpose
}

/// The consent model.
public struct Consent: Sendable, Hashable {
    /// The mode; `nil` when not written (meaning `channel`).
    public var mode: Located<ConsentMode>?
    /// The purposes, in purpose mode.
    public var purposes: [Purpose]

    /// Creates a consent model.
    public init(mode: Located<ConsentMode>?, purposes: [Purpose]) {
        self.mode = mode
        self.purposes = purposes
    }

    /// The effective mode.
    public var effectiveMode: ConsentMode { mode?.value ?? .channel }
}

/// A consent purpose.
public struct Purpose: Sendable, Hashable {
    /// The purpose id.
    public var id: Located<String>
    /// What it is for, as shown to contacts.
    public var label: Located<String>?
    /// `campaigning`: whether its emails are electoral propaganda, silenced by elections (default true).
    public var campaigning: Located<Bool>?

    /// Creates a purpose.
    public init(id: Located<String>, label: Located<String>?) {
        self.id = id
        self.label = label
    }
}

/// The type of a custom contact field.
public enum ContactFieldType: String, Sendable, Hashable, CaseIterable {
    case shortText = "short_text"
    case singleResponse = "single_response"
    case checkbox
    case number
    case date
}

/// A custom contact field, usable in Liquid as `contact.<id>`.
public struct ContactField: Sendable, Hashable {
    /// The field id.
    public var id: Located<String>
    /// Its type.
    public var type: Located<ContactFieldType>?
    /// Its label.
    public var label: Located<String>?

    /// Creates a contact field.
    public init(id: Located<String>, type: Located<ContactFieldType>?, label: Located<String>?) {
        self.id = id
        self.type = type
        self.label = label
    }
}

/// A support level a contact can be put at.
public struct SupportLevel: Sendable, Hashable {
    /// The level id.
    public var id: Located<String>
    /// Its label.
    public var label: Located<String>?

    /// Creates a support level.
    public init(id: Located<String>, label: Located<String>?) {
        self.id = id
        self.label = label
    }

    /// The reference CRM's default level ids, used when the manifest declares none.
    public static let defaultIDs = ["oppose", "uncertain", "supporter", "strong_support", "donor", "team_member"]
}

/// A task of the task pipeline.
public struct TaskDefinition: Sendable, Hashable {
    /// The task id.
    public var id: Located<String>
    /// Its label.
    public var label: Located<String>?

    /// Creates a task.
    public init(id: Located<String>, label: Located<String>?) {
        self.id = id
        self.label = label
    }
}

/// A sample contact for previews: an id, an optional locale, and the `contact.*` values as written.
public struct SampleContact: Sendable, Hashable {
    /// The sample's id (`automail preview --sample ID`).
    public var id: Located<String>
    /// The contact's locale, if given.
    public var locale: Located<String>?
    /// The `contact:` mapping, as parsed.
    public var contact: YAMLNode?
}

/// `brand:` in `automail.yaml`: how the default layout looks.
public struct Brand: Sendable, Hashable {
    /// The brand colour, `#rrggbb` or `#rgb` (buttons, links, the card's top rule).
    public var color: Located<String>?
    /// The logo at the top of the card.
    public var logo: BrandLogo?
    /// A short line at the top of the card, plain text.
    public var header: Located<String>?
    /// The range of the `brand` mapping.
    public var range: SourceRange

    /// Creates brand settings.
    public init(color: Located<String>?, logo: BrandLogo?, header: Located<String>?, range: SourceRange) {
        self.color = color
        self.logo = logo
        self.header = header
        self.range = range
    }
}

/// `brand.logo`: an image URL (`https`), its alt text, and an optional width in pixels.
public struct BrandLogo: Sendable, Hashable {
    /// The image URL.
    public var url: Located<String>?
    /// The alt text, required: it is what a contact sees while images are blocked.
    public var alt: Located<String>?
    /// The width in CSS pixels.
    public var width: Located<Int>?
    /// The range of the `logo` mapping.
    public var range: SourceRange

    /// Creates a logo.
    public init(url: Located<String>?, alt: Located<String>?, width: Located<Int>?, range: SourceRange) {
        self.url = url
        self.alt = alt
        self.width = width
        self.range = range
    }
}
