#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A colour as `#rrggbb`, with the WCAG 2 relative luminance and contrast ratio.
public struct RGBColor: Sendable, Hashable {
    /// Red, green and blue, 0–255.
    public var red: Int, green: Int, blue: Int

    /// Creates a colour from its components (clamped to 0–255).
    public init(red: Int, green: Int, blue: Int) {
        self.red = min(255, max(0, red))
        self.green = min(255, max(0, green))
        self.blue = min(255, max(0, blue))
    }

    /// Reads `#rgb` or `#rrggbb` (case-insensitive); `nil` for anything else.
    public init?(hex: String) {
        guard hex.hasPrefix("#") else { return nil }
        let digits = Array(hex.utf8.dropFirst())
        func value(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
            default: nil
            }
        }
        let values = digits.compactMap(value)
        guard values.count == digits.count else { return nil }
        switch values.count {
        case 3: self.init(red: values[0] * 17, green: values[1] * 17, blue: values[2] * 17)
        case 6:
            self.init(
                red: values[0] * 16 + values[1], green: values[2] * 16 + values[3], blue: values[4] * 16 + values[5])
        default: return nil
        }
    }

    /// `#rrggbb`, lowercase.
    public var hex: String {
        func digit(_ value: Int) -> UInt8 { Self.hexDigits[min(255, max(0, value)) >> 4] }
        func lowDigit(_ value: Int) -> UInt8 { Self.hexDigits[min(255, max(0, value)) & 0xF] }
        return String(
            decoding: [
                UInt8(ascii: "#"), digit(red), lowDigit(red), digit(green), lowDigit(green),
                digit(blue), lowDigit(blue),
            ], as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The WCAG 2 relative luminance, 0 (black) to 1 (white).
    public var luminance: Double {
        func channel(_ value: Int) -> Double {
            let c = Double(value) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// The WCAG 2 contrast ratio between two colours, 1 to 21.
    public static func contrast(_ a: RGBColor, _ b: RGBColor) -> Double {
        let (x, y) = (a.luminance, b.luminance)
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    /// This colour mixed with `other`, `amount` of the way (0 to 1).
    public func mixed(with other: RGBColor, _ amount: Double) -> RGBColor {
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * amount).rounded()) }
        return RGBColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }
}

/// The brand settings of a workspace (`brand:` in `automail.yaml`), as the default layout uses them.
public struct EmailBrand: Sendable, Hashable {
    /// The brand colour: buttons, links, the card's top rule and the header line.
    public var color: RGBColor
    /// The logo, if any.
    public var logo: EmailLogo?
    /// A short line above the content (the campaign's name, a slogan), plain text.
    public var header: String?

    /// The brand colour when the manifest gives none.
    public static let defaultColor = RGBColor(red: 0x25, green: 0x63, blue: 0xeb)
    /// The logo width when the manifest gives none.
    public static let defaultLogoWidth = 120
    /// The widest logo: the content column.
    public static let maximumLogoWidth = 520

    /// Creates brand settings.
    public init(color: RGBColor = EmailBrand.defaultColor, logo: EmailLogo? = nil, header: String? = nil) {
        self.color = color
        self.header = header
        self.logo = logo
    }

    /// No brand settings: automail's default colour, no logo, no header line.
    public static let standard = EmailBrand()
}

/// A logo at the top of the card: an `https` URL, its alt text (shown when images are blocked) and its
/// width in CSS pixels.
public struct EmailLogo: Sendable, Hashable {
    /// The image URL (`https`).
    public var url: String
    /// The alt text.
    public var alt: String
    /// The width in CSS pixels.
    public var width: Int

    /// Creates a logo.
    public init(url: String, alt: String, width: Int = EmailBrand.defaultLogoWidth) {
        self.url = url
        self.alt = alt
        self.width = width
    }
}

/// The default layout's colour table and inline styles: one place for every colour an email uses.
///
/// Light colours are inline (every client reads them); dark ones are `prefers-color-scheme: dark`
/// overrides in the head (Apple Mail, Outlook for Mac, iOS). Text colours meet WCAG AA (4.5:1) on their
/// background in both schemes; ``EmailTheme/check(brand:)`` holds the brand colour to the same bar.
public struct EmailTheme: Sendable, Hashable {
    /// The brand the theme is made for.
    public let brand: EmailBrand

    /// Page, card, text and footer colours, light.
    public static let page = RGBColor(hex: "#f4f4f5") ?? .init(red: 244, green: 244, blue: 245)
    public static let card = RGBColor(red: 255, green: 255, blue: 255)
    public static let text = RGBColor(red: 0x1f, green: 0x29, blue: 0x37)
    public static let heading = RGBColor(red: 0x11, green: 0x18, blue: 0x27)
    public static let muted = RGBColor(red: 0x4b, green: 0x55, blue: 0x63)
    /// Footer text and links on the page colour: 7.0:1.
    public static let footer = RGBColor(red: 0x52, green: 0x52, blue: 0x5b)
    public static let rule = RGBColor(red: 0xe5, green: 0xe7, blue: 0xeb)
    public static let codeBackground = RGBColor(red: 0xf3, green: 0xf4, blue: 0xf6)
    /// Page, card, text and footer colours, dark.
    public static let darkPage = RGBColor(red: 0x11, green: 0x11, blue: 0x13)
    public static let darkCard = RGBColor(red: 0x1f, green: 0x1f, blue: 0x23)
    public static let darkText = RGBColor(red: 0xec, green: 0xec, blue: 0xf1)
    public static let darkMuted = RGBColor(red: 0xc4, green: 0xc4, blue: 0xcc)
    /// Footer text on the dark page: 7.3:1.
    public static let darkFooter = RGBColor(red: 0xa1, green: 0xa1, blue: 0xaa)
    public static let darkRule = RGBColor(red: 0x3f, green: 0x3f, blue: 0x46)
    public static let darkCodeBackground = RGBColor(red: 0x2a, green: 0x2a, blue: 0x30)
    /// The text on a button.
    public static let buttonText = RGBColor(red: 255, green: 255, blue: 255)

    /// The smallest contrast for text (WCAG 2 AA, 1.4.3).
    public static let textContrast = 4.5
    /// The smallest contrast of a button's edge with the card around it (WCAG 2 AA, 1.4.11).
    public static let shapeContrast = 3.0

    /// The font stacks.
    public static let fontStack = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    static let monoStack = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace"

    /// Creates the theme of `brand`.
    public init(brand: EmailBrand = .standard) {
        self.brand = brand
    }

    /// Links and the header line in dark mode: the brand colour lightened until it reads on the dark card.
    public var darkLink: RGBColor {
        var step = 0.0
        var color = brand.color
        while RGBColor.contrast(color, Self.darkCard) < Self.textContrast, step < 1 {
            step += 0.1
            color = brand.color.mixed(with: Self.card, step)
        }
        return color
    }

    /// What is wrong with `brand`'s colour: a contrast under `minimum` against `background`.
    public struct ContrastProblem: Sendable, Hashable {
        /// What the colour is measured against (`white`, `the dark card`).
        public var against: String
        /// The ratio measured.
        public var ratio: Double
        /// The ratio required.
        public var minimum: Double
    }

    /// The brand colour's contrast problems: white button text (and links on the white card) need
    /// 4.5:1; the button must stand out from the dark card by 3:1.
    public static func check(color: RGBColor) -> [ContrastProblem] {
        var problems: [ContrastProblem] = []
        let onWhite = RGBColor.contrast(color, Self.card)
        if onWhite < textContrast { problems.append(.init(against: "white", ratio: onWhite, minimum: textContrast)) }
        let onDark = RGBColor.contrast(color, Self.darkCard)
        if onDark < shapeContrast {
            problems.append(.init(against: "the dark card \(Self.darkCard.hex)", ratio: onDark, minimum: shapeContrast))
        }
        return problems
    }
}
