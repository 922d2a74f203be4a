import Diagnostics
import Testing

@testable import AutoMail

/// `VariableCatalog.allows` by lookups of the names' components (hashed, or compared by length when
/// ASCII) against its definition, which joins each prefix of the path and looks the name up
/// (`allowsByJoining`).
struct VariableCatalogDifferentialTests {
    static let segments = [
        "contact", "firstname", "surname", "mail", "size", "first", "last", "legal", "data_origin", "workspace",
        "name", "unsubscribe_url", "contact.firstname", ".", "", "x", "é", "e\u{301}", "legal.", "\u{301}",
        "a_segment_longer_than_fifteen_bytes", "a.segment.longer.than.fifteen.bytes",
        // The Kelvin sign equals `K` (canonically): an ASCII name is not found by its bytes alone.
        "K", "\u{212A}", "contact\u{0301}",
    ]

    @Test func lookupsAgreeWithJoinedNames() {
        let catalog = VariableCatalog(manifest: nil)
        var paths: [[String]] = [[]]
        for _ in 0..<3 { paths = paths + paths.flatMap { path in Self.segments.map { path + [$0] } } }
        var allowed = 0
        for path in Set(paths) {
            let answer = catalog.allows(path)
            #expect(answer == catalog.allowsByJoining(path), "\(path)")
            if answer { allowed += 1 }
        }
        #expect(allowed > 20)
    }

    /// `VariableCatalog.isListField` against the joined name looked up in `listNames`, and `allows`
    /// against its definition, with the contact fields of the Lyon example.
    @Test func listFieldsAgreeWithJoinedNames() throws {
        let root = Fixtures.repositoryRoot.appendingPathComponent("workspace-examples/lyon-municipales")
        let files = try Fixtures.files(in: root).map { SourceFile(path: $0.key, bytes: Array($0.value)) }
        var timings = PhaseTimings()
        let decoded = DecodedWorkspace.decode(files, options: BuildOptions(), timings: &timings)
        let catalog = VariableCatalog(manifest: decoded.workspace.manifest)
        #expect(!catalog.listNames.isEmpty)
        var segments = Self.segments
        for name in catalog.listNames { segments += name.split(separator: ".").map(String.init) + [name] }
        var paths: [[String]] = [[]]
        for _ in 0..<3 { paths = paths + paths.flatMap { path in segments.map { path + [$0] } } }
        var lists = 0
        for path in Set(paths) {
            #expect(catalog.allows(path) == catalog.allowsByJoining(path), "\(path)")
            let answer = catalog.isListField(path)
            #expect(answer == catalog.listNames.contains(path.joined(separator: ".")), "\(path)")
            if answer { lists += 1 }
        }
        #expect(lists >= catalog.listNames.count)
    }
}
