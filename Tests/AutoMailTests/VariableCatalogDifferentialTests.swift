import Testing

@testable import AutoMail

/// `VariableCatalog.allows` by lookups of the names' components against its definition, which joins
/// each prefix of the path and looks the name up (`allowsByJoining`).
struct VariableCatalogDifferentialTests {
    static let segments = [
        "contact", "firstname", "surname", "mail", "size", "first", "last", "legal", "data_origin", "workspace",
        "name", "unsubscribe_url", "contact.firstname", ".", "", "x", "é", "e\u{301}", "legal.", "\u{301}",
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
}
