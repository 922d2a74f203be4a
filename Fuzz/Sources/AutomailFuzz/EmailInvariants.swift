import AutomailRuntime

/// What must hold of every email the runtime produces and of every `.eml` its writer makes, whatever the
/// event or the bundle: a broken one traps (``trap(_:)``), so that libFuzzer records the input. Checked
/// here independently of ``HeaderSafety`` where the rule is simple, and against it where it is the spec.
enum EmailInvariants {
    /// The header names the writer itself puts in every message, once each.
    static let fixedHeaders = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"]

    /// A message the evaluation decided to send: its header values hold no control, no line or
    /// paragraph separator, nothing ``HeaderSafety`` forbids; its To address is an addr-spec.
    static func checkSent(_ email: RenderedEmail, contactAddress: String?) {
        checkHeaderValue(email.subject, "subject")
        checkHeaderValue(email.to.name, "to.name")
        for header in email.headers { checkHeaderValue(header.value, "header \(header.name)") }
        if email.to.address != contactAddress { trap("the To address is not the contact's") }
        if !isAddrSpec(email.to.address) || !HeaderSafety.isAddress(email.to.address) {
            trap("the To address is not an addr-spec")
        }
    }

    /// A header value that reached a sent message.
    static func checkHeaderValue(_ value: String, _ field: String) {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: trap("\(field) holds the control U+\(hex(scalar.value))")
            default: if HeaderSafety.isForbidden(scalar) { trap("\(field) holds U+\(hex(scalar.value))") }
            }
        }
    }

    /// `local@domain`: one `@`, a local part of at most 64 and an address of at most 254 code points,
    /// nothing that ends or breaks an address in a header (white space, controls, `<>()[],;:"\`), dot
    /// atoms and dot labels without empty ones.
    static func isAddrSpec(_ address: String) -> Bool {
        // Code points, as the specification counts them, not characters: a combining mark after `@` makes
        // one character of the two, and the address still has its `@`.
        let scalars = Array(address.unicodeScalars)
        let parts = scalars.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, scalars.count <= 254 else { return false }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty else { return false }
        for scalar in address.unicodeScalars {
            if scalar.value <= 0x20 || (0x7F...0x9F).contains(scalar.value) { return false }
            if "<>()[],;:\"\\".unicodeScalars.contains(scalar) { return false }
            if scalar.properties.isWhitespace { return false }
        }
        let noEmpty: (ArraySlice<Unicode.Scalar>) -> Bool = { part in
            part.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty }
        }
        return noEmpty(local) && noEmpty(domain)
    }

    /// A `.eml` as ``EMLWriter`` writes it: CRLF line ends only, a header section whose every line is a
    /// folded continuation or `Name: value` with a name the writer or the template put there (no header
    /// added from a value: no injected `Bcc:`, no second `Subject:`), no control in it (a TAB only as
    /// folding white space), then the two parts inside the boundary, lines of at most 998 bytes.
    /// `templateHeaders`: the names the template declares (checked only when each is a field name).
    static func checkEML(_ bytes: [UInt8], templateHeaders: [String], hasReplyTo: Bool) {
        // CR only before LF, LF only after CR.
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D, index + 1 >= bytes.count || bytes[index + 1] != 0x0A { trap("a bare CR in the .eml") }
            if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { trap("a bare LF in the .eml") }
            if byte == 0x00 { trap("a NUL in the .eml") }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        guard let blank = lines.firstIndex(of: "") else { trap("the .eml has no end of headers") }
        var counts: [String: Int] = [:]
        var boundary: String?
        for line in lines[..<blank] {
            let scalars = Array(line.unicodeScalars)
            guard let first = scalars.first else { continue }
            for (offset, scalar) in scalars.enumerated() {
                let value = scalar.value
                if value == 0x09, offset == 0 { continue }
                if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                    trap("a header line holds the control U+\(hex(value))")
                }
            }
            if first == " " || first == "\t" { continue }
            guard let colon = line.firstIndex(of: ":") else { trap("a header line that is neither a field nor folded") }
            let name = String(line[..<colon])
            if !isFieldName(name) { trap("a header line whose name is not a field name") }
            counts[name, default: 0] += 1
            if name == "Content-Type", let range = line.range(of: "boundary=\"") {
                boundary = String(line[range.upperBound...].prefix { $0 != "\"" })
            }
        }
        if templateHeaders.allSatisfy(isFieldName), Set(templateHeaders).isDisjoint(with: fixedHeaders + ["Reply-To"]) {
            var expected = Dictionary(uniqueKeysWithValues: fixedHeaders.map { ($0, 1) })
            if hasReplyTo { expected["Reply-To"] = 1 }
            for name in templateHeaders { expected[name, default: 0] += 1 }
            if counts != expected { trap("the header fields are not those written: \(counts.keys.sorted())") }
        }
        guard let boundary, !boundary.isEmpty else { trap("no MIME boundary") }
        let body = lines[(blank + 1)...]
        if body.filter({ $0 == "--" + boundary }).count != 2 { trap("a MIME boundary line in a part") }
        if body.filter({ $0 == "--" + boundary + "--" }).count != 1 { trap("the closing boundary is not once") }
        if lines.contains(where: { $0.utf8.count > 998 }) { trap("a line over 998 bytes") }
    }

    /// RFC 5322 `field-name`: one or more printable ASCII characters other than `:`.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
    }

    /// What `simulate` prints (human format): no control but TAB and LF, no C1 or bidirectional control,
    /// so an event cannot write an escape sequence to a terminal.
    static func checkTerminal(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A: continue
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                trap("the report holds U+\(hex(scalar.value))")
            default: continue
            }
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
