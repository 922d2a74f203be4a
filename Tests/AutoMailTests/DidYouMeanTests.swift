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
            String(
                String.UnicodeScalarView(
                    (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        for _ in 0..<300 {
            let candidates = (0..<Int(generator.next() % 40)).map { _ in word(1 + Int(generator.next() % 9)) }
            let prepared = DidYouMean.Candidates(candidates)
            for _ in 0..<10 {
                let name = word(1 + Int(generator.next() % 9))
                #expect(
                    prepared.suggestion(for: name) == Self.reference(name, candidates), "\(name) among \(candidates)")
            }
        }
    }
}

extension DidYouMeanTests {
    /// The banded distance is exact up to its bound and above the bound beyond it.
    @Test func bandedDistanceIsExactWithinItsBound() {
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("abc".unicodeScalars)
        func word() -> [Unicode.Scalar] {
            (0..<Int(generator.next() % 8)).map { _ in alphabet[Int(generator.next() % 3)] }
        }
        var rows = DidYouMean.Rows()
        for _ in 0..<3_000 {
            let (a, b) = (word(), word())
            let exact = DidYouMean.distance(a, b, limit: 100)
            for limit in 0...4 {
                let banded = DidYouMean.distance(a, b, limit: limit, rows: &rows)
                if exact <= limit {
                    #expect(banded == exact, "\(a) \(b) limit \(limit)")
                } else {
                    #expect(banded > limit)
                }
            }
        }
    }
}

extension DidYouMeanTests {
    /// A large set is indexed (neighbours one edit away, then names of similar length with a lower
    /// bound): its answers are the definition's, on ids like a workspace's and on names with non-ASCII
    /// scalars, near misses and names far from every candidate.
    @Test func indexedSearchAgreesWithTheDefinition() {
        var generator = SeededGenerator(seed: 99)
        let alphabet = Array("abt01-é".unicodeScalars)
        func word(_ length: Int) -> String {
            String(
                String.UnicodeScalarView(
                    (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        for _ in 0..<20 {
            let candidates = (0..<(100 + Int(generator.next() % 400))).map { _ in word(1 + Int(generator.next() % 10)) }
            let prepared = DidYouMean.Candidates(candidates)
            #expect(prepared.isIndexed)
            for _ in 0..<40 {
                var name = Array(candidates[Int(generator.next() % UInt64(candidates.count))].unicodeScalars)
                for _ in 0..<Int(generator.next() % 4) {
                    let at = Int(generator.next() % UInt64(name.count + 1))
                    switch generator.next() % 3 {
                    case 0: name.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                    case 1 where at < name.count: name.remove(at: at)
                    default: if at + 1 < name.count { name.swapAt(at, at + 1) }
                    }
                }
                let text = String(String.UnicodeScalarView(name))
                #expect(prepared.suggestion(for: text) == Self.reference(text, candidates), "\(text)")
            }
        }
    }

    /// The work of a lookup among thousands of templates does not grow with them: a name one edit away
    /// is found without computing a distance, one two edits away computes a few.
    @Test func lookupAmongThousandsComputesFewDistances() {
        let names = (0..<20_000).map { "t\(String($0 + 100_000).dropFirst())-merci" }
        let prepared = DidYouMean.Candidates(names)
        var work = 0
        #expect(prepared.suggestion(for: "t01234-mreci", work: &work) == "t01234-merci")
        #expect(work == 0)
        #expect(prepared.suggestion(for: "x01234-mercx", work: &work) == "t01234-merci")
        #expect(work < 200, "\(work) distances")
        work = 0
        #expect(prepared.suggestion(for: "t01234-merci-old", work: &work) == nil)
        #expect(work == 0)
    }
}
