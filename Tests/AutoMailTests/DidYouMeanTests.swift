@testable import AutoMail
import Testing

/// The did-you-mean lookup: its answers on known cases, and the prepared, early-stopping search against
/// the plain definition (every candidate within its own bound, the least distance, ties to the name that
/// sorts first) on generated names.
struct DidYouMeanTests {
    @Test func suggestsTheClosestNameOrNothing() {
        let known = ["template", "temple", "questionnaire-0001", "questionnaire-0002", "x"]
        #expect(DidYouMean.suggestion(for: "tempalte", among: known) == "template")
        #expect(DidYouMean.suggestion(for: "questionnaire-0003", among: known) == "questionnaire-0001")
        #expect(DidYouMean.suggestion(for: "y", among: known) == "x")
        #expect(DidYouMean.suggestion(for: "completely-different", among: known) == nil)
        #expect(DidYouMean.suggestion(for: "template", among: known) == "temple")
        #expect(DidYouMean.suggestion(for: "", among: known) == nil)
    }

    /// The definition, written plainly: no early stop, no shrinking bound.
    static func reference(_ name: String, _ candidates: [String]) -> String? {
        let target = Array(name.unicodeScalars)
        guard !target.isEmpty, target.count <= 64 else { return nil }
        var best: (Int, String)?
        for candidate in Set(candidates) where candidate != name {
            let other = Array(candidate.unicodeScalars)
            guard other.count <= 64 else { continue }
            let limit = min(3, max(1, max(target.count, other.count) / 3))
            let d = DidYouMean.distance(target, other, limit: 100)
            guard d <= limit else { continue }
            if let current = best, current <= (d, candidate) { continue }
            best = (d, candidate)
        }
        return best?.1
    }

    @Test func preparedSearchAgreesWithTheDefinition() {
        var generator = SeededGenerator(seed: 2026)
        let alphabet = Array("abcde-01é".unicodeScalars)
        func word(_ length: Int) -> String {
            String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        for _ in 0..<300 {
            let candidates = (0..<Int(generator.next() % 40)).map { _ in word(1 + Int(generator.next() % 9)) }
            let prepared = DidYouMean.Candidates(candidates)
            for _ in 0..<10 {
                let name = word(1 + Int(generator.next() % 9))
                #expect(prepared.suggestion(for: name) == Self.reference(name, candidates), "\(name) among \(candidates)")
            }
        }
    }
}

extension DidYouMeanTests {
    /// The banded distance is exact up to its bound and above the bound beyond it.
    @Test func bandedDistanceIsExactWithinItsBound() {
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("abc".unicodeScalars)
        func word() -> [Unicode.Scalar] { (0..<Int(generator.next() % 8)).map { _ in alphabet[Int(generator.next() % 3)] } }
        var rows = DidYouMean.Rows()
        for _ in 0..<3_000 {
            let (a, b) = (word(), word())
            let exact = DidYouMean.distance(a, b, limit: 100)
            for limit in 0...4 {
                let banded = DidYouMean.distance(a, b, limit: limit, rows: &rows)
                if exact <= limit { #expect(banded == exact, "\(a) \(b) limit \(limit)") } else { #expect(banded > limit) }
            }
        }
    }
}
