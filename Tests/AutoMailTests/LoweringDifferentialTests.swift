import BundleFormat
import TestSupport
import Testing

@testable import AutoMail

/// The byte passes of the lowering against the Character passes they replaced, kept in
/// `BundleLowering` as the definition.
struct LoweringDifferentialTests {
    static let bodyPieces = ["\n", "\n\n", "\r\n", "\r", "a", "é", "\u{301}", " ", "-- ", "👍🏽", "\u{2028}", "\n\u{301}"]

    @Test func textPartAgreesWithTheCharacterDefinition() {
        var state: UInt64 = 59
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<4_000 {
            var body = ""
            for _ in 0..<next(8) { body += Self.bodyPieces[next(Self.bodyPieces.count)] }
            for footer in ["", "Footer {{ legal.publisher }}\n", "\u{301}x"] {
                #expect(
                    BundleLowering.textPart(body: body, footer: footer)
                        == BundleLowering.textPartByCharacters(body: body, footer: footer), "\(body.debugDescription)")
            }
        }
    }

    static let textPieces = ["a", "é", "\"", "\\", "\n", "\u{1}", "{{ x }}", "<p>", " ", "👍🏽", "\t"]
    static let localePieces = ["en", "fr", "de", "en-GB", "fr-CA", "zh-Hant", "e", "é"]

    /// A template's entry written straight from its parts (`LoweredTemplate.written`, its HTML from pieces
    /// some of which are escaped beforehand, some given as bytes) against the walk of its value (`WrittenEntry(value)`, the
    /// definition, the pieces joined): the same pretty bytes and the same gaps.
    @Test func writtenEntryAgreesWithTheValueWalk() {
        var generator = SplitMix64(state: 23)
        func text(upTo count: Int) -> String {
            var result = ""
            for _ in 0..<generator.next(count + 1) { result += Self.textPieces[generator.next(Self.textPieces.count)] }
            return result
        }
        for _ in 0..<2_000 {
            var lowered = LoweredTemplate(sender: text(upTo: 3))
            if generator.next(2) == 0 { lowered.purpose = text(upTo: 3) }
            for _ in 0..<generator.next(5) {
                lowered.locales.append(
                    .init(
                        locale: Self.localePieces[generator.next(Self.localePieces.count)], subject: text(upTo: 4),
                        html: (0..<generator.next(4)).map { _ in
                            switch generator.next(3) {
                            case 0: .text(text(upTo: 5))
                            case 1: .utf8(Array(text(upTo: 5).utf8))
                            default: .escaped(JSONEscapedText(text(upTo: 5)))
                            }
                        }, text: text(upTo: 8)))
            }
            let direct = lowered.written
            let walked = WrittenEntry(lowered.value)
            #expect(Array(direct.pretty) == Array(walked.pretty))
            #expect(direct.gaps == walked.gaps)
            #expect(direct.forms.canonical == walked.forms.canonical)
        }
    }

    /// An event's actions written straight from their parts (`LoweredAction.written`) against the walk of
    /// their value (`WrittenEntry(LoweredAction.value(of:))`, the definition).
    @Test func writtenActionsAgreeWithTheValueWalk() {
        var generator = SplitMix64(state: 29)
        func text() -> String {
            var result = ""
            for _ in 0..<generator.next(4) { result += Self.textPieces[generator.next(Self.textPieces.count)] }
            return result
        }
        func optional() -> String? { generator.next(2) == 0 ? nil : text() }
        for _ in 0..<2_000 {
            var actions: [LoweredAction] = []
            for _ in 0..<generator.next(4) {
                actions.append(
                    LoweredAction(
                        trigger: text(), template: text(), priority: generator.next(200) - 100,
                        delaySeconds: generator.next(100_000),
                        oncePerContactSeconds: generator.next(3) == 0 ? nil : generator.next(90_000) - 1,
                        timing: .init(
                            quietHours: text(), blackouts: text(), frequencyCap: text(), activeFrom: optional(),
                            activeUntil: optional())))
            }
            let direct = LoweredAction.written(actions)
            let walked = WrittenEntry(LoweredAction.value(of: actions))
            #expect(Array(direct.pretty) == Array(walked.pretty))
            #expect(direct.gaps == walked.gaps)
        }
    }

    /// The variables the templates read as flags over the catalog (`UsedVariables`) against the union of
    /// every template's set of names filtered by the catalog (the definition it replaced).
    @Test func usedVariablesAgreeWithTheUnionOfNames() {
        var generator = SplitMix64(state: 31)
        let names = ["unsubscribe_url", "contact", "contact.first_name", "contact.city", "a", "b", "é", ""]
        for _ in 0..<1_000 {
            let catalogNames = (0..<generator.next(6)).map { _ in names[generator.next(names.count)] }
            let catalog = VariablePositions(catalogNames)
            var used = UsedVariables(catalog: catalog, always: ["unsubscribe_url"])
            var union: Set<String> = ["unsubscribe_url"]
            for _ in 0..<generator.next(5) {
                let reads = (0..<generator.next(4)).map { _ in
                    Set((0..<generator.next(4)).map { _ in names[generator.next(names.count)] })
                }
                used.insert(catalog.positions(of: reads))
                for set in reads { union.formUnion(set) }
            }
            #expect(catalogNames.filter(used.contains) == catalogNames.filter(union.contains), "\(catalogNames)")
        }
    }
}
