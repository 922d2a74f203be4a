import Diagnostics

/// AM506: a domain of the workspace (a sending domain, a From or a Reply-To domain) that looks like
/// another one, or whose punycode decodes to a label mixing scripts.
///
/// Two domains look alike when their skeletons are equal (Unicode TR39 §4, restricted to the confusables
/// that matter for host names): punycode labels (`xn--`) are decoded, the text lowercased, Cyrillic and
/// Greek letters that look Latin mapped to that Latin letter, and the ASCII look-alikes `0`→`o`, `1`→`l`,
/// `rn`→`m`, `vv`→`w`, `cl`→`d` folded. `example.org` next to `examp1e.org` or `xn--exmple-4nf.org`
/// (`exаmple.org` with a Cyrillic `а`) is how a phishing From or Reply-To slips past review.
enum LookAlikeDomains {
    /// A domain and where the workspace names it.
    struct Occurrence {
        var domain: String
        var range: SourceRange?
        var role: String
    }

    static func check(_ occurrences: [Occurrence], into bag: inout DiagnosticBag) {
        var firstBySkeleton: [String: Occurrence] = [:]
        var reportedDomains: Set<String> = []
        for occurrence in occurrences {
            let domain = occurrence.domain.lowercased()
            let unicode = decodedDomain(domain)
            if let label = unicode.split(separator: ".").first(where: { isMixedScript($0) }),
                reportedDomains.insert(domain).inserted
            {
                bag.report(
                    .lookAlikeDomain,
                    "the \(occurrence.role) `\(domain)` reads `\(unicode)`, whose label `\(label)` mixes scripts",
                    at: occurrence.range,
                    help:
                        "use the domain you own as it is spelt; a label mixing Latin, Cyrillic or Greek is a homoglyph trick"
                )
                continue
            }
            let key = skeleton(unicode)
            if let first = firstBySkeleton[key] {
                if first.domain.lowercased() != domain, reportedDomains.insert(domain).inserted {
                    bag.report(
                        .lookAlikeDomain,
                        "the \(occurrence.role) `\(domain)` looks like the \(first.role) `\(first.domain.lowercased())`"
                            + (unicode != domain ? " (it reads `\(unicode)`)" : ""),
                        at: occurrence.range,
                        notes: [DiagnosticNote("`\(first.domain.lowercased())` is named here", at: first.range)],
                        help: "use the very same domain, or one that cannot be mistaken for it")
                }
            } else {
                firstBySkeleton[key] = occurrence
            }
        }
    }

    /// The domain with its `xn--` labels decoded (labels that fail to decode are kept as they are).
    static func decodedDomain(_ domain: String) -> String {
        domain.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            guard label.hasPrefix("xn--"), let decoded = Punycode.decode(String(label.dropFirst(4))) else {
                return String(label)
            }
            return decoded
        }.joined(separator: ".")
    }

    /// The TR39-style skeleton of a lowercased domain.
    static func skeleton(_ domain: String) -> String {
        var mapped = ""
        for scalar in domain.lowercased().unicodeScalars {
            if let latin = confusables[scalar.value] { mapped += latin } else { mapped.unicodeScalars.append(scalar) }
        }
        for (pair, single) in [("rn", "m"), ("vv", "w"), ("cl", "d")] {
            mapped = mapped.replacingAll(pair, with: single)
        }
        return mapped
    }

    /// Whether a label mixes Cyrillic or Greek letters with letters of another script.
    static func isMixedScript(_ label: Substring) -> Bool {
        let found = scripts(of: label)
        return found.count > 1 && (found.contains("Cyrillic") || found.contains("Greek"))
    }

    /// The scripts of the letters of a label: Latin, Cyrillic, Greek or other (digits and `-` have none).
    static func scripts(of label: Substring) -> Set<String> {
        var found: Set<String> = []
        for scalar in label.unicodeScalars where scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: found.insert("Latin")
            case 0x370...0x3FF, 0x1F00...0x1FFF: found.insert("Greek")
            case 0x400...0x52F: found.insert("Cyrillic")
            default: found.insert("other")
            }
        }
        return found
    }

    /// Letters that render like a Latin letter or digit, mapped to it (from Unicode's confusables.txt).
    static let confusables: [UInt32: String] = [
        // ASCII digits and letters that pass for others in most fonts.
        0x30: "o", 0x31: "l", 0x7C: "l",
        // Latin letters that look like plain ones.
        0x131: "i", 0x269: "i", 0x2113: "l", 0x261: "g", 0x251: "a", 0x1D0D: "m",
        // Cyrillic.
        0x430: "a", 0x435: "e", 0x43E: "o", 0x440: "p", 0x441: "c", 0x443: "y", 0x445: "x", 0x456: "i",
        0x458: "j", 0x501: "d", 0x455: "s", 0x4BB: "h", 0x51B: "q", 0x51D: "w", 0x4CF: "l", 0x432: "b",
        0x43D: "h", 0x442: "t", 0x43A: "k", 0x43C: "m", 0x491: "r", 0x44C: "b", 0x444: "o",
        // Greek.
        0x3B1: "a", 0x3BF: "o", 0x3C1: "p", 0x3BD: "v", 0x3B9: "i", 0x3BA: "k", 0x3C5: "u", 0x3C7: "x",
        0x3B5: "e", 0x3C4: "t", 0x3B7: "n", 0x3C9: "w", 0x3B3: "y", 0x3B2: "b",
    ]
}

extension String {
    /// The string with every non-overlapping occurrence of `target` replaced, left to right.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        let parts = self.components(separatedByString: target)
        return parts.joined(separator: replacement)
    }

    private func components(separatedByString separator: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var rest = Substring(self)
        while !rest.isEmpty {
            if rest.hasPrefix(separator) {
                parts.append(current)
                current = ""
                rest = rest.dropFirst(separator.count)
            } else {
                current.append(rest.removeFirst())
            }
        }
        parts.append(current)
        return parts
    }
}

/// RFC 3492 punycode decoding, for `xn--` labels.
enum Punycode {
    /// The Unicode label that `encoded` (without `xn--`) stands for, or `nil` when it is not valid punycode.
    static func decode(_ encoded: String) -> String? {
        let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
        var output: [Unicode.Scalar] = []
        let input = Array(encoded.unicodeScalars)
        guard input.count <= 63, input.allSatisfy(\.isASCII) else { return nil }
        var start = 0
        if let delimiter = input.lastIndex(of: "-") {
            output = Array(input[..<delimiter])
            start = delimiter + 1
        }
        var n = 128, i = 0, bias = 72
        var position = start
        while position < input.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < input.count else { return nil }
                let c = input[position].value
                position += 1
                let digit: Int
                switch c {
                case 0x30...0x39: digit = Int(c) - 22
                case 0x41...0x5A: digit = Int(c) - 0x41
                case 0x61...0x7A: digit = Int(c) - 0x61
                default: return nil
                }
                let (product, overflow) = digit.multipliedReportingOverflow(by: w)
                guard !overflow, i <= Int(Int32.max) - product else { return nil }
                i += product
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                let (next, overflowW) = w.multipliedReportingOverflow(by: base - t)
                guard !overflowW, next <= Int(Int32.max) else { return nil }
                w = next
                k += base
            }
            let count = output.count + 1
            var delta = oldI == 0 ? (i - oldI) / damp : (i - oldI) / 2
            delta += delta / count
            var kk = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                kk += base
            }
            bias = kk + (((base - tMin + 1) * delta) / (delta + skew))
            guard n <= 0x10FFFF - i / count else { return nil }
            n += i / count
            i %= count
            guard let scalar = Unicode.Scalar(UInt32(n)), output.count < 64 else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: output)
        return text
    }
}
