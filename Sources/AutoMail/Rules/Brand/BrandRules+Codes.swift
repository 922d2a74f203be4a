import Diagnostics

/// AM625–AM627: the brand (colours, logo).
public extension DiagnosticCode {
    /// `AM625`: the brand colour does not contrast enough with white.
    static let brandColorContrast: DiagnosticCode = "AM625"
    /// `AM626`: the brand logo is not loaded over `https`.
    static let insecureLogoURL: DiagnosticCode = "AM626"
    /// `AM627`: the brand colour does not stand out from the dark-mode card.
    static let brandColorDarkContrast: DiagnosticCode = "AM627"
}
