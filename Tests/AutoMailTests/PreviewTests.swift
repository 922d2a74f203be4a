@testable import AutoMail
import AutomailReview
import AutomailRuntime
import BundleFormat
import BundleModel
import Diagnostics
import Foundation
import Liquid
import Testing

/// The preview is what the contact receives: checked by independent tools (python-liquid renders the
/// bundle as a sender would and must give the same bytes; Python's `email` package parses the .eml;
/// `html.parser` parses the HTML), and a few properties checked here.
struct PreviewTests {
    /// Contacts every example is rendered for: the workspace's samples or placeholders, one whose
    /// values hold every character HTML escaping touches, and one with no first name.
    static func contacts(for result: CompilationResult, bundle: JSONValue) -> [PreviewContact] {
        let samples = PreviewContact.samples(of: result)
        var contacts = samples.isEmpty ? [PreviewContact.placeholder(forBundle: bundle)] : samples
        var hostile = PreviewContact.placeholder(forBundle: bundle)
        hostile.values["firstname"] = .string("Zoë <b>O'Brien</b> & \"Co\" &#x27;")
        hostile.values["surname"] = .string("D'Arc")
        hostile.unsubscribeURL = "https://unsubscribe.example/u?id=1&sig=a'b"
        contacts.append(hostile)
        var anonymous = PreviewContact.placeholder(forBundle: bundle)
        anonymous.values = ["mail": .string("someone@example.org")]
        contacts.append(anonymous)
        // Every text field 60 characters long, with spaces: the text part still keeps lines within 78.
        var long = PreviewContact.placeholder(forBundle: bundle)
        for (key, value) in long.values {
            guard case .string = value, key != "mail" else { continue }
            long.values[key] = .string(String(String(repeating: "\(key) long value ", count: 8).prefix(60)))
        }
        contacts.append(long)
        return contacts
    }

    @Test func independentToolsAgreeWithThePreview() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("automail-preview-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        var total = 0
        for name in ExampleBundleTests.examples {
            let directory = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let result = Compiler.build(try ExampleBundleTests.load(name))
            let bundleBytes = try #require(result.bundle)
            let bundle = try #require(result.bundleContent)
            try Data(bundleBytes).write(to: directory.appendingPathComponent("bundle.json"))
            var cases: [[String: Any]] = []
            for (index, contact) in Self.contacts(for: result, bundle: bundle).enumerated() {
                for template in Preview.templateIDs(in: bundle) {
                    for locale in Preview.locales(of: template, in: bundle) {
                        let email = try Preview.render(
                            bundle: bundle, template: template, locale: locale, contact: contact)
                        let eml = "\(template).\(locale).\(index).eml"
                        try Data(EMLWriter.write(email, date: 1_767_225_600)).write(
                            to: directory.appendingPathComponent(eml))
                        cases.append([
                            "template": template, "locale": locale, "contact": Self.json(.object(contact.values)),
                            "unsubscribe_url": contact.unsubscribeURL, "subject": email.subject, "html": email.html,
                            "text": email.text, "eml": eml,
                        ])
                    }
                }
            }
            total += cases.count
            try JSONSerialization.data(withJSONObject: cases).write(to: directory.appendingPathComponent("cases.json"))
            let (status, output) = try Self.python(["scripts/preview/check.py", directory.path])
            print("\(name): \(output)")
            #expect(status == 0, "\(output)")
        }
        #expect(total > 0)
    }

    @Test func contactValuesAreEscapedInHTMLOnly() throws {
        let result = Compiler.build(try ExampleBundleTests.load("riverside-tenants"))
        let bundle = try #require(result.bundleContent)
        var contact = PreviewContact.placeholder(forBundle: bundle)
        contact.values["firstname"] = .string("<b>O'Brien</b>")
        for template in Preview.templateIDs(in: bundle) {
            let email = try Preview.render(bundle: bundle, template: template, contact: contact)
            #expect(!email.html.contains("<b>O'Brien</b>"))
            if email.text.contains("O'Brien") { #expect(email.html.contains("&lt;b&gt;O&#39;Brien&lt;/b&gt;")) }
        }
    }

    @Test func emlIsDeterministicAndDated() throws {
        let email = RenderedEmail(
            template: "t", locale: "fr", from: Mailbox(name: "Équipe", address: "a@example.org"), replyTo: nil,
            to: Mailbox(name: "", address: "b@example.org"), subject: "Élan", html: "<p>x</p>", text: "x",
            headers: [])
        let first = String(decoding: EMLWriter.write(email, date: 0), as: UTF8.self)
        #expect(first == String(decoding: EMLWriter.write(email, date: 0), as: UTF8.self))
        #expect(first.hasPrefix("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(first.contains("Subject: =?UTF-8?B?w4lsYW4=?=\r\n"))
        #expect(first.contains("@example.org>\r\n"))
        #expect(EMLWriter.rfc5322Date(1_767_225_600) == "Thu, 01 Jan 2026 00:00:00 +0000")
    }

    /// `value` as a JSON-serialisable Foundation value.
    static func json(_ value: LiquidValue) -> Any {
        switch value {
        case .nil: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .array(let items): return items.map(json)
        case .object(let members): return members.mapValues(json)
        }
    }

    /// Runs `python3` with `arguments` at the repository root: exit status and combined output.
    static func python(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }
}
