import Diagnostics
import YAMLSource

/// Every diagnostic code automail can report. Codes are stable: a code never changes meaning.
///
/// Ranges: `AM0xx` workspace files, `AM1xx` YAML, `AM2xx` structure (decoding), `AM3xx` references
/// and ids, `AM4xx` legal footer and consent, `AM5xx` senders and headers, `AM6xx` templates and
/// Liquid, `AM7xx` triggers, `AM8xx` suppression comments (`# automail: ignore CODE — reason`).
public extension DiagnosticCode {
    // Workspace files
    static let notAWorkspace: DiagnosticCode = "AM001"
    static let unreadableFile: DiagnosticCode = "AM002"
    static let misnamedFile: DiagnosticCode = "AM003"
    static let workspaceTooLarge: DiagnosticCode = "AM004"

    // YAML: AM101–AM111 are declared in YAMLSource (`yamlSyntax` … `yamlComplexKey`).
    /// A file larger than the configured limit (AM110, also reported by the loader).
    static let fileTooLarge: DiagnosticCode = .yamlFileTooLarge
    /// An invisible or bidirectional-control character (AM112, also reported for header values).
    static let hiddenCharacter: DiagnosticCode = .yamlHiddenCharacter

    // Structure
    static let unknownKey: DiagnosticCode = "AM201"
    static let missingKey: DiagnosticCode = "AM202"
    static let wrongType: DiagnosticCode = "AM203"
    static let malformedID: DiagnosticCode = "AM204"
    static let invalidValue: DiagnosticCode = "AM205"
    static let malformedLocale: DiagnosticCode = "AM206"
    static let malformedDuration: DiagnosticCode = "AM207"
    static let emptyValue: DiagnosticCode = "AM208"
    static let triggerEventShape: DiagnosticCode = "AM209"
    static let malformedAnswerPath: DiagnosticCode = "AM210"
    static let answersShape: DiagnosticCode = "AM211"
    static let purposesShape: DiagnosticCode = "AM212"

    // References and ids
    static let unknownTemplate: DiagnosticCode = "AM301"
    static let unknownSender: DiagnosticCode = "AM302"
    static let unknownQuestionnaire: DiagnosticCode = "AM303"
    static let unknownQuestion: DiagnosticCode = "AM304"
    static let unknownAnswer: DiagnosticCode = "AM305"
    static let unknownSupportLevel: DiagnosticCode = "AM306"
    static let unknownTask: DiagnosticCode = "AM307"
    static let unknownPurpose: DiagnosticCode = "AM308"
    static let duplicateID: DiagnosticCode = "AM310"
    static let questionCannotCarryEmail: DiagnosticCode = "AM320"

    // Legal footer and consent
    static let footerMissingUnsubscribe: DiagnosticCode = "AM401"
    static let footerMissingPublisher: DiagnosticCode = "AM402"
    static let footerMissingPostalAddress: DiagnosticCode = "AM403"
    static let footerMissingPrivacyLink: DiagnosticCode = "AM404"
    static let footerMissingDataOrigin: DiagnosticCode = "AM405"
    static let missingFooter: DiagnosticCode = "AM406"
    static let missingDataOrigin: DiagnosticCode = "AM407"
    static let insecurePrivacyURL: DiagnosticCode = "AM408"
    static let missingPurpose: DiagnosticCode = "AM410"
    static let purposeWithoutPurposeMode: DiagnosticCode = "AM411"

    // Senders and headers
    static let invalidAddress: DiagnosticCode = "AM501"
    static let unverifiedFromDomain: DiagnosticCode = "AM502"
    static let headerInjection: DiagnosticCode = "AM503"
    static let noreplyReplyTo: DiagnosticCode = "AM504"
    static let invalidSendingDomain: DiagnosticCode = "AM505"
    static let lookAlikeDomain: DiagnosticCode = "AM506"
    static let addressInDisplayName: DiagnosticCode = "AM507"
    /// A reserved example domain or an `automail init` placeholder that would reach a contact: a warning
    /// for `check`, an error for `build`.
    static let placeholderValue: DiagnosticCode = "AM508"

    // Templates and Liquid
    static let missingLocale: DiagnosticCode = "AM601"
    static let undeclaredLocale: DiagnosticCode = "AM602"
    static let emptySubject: DiagnosticCode = "AM603"
    static let liquidSyntax: DiagnosticCode = "AM605"
    static let unsupportedLiquid: DiagnosticCode = "AM606"
    static let unknownVariable: DiagnosticCode = "AM607"
    static let rawHTML: DiagnosticCode = "AM608"
    static let unsafeLink: DiagnosticCode = "AM609"
    static let emptyLink: DiagnosticCode = "AM610"
    static let imageWithoutAlt: DiagnosticCode = "AM611"
    static let subjectTooLong: DiagnosticCode = "AM612"
    static let bodyRendersEmpty: DiagnosticCode = "AM613"
    static let untranslatedLocale: DiagnosticCode = "AM614"
    static let unknownLayout: DiagnosticCode = "AM615"
    static let layoutSlots: DiagnosticCode = "AM616"
    static let unsafeLayoutHTML: DiagnosticCode = "AM617"
    static let listFieldPrinted: DiagnosticCode = "AM618"
    static let markdownTooComplex: DiagnosticCode = "AM620"
    static let reservedNameAssigned: DiagnosticCode = "AM621"
    static let liquidBlocksAcrossMarkdown: DiagnosticCode = "AM622"
    static let brandColorContrast: DiagnosticCode = "AM625"
    static let insecureLogoURL: DiagnosticCode = "AM626"
    static let brandColorDarkContrast: DiagnosticCode = "AM627"

    // Triggers
    static let duplicateBinding: DiagnosticCode = "AM701"
    static let priorityTie: DiagnosticCode = "AM702"
    static let unusedTemplate: DiagnosticCode = "AM703"

    // Suppression comments
    static let suppressionWithoutReason: DiagnosticCode = "AM801"
    static let unusedSuppression: DiagnosticCode = "AM802"
    static let unknownSuppressedCode: DiagnosticCode = "AM803"
    static let unsuppressibleCode: DiagnosticCode = "AM804"
    static let malformedSuppression: DiagnosticCode = "AM805"

    // AM9xx: when an email may go out (timing, issue 18).
    static let unknownTimeZone: DiagnosticCode = "AM901"
    static let emptyTimeWindow: DiagnosticCode = "AM902"
    static let overlappingBlackouts: DiagnosticCode = "AM903"
    static let lifetimeEnded: DiagnosticCode = "AM904"
    static let pastElection: DiagnosticCode = "AM905"
    static let delayInQuietHours: DiagnosticCode = "AM906"
    static let silenceExemptionWithoutReason: DiagnosticCode = "AM907"
}
