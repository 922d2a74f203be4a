import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// A sender loads only a bundle it understands and that nobody changed: the format version, the
/// digest, and every member the evaluation reads, with the path to a bad one.
struct BundleLoadingTests {
    static let goldenPaths = [
        "Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json",
        "Tests/AutoMailTests/Fixtures/golden/riverside-tenants.bundle.json",
    ]

    @Test(arguments: goldenPaths)
    func theGoldenBundlesLoad(_ path: String) throws {
        let bundle = try RuntimeBundle.load(try Repository.bytes(path))
        #expect(bundle.format == 2)
        #expect(bundle.formatMinor == 0)
        #expect(bundle.digest.hasPrefix("sha256:"))
        #expect(bundle.revision == "golden")
        #expect(!bundle.templates.isEmpty && !bundle.triggers.isEmpty)
        #expect(bundle.locales.first == bundle.defaultLocale)
    }

    @Test func theLyonBundleReadsAsWritten() throws {
        let bundle = try RuntimeBundle.load(try Repository.bytes(Self.goldenPaths[0]))
        #expect(bundle.workspaceID == "lyon-2026")
        #expect(bundle.consentMode == .purpose)
        #expect(bundle.purposes == ["mobilisation", "information", "dons"])
        #expect(bundle.templates["merci-soutien"]?.sender == "camille-roux")
        #expect(bundle.templates["merci-soutien"]?.purpose == "mobilisation")
        #expect(bundle.senders["equipe"]?.replyTo == "contact@lyon-en-commun.fr")
        let actions = try #require(bundle.triggers["support_level:sympathisant"])
        #expect(
            actions == [
                RuntimeBundle.Action(
                    trigger: "niveau-sympathisant", template: "merci-soutien", priority: 400, delaySeconds: 7200,
                    oncePerContact: .forever, blackouts: .drop)
            ])
        #expect(bundle.timing.timeZone == "Europe/Paris")
        #expect(bundle.timing.quietHours == QuietHours(start: 75_600, end: 30_600))
        #expect(bundle.timing.frequencyCap == FrequencyCap(emails: 2, windowSeconds: 604_800))
        #expect(bundle.timing.blackouts.map(\.from.description) == ["2026-03-13T23:00:00Z", "2026-03-20T23:00:00Z"])
        #expect(bundle.triggers["support_level:indecis"]?.first?.oncePerContact == .window(seconds: 30 * 86_400))
    }

    @Test func aTamperedBundleIsRefused() throws {
        let original = String(decoding: try Repository.bytes(Self.goldenPaths[0]), as: UTF8.self)
        let tampered = original.replacing("\"priority\": 400", with: "\"priority\": 999")
        #expect(tampered != original)
        #expect {
            try RuntimeBundle.load(Array(tampered.utf8))
        } throws: { error in
            guard case .digestMismatch(let declared, let computed)? = error as? BundleLoadError else { return false }
            return declared != computed && "\(error)".contains("changed after it was built")
        }
    }

    @Test func whitespaceAndKeyOrderDoNotChangeTheDigest() throws {
        let content = BundleBuilder().content
        let bytes = BundleEmitter.emit(content)
        let value = try JSONParser().parse(bytes)
        // The canonical (compact) form of the same value, digest included, loads too.
        let compact = JSONWriter(pretty: false).write(value)
        #expect(throws: Never.self) { try RuntimeBundle.load(compact) }
    }

    @Test func anUnknownMajorFormatIsRefusedBeforeAnythingElse() throws {
        var content = BundleBuilder().content
        content["format"] = .int(3)
        // Even with a wrong digest and a missing member, the version is what is reported.
        content["templates"] = nil
        var members = content
        members["digest"] = .string("sha256:0")
        let bytes = JSONWriter(pretty: true).write(.object(members))
        #expect(throws: BundleLoadError.unsupportedFormat(3)) { try RuntimeBundle.load(bytes) }
        #expect("\(BundleLoadError.unsupportedFormat(3))".contains("format 3"))
        content["format"] = .int(1)
        let formatOne = JSONWriter(pretty: true).write(.object(content.merging(["digest": .string("sha256:0")]) { $1 }))
        #expect(throws: BundleLoadError.unsupportedFormat(1)) { try RuntimeBundle.load(formatOne) }
    }

    @Test func aNewerMinorVersionAndUnknownMembersAreRead() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        var content = builder.content
        content["format_minor"] = .int(7)
        content["signature"] = .object(["future": .bool(true)])
        if case .object(var templates)? = content["templates"], case .object(var a)? = templates["a"] {
            a["layout_version"] = .int(3)
            templates["a"] = .object(a)
            content["templates"] = .object(templates)
        }
        content["triggers"] = .object([
            "task:t": .array([
                .object([
                    "trigger": .string("t"), "template": .string("a"), "priority": .int(1), "delay_seconds": .int(0),
                    "quiet_hours": .string("defer"), "blackouts": .string("defer"), "frequency_cap": .string("count"),
                    "channel": .string("email"),
                ])
            ]),
            "tag:future-kind": .array([BundleBuilder.action("f", template: "b", priority: 1)]),
        ])
        content["format_minor"] = .int(7)
        let bundle = try RuntimeBundle.load(BundleEmitter.emit(content))
        #expect(bundle.formatMinor == 7)
        #expect(bundle.triggers["tag:future-kind"]?.first?.trigger == "f")
        let decision = try bundle.evaluate(Events.event(tasks: ["t"]))
        #expect(decision.summary == ["t=sent"])
    }

    @Test func withoutFormatMinorTheMinorVersionIsZero() throws {
        var content = BundleBuilder().content
        content["format_minor"] = nil
        #expect(try RuntimeBundle.load(BundleEmitter.emit(content)).formatMinor == 0)
    }

    @Test func aSyntaxErrorHasALineAndColumn() {
        #expect {
            try RuntimeBundle.load(Array("{\n  \"format\": 1,\n  \"x\": 1.5\n}".utf8))
        } throws: { error in
            guard case .syntax(let syntax)? = error as? BundleLoadError else { return false }
            return syntax.line == 3 && syntax.column == 8
        }
    }

    /// A change to the content (digest recomputed) and the pointer the refusal must name.
    static let malformed: [(String, String)] = [
        ("format-string", "/format"),
        ("no-digest", ""),
        ("root-array", ""),
        ("no-default-locale-content", "/templates/a/locales"),
        ("unknown-template", "/triggers/task:t/0/template"),
        ("unknown-sender", "/templates/a/sender"),
        ("missing-purpose", "/templates/a"),
        ("undeclared-purpose", "/templates/a/purpose"),
        ("negative-delay", "/triggers/task:t/0/delay_seconds"),
        ("once-minus-two", "/triggers/task:t/0/once_per_contact_seconds"),
        ("duplicate-trigger", "/triggers/task:u/0/trigger"),
        ("liquid-error", "/templates/a/locales/en/text"),
        ("priority-string", "/triggers/task:t/0/priority"),
        ("locale-outside-all", "/templates/a/locales/de"),
        ("default-not-first", "/locales/default"),
        ("missing-globals", "/globals"),
        ("default-sender-unknown", "/default_sender"),
        ("trigger-key-escaped", "/triggers/answer:q~1x~1a/0/template"),
    ]

    @Test(arguments: malformed)
    func aMalformedBundleNamesTheBadMember(_ change: String, _ pointer: String) throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        var content = builder.content
        func template(_ edit: (inout [String: JSONValue]) -> Void) {
            guard case .object(var templates)? = content["templates"], case .object(var a)? = templates["a"] else {
                return
            }
            edit(&a)
            templates["a"] = .object(a)
            content["templates"] = .object(templates)
        }
        func action(_ key: String, _ member: String, _ value: JSONValue) {
            var action: [String: JSONValue] = [
                "trigger": .string("t"), "template": .string("a"), "priority": .int(1), "delay_seconds": .int(0),
                "quiet_hours": .string("defer"), "blackouts": .string("defer"), "frequency_cap": .string("count"),
            ]
            action[member] = value
            content["triggers"] = .object([key: .array([.object(action)])])
        }
        var bytes: [UInt8]?
        switch change {
        case "format-string": content["format"] = .string("1")
        case "no-digest":
            var members = content
            members["digest"] = nil
            bytes = JSONWriter(pretty: true).write(.object(members))
        case "root-array": bytes = Array("[]".utf8)
        case "no-default-locale-content":
            template { a in
                if case .object(var locales)? = a["locales"] {
                    locales["fr"] = nil
                    a["locales"] = .object(locales)
                }
            }
        case "unknown-template": action("task:t", "template", .string("nope"))
        case "unknown-sender": template { $0["sender"] = .string("ghost") }
        case "missing-purpose": template { $0["purpose"] = nil }
        case "undeclared-purpose": template { $0["purpose"] = .string("newsletter") }
        case "negative-delay": action("task:t", "delay_seconds", .int(-5))
        case "once-minus-two": action("task:t", "once_per_contact_seconds", .int(-2))
        case "duplicate-trigger":
            content["triggers"] = .object([
                "task:t": .array([BundleBuilder.action("t", template: "a", priority: 1)]),
                "task:u": .array([BundleBuilder.action("t", template: "b", priority: 2)]),
            ])
        case "liquid-error":
            template { a in
                guard case .object(var locales)? = a["locales"], case .object(var en)? = locales["en"] else { return }
                en["text"] = .string("{% if contact.firstname %}unclosed")
                locales["en"] = .object(en)
                a["locales"] = .object(locales)
            }
        case "priority-string": action("task:t", "priority", .string("high"))
        case "locale-outside-all":
            template { a in
                guard case .object(var locales)? = a["locales"] else { return }
                locales["de"] = locales["fr"]
                a["locales"] = .object(locales)
            }
        case "default-not-first":
            content["locales"] = .object(["default": .string("en"), "all": .array([.string("fr"), .string("en")])])
        case "missing-globals":
            content["globals"] = .object(["fr": content["globals"]?["fr"] ?? .null])
        case "default-sender-unknown": content["default_sender"] = .string("ghost")
        case "trigger-key-escaped": action("answer:q/x/a", "template", .string("nope"))
        default: Issue.record("unknown change \(change)")
        }
        let input = bytes ?? BundleEmitter.emit(content)
        #expect {
            try RuntimeBundle.load(input)
        } throws: { error in
            guard case .malformed(let problem)? = error as? BundleLoadError else {
                Issue.record("\(change): \(error)")
                return false
            }
            #expect(problem.pointer.description == pointer, "\(change): \(problem)")
            return problem.pointer.description == pointer
        }
    }
}
