import Diagnostics
import MailRendering

/// AM625–AM627: the brand settings of the default layout (`brand:` in `automail.yaml`). The
/// brand colour fills buttons under white text and colours links on the white card, so it needs
/// 4.5:1 against white; a button must stand out from the dark-mode card by 3:1. A logo is loaded
/// from an `https` URL (a mail client blocks or flags others).
enum BrandRules {
    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let brand = workspace.manifest?.brand else { return }
        if let written = brand.color, let color = RGBColor(hex: written.value) {
            for problem in EmailTheme.check(color: color) {
                let ratio = (problem.ratio * 100).rounded(.down) / 100
                if problem.minimum == EmailTheme.textContrast {
                    bag.report(
                        .brandColorContrast,
                        "brand colour `\(written.value)` has a contrast of \(ratio):1 against white, under the 4.5:1 that white button text and links on the white card need",
                        at: written.range, help: "use a darker shade of the colour (for example `\(darker(color).hex)`)"
                    )
                } else {
                    bag.report(
                        .brandColorDarkContrast,
                        "brand colour `\(written.value)` has a contrast of \(ratio):1 against the dark card \(EmailTheme.darkCard.hex), under 3:1: in dark mode, buttons get a light outline to stand out",
                        at: written.range,
                        help: lighter(color).map {
                            "keep it, or use `\($0.hex)`, a lighter shade that needs no outline and still carries white text"
                        }
                            ?? "keep it: no shade of this colour both carries white text and stands out from the dark card"
                    )
                }
            }
        }
        if let url = brand.logo?.url, !url.value.lowercased().hasPrefix("https://") {
            bag.report(
                .insecureLogoURL, "the logo URL `\(url.value)` is not an `https://` URL", at: url.range,
                help: "serve the logo over HTTPS: mail clients block or flag images loaded over plain HTTP")
        }
    }

    /// The colour darkened until it reads under white text.
    static func darker(_ color: RGBColor) -> RGBColor {
        var result = color
        var step = 0.0
        while RGBColor.contrast(result, EmailTheme.card) < EmailTheme.textContrast, step < 1 {
            step += 0.05
            result = color.mixed(with: RGBColor(red: 0, green: 0, blue: 0), step)
        }
        return result
    }

    /// The colour lightened until it stands out from the dark card, if white text still reads on it then.
    static func lighter(_ color: RGBColor) -> RGBColor? {
        var step = 0.0
        while step < 1 {
            step += 0.02
            let candidate = color.mixed(with: EmailTheme.card, step)
            if RGBColor.contrast(candidate, EmailTheme.darkCard) >= EmailTheme.shapeContrast {
                return EmailTheme.check(color: candidate).isEmpty ? candidate : nil
            }
        }
        return nil
    }
}

extension Manifest {
    /// The default layout's theme: the brand settings that are valid (a malformed colour or an
    /// insecure logo has its error; the default stands in).
    public var emailTheme: EmailTheme {
        guard let brand else { return EmailTheme() }
        var settings = EmailBrand()
        if let color = brand.color.flatMap({ RGBColor(hex: $0.value) }) { settings.color = color }
        if let logo = brand.logo, let url = logo.url?.value, url.lowercased().hasPrefix("https://"),
            let alt = logo.alt?.value
        {
            settings.logo = EmailLogo(url: url, alt: alt, width: logo.width?.value ?? EmailBrand.defaultLogoWidth)
        }
        settings.header = brand.header?.value
        return EmailTheme(brand: settings)
    }
}
