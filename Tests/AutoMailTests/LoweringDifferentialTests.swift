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
}
