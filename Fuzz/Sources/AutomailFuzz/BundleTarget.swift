import AutomailRuntime
import BundleFormat
import BundleModel
import Foundation
import Liquid

/// The `bundle` target: the bytes as a bundle file, through the runtime's reader as `simulate --bundle`
/// reads it (strict JSON, format, digest, then every member), once without a key and once with the
/// conformance test key (the signature check). The digest stops nearly every mutation, so the content is
/// also read without it (``RuntimeBundle/init(content:)``, as the compiler hands its own bundle over),
/// and when it reads, its first templates are rendered in each of their locales for a plain and for a
/// hostile contact and written as `.eml`, which must keep its structure
/// (``EmailInvariants/checkEML(_:templateHeaders:hasReplyTo:)``): the writer is the last guard.
enum BundleTarget {
    nonisolated(unsafe) static var key: BundlePublicKey?

    /// At most this many renderings an input.
    static let renderLimit = 12

    /// The contacts rendered: plain, then one whose every value tries to break a header.
    static let contacts: [(fields: [String: LiquidValue], unsubscribe: String)] = [
        (
            ["firstname": .string("Camille"), "surname": .string("Lefèvre"), "mail": .string("camille@example.org")],
            "https://example.org/u?c=1"
        ),
        (
            [
                "firstname": .string("Eve\r\nBcc: victim@example.org"),
                "surname": .string("\u{202E}\u{0}\u{85}=?UTF-8?B?QQ==?="),
                "mail": .string("eve@example.org\r\nBcc: victim@example.org"),
            ],
            "https://example.org/u\r\nBcc: x@example.org"
        ),
    ]

    /// Reads the conformance test key.
    static func prepare() {
        let root = ProcessInfo.processInfo.environment["AUTOMAIL_FUZZ_ROOT"] ?? "."
        let path = root + "/conformance/keys/test-key.pub"
        guard let data = FileManager.default.contents(atPath: path),
            let publicKey = try? BundlePublicKey(pem: String(decoding: data, as: UTF8.self))
        else {
            FileHandle.standardError.write(Data("automail-fuzz: cannot read the key `\(path)`\n".utf8))
            exit(2)
        }
        key = publicKey
    }

    /// Runs one input.
    static func run(_ bytes: [UInt8]) {
        let loaded = try? RuntimeBundle.load(bytes)
        let signed = try? RuntimeBundle.load(bytes, publicKey: key)
        if signed != nil, loaded == nil { trap("a bundle verified with a key but not without one") }
        guard case .object(let members)? = try? JSONParser().parse(bytes),
            let content = try? RuntimeBundle(content: members)
        else {
            if loaded != nil { trap("a bundle loaded but its content does not read") }
            return
        }
        var renderings = 0
        for id in content.templates.keys.sorted() {
            guard let template = content.templates[id] else { continue }
            for locale in template.locales.keys.sorted() {
                for contact in contacts {
                    guard renderings < renderLimit else { return }
                    renderings += 1
                    guard
                        let email = try? content.render(
                            template: id, locale: locale, contact: contact.fields, unsubscribeURL: contact.unsubscribe)
                    else { continue }
                    let eml = EMLWriter.write(email, date: 1_772_474_400)
                    EmailInvariants.checkEML(
                        eml, templateHeaders: email.headers.map { singleLine($0.name) },
                        hasReplyTo: email.replyTo != nil)
                }
            }
        }
    }

    /// A header name as the writer writes it (its controls as spaces).
    static func singleLine(_ value: String) -> String {
        String(
            String.UnicodeScalarView(
                value.unicodeScalars.map {
                    switch $0.value {
                    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: " "
                    default: $0
                    }
                }))
    }
}
