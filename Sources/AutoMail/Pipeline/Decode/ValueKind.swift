import Diagnostics
import YAMLSource

/// Where a value was read, for diagnostics: its key. (It held the key's range and the mapping's name too,
/// which no message read: two more references retained and released for every value read.)
struct Field {
    /// The key the value belongs to (for list items, the list's key).
    var key: String
}

/// How to read one scalar value of the format (an id, a locale, a duration…), reporting what is
/// wrong with it. `decode` is only called with non-null nodes: the reader handles absence and null.
struct ValueKind<Value> {
    /// What the value is, with its article, for "expected … for `key`" (`an id`, `a string`).
    var noun: String
    /// A value to show in help lines (`my-id`).
    var example: String
    /// Reads the value; returns `nil` when it cannot be used (a diagnostic has been reported).
    var decode: (YAMLNode, Field, inout DiagnosticBag) -> Value?

    /// The scalar's text, or `nil` after reporting AM203 when the node is a mapping or sequence.
    static func scalarText(
        _ node: YAMLNode, _ field: Field, noun: String, example: String,
        into bag: inout DiagnosticBag
    ) -> String? {
        if let scalar = node.scalar { return scalar.text }
        bag.report(
            .wrongType, "expected \(noun) for `\(field.key)`, found \(article(node.kindDescription))",
            at: node.range, help: "write `\(field.key): \(example)`")
        return nil
    }

    /// Whether every Character of `text` is whitespace (`text.allSatisfy(\.isWhitespace)`, the definition,
    /// which `DecodingDifferentialTests` holds this to). A text starting with a printable ASCII byte other
    /// than the space is not: its first Character's first scalar is that byte's, which is no whitespace,
    /// whatever follows it. Most values (names, labels) are told so without walking their Characters.
    static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.allSatisfy(\.isWhitespace)
    }

    /// `a mapping`, `a number`, `null`.
    static func article(_ kind: String) -> String {
        kind == "null" ? "null" : "a \(kind)"
    }
}

extension ValueKind where Value == Located<String> {
    /// Any scalar, taken as its text (a plain `2026` is the text `2026`); empty text is refused (AM208).
    static var string: ValueKind { string(example: "some text") }

    /// Any scalar, taken as its text; `example` is shown in help lines.
    static func string(example: String) -> ValueKind {
        ValueKind(noun: "a string", example: example) { node, field, bag in
            guard let text = scalarText(node, field, noun: "a string", example: example, into: &bag) else { return nil }
            guard !isBlank(text) else {
                bag.report(
                    .emptyValue, "empty value for `\(field.key)`", at: node.range,
                    help: "write `\(field.key): \(example)`")
                return nil
            }
            return Located(text, at: node.range)
        }
    }

    /// An id (`^[a-z0-9][a-z0-9_-]{0,63}$`); a malformed id is reported (AM204) and kept as written.
    static var id: ValueKind { id(example: "my-id") }

    /// An id; `example` is shown in help lines.
    static func id(example: String) -> ValueKind {
        ValueKind(noun: "an id", example: example) { node, field, bag in
            guard let text = scalarText(node, field, noun: "an id", example: example, into: &bag) else { return nil }
            checkID(text, at: node.range, key: field.key, into: &bag)
            return Located(text, at: node.range)
        }
    }

    /// A locale (`fr`, `pt-BR`); a malformed locale is reported (AM206) and kept as written.
    static var locale: ValueKind {
        ValueKind(noun: "a locale", example: "fr") { node, field, bag in
            guard let text = scalarText(node, field, noun: "a locale", example: "fr", into: &bag) else { return nil }
            checkLocale(text, at: node.range, key: field.key, into: &bag)
            return Located(text, at: node.range)
        }
    }

    /// What a reference under each key names, for "refer to the … by its id" (keys not listed are ids
    /// of their own, or references that are never file names).
    static let referenceNouns: [String: String] = [
        "template": "template", "sender": "sender", "default_sender": "sender", "purpose": "consent purpose",
        "task": "task", "support_level": "support level",
    ]

    /// Reports AM204 when `text` is not a valid id. `refersTo` names what the value refers to when the
    /// key alone does not say (the questionnaire part of an answer path).
    static func checkID(
        _ text: String, at range: SourceRange, key: String, refersTo: String? = nil, into bag: inout DiagnosticBag
    ) {
        guard !Syntax.isValidID(text) else { return }
        // `sender: team@lyon.fr`, the sender's address where its id goes: the reference rules report it,
        // knowing which sender has that address (`ReferenceRules.senderWrittenAsAddress`).
        if (refersTo ?? referenceNouns[key]) == "sender", text.contains("@") { return }
        let rule =
            "ids use lowercase letters, digits, `_` and `-`, start with a letter or digit and have at most 64 characters"
        let help: String
        if let id = Syntax.idFromFileName(text) {
            // A file name where an id goes (`template: call-back.yaml`): the id is the fix, not a mangled
            // file name (`call-back-yaml`).
            if let noun = refersTo ?? referenceNouns[key] {
                help = "refer to the \(noun) by its id, not its file name: write `\(id)`"
            } else {
                help = "an id is a name, not a file name: write `\(id)`"
            }
        } else {
            help = Syntax.suggestedID(for: text).map { "\(rule): try `\($0)`" } ?? rule
        }
        bag.report(.malformedID, "malformed id `\(text)` for `\(key)`", at: range, help: help)
    }

    /// Reports AM206 when `text` is not a valid locale.
    static func checkLocale(_ text: String, at range: SourceRange, key: String, into bag: inout DiagnosticBag) {
        guard !Syntax.isValidLocale(text) else { return }
        let rule = "locales are a lowercase language code with an optional uppercase region, like `fr` or `pt-BR`"
        let help = Syntax.suggestedLocale(for: text).map { "\(rule): try `\($0)`" } ?? rule
        bag.report(.malformedLocale, "malformed locale `\(text)` in `\(key)`", at: range, help: help)
    }
}

extension ValueKind where Value == SourceText {
    /// A text that may hold Liquid or Markdown: any scalar, kept with its node.
    static var text: ValueKind { text(example: "Hello {{ contact.firstname }}") }

    /// A Liquid text; `example` is shown in help lines.
    static func text(example: String) -> ValueKind {
        ValueKind(noun: "a string", example: example) { node, field, bag in
            // The scalar is kept as it is: a block scalar's text is decoded only when a later stage reads it.
            guard let scalar = node.scalar else {
                _ = scalarText(node, field, noun: "a string", example: example, into: &bag)
                return nil
            }
            return SourceText(scalar: scalar, node: node)
        }
    }
}

extension ValueKind where Value == Located<Int> {
    /// An integer in `bounds` (AM203 when not an integer, AM205 when out of bounds).
    static func integer(in bounds: ClosedRange<Int>, example: String) -> ValueKind {
        // Built for every read, present or not: the help is made only when it is reported.
        var help: String { "use a whole number from \(bounds.lowerBound) to \(bounds.upperBound)" }
        return ValueKind(noun: "an integer", example: example) { node, field, bag in
            switch node.value {
            case .int(let number)?:
                guard bounds.contains(number) else {
                    bag.report(
                        .invalidValue, "invalid value `\(number)` for `\(field.key)`", at: node.range, help: help)
                    return nil
                }
                return Located(number, at: node.range)
            case .float?:
                let text = node.scalar?.text ?? ""
                bag.report(.invalidValue, "invalid value `\(text)` for `\(field.key)`", at: node.range, help: help)
                return nil
            default:
                bag.report(
                    .wrongType, "expected an integer for `\(field.key)`, found \(article(node.kindDescription))",
                    at: node.range, help: "write `\(field.key): \(example)`")
                return nil
            }
        }
    }

    /// A duration `<n>m`, `<n>h` or `<n>d`, in seconds, at most 365 days (AM207 otherwise).
    static var duration: ValueKind {
        ValueKind(noun: "a duration", example: "2h") { node, field, bag in
            guard let text = scalarText(node, field, noun: "a duration", example: "2h", into: &bag) else { return nil }
            switch Syntax.duration(text) {
            case .seconds(let seconds):
                return Located(seconds, at: node.range)
            case .malformed:
                reportMalformedDuration(text, at: node.range, key: field.key, extra: nil, into: &bag)
            case .tooLong:
                reportTooLongDuration(text, at: node.range, key: field.key, into: &bag)
            }
            return nil
        }
    }

    /// Reports AM207 for a duration that does not match the format.
    static func reportMalformedDuration(
        _ text: String, at range: SourceRange, key: String, extra: String?,
        into bag: inout DiagnosticBag
    ) {
        let forms = extra.map { "\($0) or " } ?? ""
        bag.report(
            .malformedDuration, "malformed duration `\(text)` for `\(key)`", at: range,
            help:
                "write \(forms)a whole number followed by `m` (minutes), `h` (hours) or `d` (days), like `30m`, `2h` or `7d`"
        )
    }

    /// Reports AM207 for a duration longer than 365 days.
    static func reportTooLongDuration(_ text: String, at range: SourceRange, key: String, into bag: inout DiagnosticBag)
    {
        bag.report(
            .malformedDuration, "duration `\(text)` for `\(key)` is longer than 365 days", at: range,
            help: "use at most `365d`")
    }
}

extension ValueKind where Value == Located<OncePerContact> {
    /// `forever` or a positive duration (AM207 otherwise).
    static var oncePerContact: ValueKind {
        ValueKind(noun: "a duration", example: "30d") { node, field, bag in
            guard let text = scalarText(node, field, noun: "a duration", example: "30d", into: &bag) else { return nil }
            if text == "forever" { return Located(.forever, at: node.range) }
            switch Syntax.duration(text) {
            case .seconds(let seconds) where seconds > 0:
                return Located(.window(seconds: seconds), at: node.range)
            case .seconds:
                bag.report(
                    .malformedDuration, "empty window `\(text)` for `\(field.key)`", at: node.range,
                    help: "use `forever` or a window of at least `1m`, or remove `\(field.key)`")
            case .malformed:
                ValueKind<Located<Int>>.reportMalformedDuration(
                    text, at: node.range, key: field.key, extra: "`forever`", into: &bag)
            case .tooLong:
                ValueKind<Located<Int>>.reportTooLongDuration(text, at: node.range, key: field.key, into: &bag)
            }
            return nil
        }
    }
}

/// An enumeration of the format whose raw values are what users write.
protocol FormatEnum: RawRepresentable<String>, CaseIterable, Sendable {}

extension ConsentMode: FormatEnum {}
extension QuestionType: FormatEnum {}
extension ContactFieldType: FormatEnum {}

extension ValueKind {
    /// One of `E`'s raw values (AM205 with a suggestion and the allowed list otherwise).
    static func oneOf<E: FormatEnum>(_ type: E.Type) -> ValueKind where Value == Located<E> {
        // Built for every read, present or not: the lists for messages are made only when one is reported.
        let example = E.allCases.first?.rawValue ?? ""
        return ValueKind(noun: "a string", example: example) { node, field, bag in
            guard let text = scalarText(node, field, noun: "a string", example: example, into: &bag) else { return nil }
            if let value = E(rawValue: text) { return Located(value, at: node.range) }
            let allowed = E.allCases.map(\.rawValue)
            let list = allowed.map { "`\($0)`" }.joined(separator: ", ")
            let normalized = text.lowercased().replacingOccurrences(of: "-", with: "_")
                .replacingOccurrences(of: " ", with: "_")
            let suggestion = E(rawValue: normalized)?.rawValue ?? DidYouMean.suggestion(for: text, among: allowed)
            let help = suggestion.map(DidYouMean.help(suggesting:)) ?? "use one of \(list)"
            let notes = suggestion == nil ? [] : [DiagnosticNote("`\(field.key)` is one of \(list)")]
            bag.report(
                .invalidValue, "invalid value `\(text)` for `\(field.key)`", at: node.range, notes: notes, help: help)
            return nil
        }
    }
}
