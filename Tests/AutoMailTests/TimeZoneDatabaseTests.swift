import Testing
import TestSupport

@testable import AutoMail

/// The generated time-zone table read on its bytes (``TimeZoneDatabase/parse(_:)``) against the table
/// read on Characters (``TimeZoneDatabase/parsedByCharacters(_:)``), the definition: the same zones,
/// aliases and transitions, on the real table and on random tables with broken lines.
struct TimeZoneDatabaseTests {
    typealias Zones = [String: [(instant: Int, offset: Int)]]

    static func same(_ lhs: Zones, _ rhs: Zones) -> Bool {
        lhs.count == rhs.count
            && lhs.allSatisfy { name, transitions in
                guard let other = rhs[name], other.count == transitions.count else { return false }
                return zip(transitions, other).allSatisfy { $0.instant == $1.instant && $0.offset == $1.offset }
            }
    }

    static func parsed(_ table: String) -> Zones {
        var table = table
        return table.withUTF8 { TimeZoneDatabase.parse($0) }
    }

    @Test func theGeneratedTableReadsAsOnCharacters() {
        let bytes = Self.parsed(TimeZoneData.table)
        #expect(Self.same(bytes, TimeZoneDatabase.parsedByCharacters(TimeZoneData.table)))
        #expect(bytes.count == TimeZoneDatabase.names.count)
        #expect(bytes["Europe/Paris"]?.count ?? 0 > 100)
        #expect(bytes["Africa/Accra"]?.first?.offset == 0)
    }

    /// Lines made of the table's own characters and a few more, in random order: missing `=`, empty
    /// fields, runs of spaces and colons, signs, letters past a radix, digits past `Int`'s range.
    @Test func randomLinesReadAsOnCharacters() {
        let pieces = [
            "Europe/Paris", "A", "B", "=", ">", " ", "  ", ":", "::", "0", "3600", "-7200", "+60", "1x", "Z9",
            "zz", "9999999999999999999999", "-", "+", "g:0", "a:b", "é",
        ]
        var random = SplitMix64(state: 19)
        for _ in 0..<2_000 {
            var lines: [String] = []
            for _ in 0..<(1 + random.next(6)) {
                var line = ""
                for _ in 0..<random.next(12) { line += pieces[random.next(pieces.count)] }
                lines.append(line)
            }
            let table = lines.joined(separator: random.next(4) == 0 ? "\n\n" : "\n")
            #expect(Self.same(Self.parsed(table), TimeZoneDatabase.parsedByCharacters(table)), "\(table)")
        }
    }
}
