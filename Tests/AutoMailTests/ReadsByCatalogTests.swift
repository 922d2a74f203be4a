import Liquid
import Testing

@testable import AutoMail

/// `TemplateRules.reads(of:catalog:)`, which gives the catalog's own strings for the names it holds,
/// against `TemplateRules.reads(of:)`, its definition, byte for byte (a `Set` compares its strings by
/// canonical equivalence, not by bytes), on the variables of generated templates.
struct ReadsByCatalogTests {
    static func bytes(_ names: Set<String>) -> [[UInt8]] {
        names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test func readsAreTheDefinitionsByteForByte() {
        let paths = [
            "contact.firstname", "contact.firstname.size", "legal.publisher", "unsubscribe_url", "a[\"b.c\"].d",
            "x[y].z", "contact[\"é\"]", "workspace.name.first", "a.b.c.d.e", "contact.surname", "contact[\"\u{212A}\"]",
            "workspace[\"name\"]", "legal.nope", "contact.mail.size",
        ]
        let catalog = VariableCatalog(manifest: nil)
        for first in paths {
            for second in paths {
                let source = "{{ \(first) }} {% if \(second) %}{{ \(second) }}{% endif %}"
                let variables = LiquidTemplate.parse(source).template?.variables ?? []
                #expect(!variables.isEmpty, "\(source)")
                let byCatalog = TemplateRules.reads(of: variables, catalog: catalog)
                #expect(Self.bytes(byCatalog) == Self.bytes(TemplateRules.reads(of: variables)), "\(source)")
            }
        }
    }

    /// A name the catalog holds comes back as the catalog's string; any other pair, `nil`.
    @Test func joinedNamesAreTheCatalogsNames() {
        let catalog = VariableCatalog(manifest: nil)
        #expect(catalog.joinedName("contact", "firstname") == "contact.firstname")
        #expect(catalog.joinedName("legal", "publisher") == "legal.publisher")
        #expect(catalog.joinedName("contact", "nope") == nil)
        #expect(catalog.joinedName("contact", "\u{212A}") == nil)
        #expect(catalog.joinedName("unsubscribe_url", "x") == nil)
    }
}
