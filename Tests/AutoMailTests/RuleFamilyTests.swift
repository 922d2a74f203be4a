import AutoMail
import Diagnostics
import Foundation
import Testing

/// A rule family is one folder, `Sources/AutoMail/Rules/<Family>/`: its catalog entries (with their
/// examples) and its logic. These tests keep each code reported from its own family only, and every
/// severity in the catalog: a call site reports through the rule (`bag.report(.code, …)`), never
/// `.error(.code, …)`.
@Suite struct RuleFamilyTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/AutoMail").standardized
    static let rules = sources.appendingPathComponent("Rules")

    /// The folder of shared rule infrastructure (checker, catalog type, symbol table…): no family.
    static let engine = "Engine"

    /// Stage folders outside `Rules/` that report a family's codes; that family's folder holds only its
    /// catalog entries (the loader, the decoder and the suppression comments run before any rule).
    static let stageFamilies: [String: String] = [
        "Pipeline/Load": "Workspace", "Pipeline/Decode": "Structure", "Suppression": "SuppressionComments",
    ]

    /// The codes a folder reports although another family owns them. Each is one finding checked in two
    /// places, with one severity since it comes from the catalog; a new entry is a design decision
    /// (prefer calling into the owning family), and an entry no longer used fails the test.
    static let sharedCodes: [String: Set<String>] = [
        // A footer is Markdown with Liquid, converted like a template body.
        "Footer": ["liquidBlocksAcrossMarkdown"],
        // A layout file is read, scanned for hidden characters and parsed as Liquid like a template.
        "Layout": ["yamlHiddenCharacter", "yamlInvalidUTF8", "liquidSyntax", "unsupportedLiquid", "unknownVariable"],
        // A reference spelled like no id could be is reported as the decoder reports a malformed id.
        "Reference": ["malformedID"],
        // A subject that renders empty for every contact is an empty subject.
        "Rendering": ["emptySubject"],
        // Header values (sender names, subjects, preheaders) are checked for hidden characters and
        // injected line breaks wherever they are written.
        "Sender": ["hiddenCharacter"],
        "Template": ["headerInjection", "hiddenCharacter"],
        // The loader refuses a file too large to parse before the YAML layer sees it.
        "Pipeline/Load": ["fileTooLarge"],
    ]

    /// The YAML layer's codes, declared where its parser reports them.
    static let yamlCodes = sources.appendingPathComponent("../YAMLSource/YAMLDiagnosticCodes.swift").standardized

    /// The files that declare codes: each family's `Rules/<Family>/<Family>Rules+Codes.swift`, and the YAML
    /// layer's.
    static func codeDeclarationFiles() -> [URL] {
        swiftFiles(in: rules).filter { $0.lastPathComponent.hasSuffix("+Codes.swift") } + [yamlCodes]
    }

    /// Every code's declared name (`unknownKey`, `yamlSyntax`, aliases resolved) and its code.
    static func codeNames() throws -> [String: DiagnosticCode] {
        let text = try codeDeclarationFiles().map { try String(contentsOf: $0, encoding: .utf8) }
            .joined(separator: "\n")
        let regex = try NSRegularExpression(pattern: #"static let (\w+): DiagnosticCode = (?:"(AM\d{3})"|\.(\w+))"#)
        var codes: [String: DiagnosticCode] = [:]
        var aliases: [String: String] = [:]
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let name = Range(match.range(at: 1), in: text).map({ String(text[$0]) }) else { continue }
            if let code = Range(match.range(at: 2), in: text) {
                codes[name] = DiagnosticCode(rawValue: String(text[code]))
            } else if let target = Range(match.range(at: 3), in: text) {
                aliases[name] = String(text[target])
            }
        }
        for (alias, target) in aliases { codes[alias] = codes[target] }
        return codes
    }

    /// The family of every code: the `Rules/<Family>/` folder its catalog entry and its examples are in.
    static func families() -> [DiagnosticCode: String] {
        var families: [DiagnosticCode: String] = [:]
        for rule in RuleCatalog.all {
            let folders = Set(
                ([rule.sourceFile] + rule.examples.map(\.sourceFile)).map {
                    URL(fileURLWithPath: $0).deletingLastPathComponent()
                })
            guard folders.count == 1, let folder = folders.first,
                folder.deletingLastPathComponent().lastPathComponent == "Rules"
            else { continue }
            families[rule.code] = folder.lastPathComponent
        }
        return families
    }

    /// The Swift files under `folder`, recursively.
    static func swiftFiles(in folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .sorted { $0.path < $1.path }
    }

    /// The lines of `file` outside comments, numbered from 1.
    static func codeLines(of file: URL) throws -> [(number: Int, text: String)] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated().map { ($0.offset + 1, String($0.element)) }
            .filter { !$0.1.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
    }

    @Test func everyRuleLivesInAFamilyFolder() throws {
        let families = Self.families()
        for rule in RuleCatalog.all {
            #expect(families[rule.code] != nil, "\(rule.code)'s catalog entry is not in one `Rules/<Family>/` folder")
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.rules.path).filter { $0 != Self.engine }
        for folder in folders {
            #expect(Set(families.values).contains(folder), "`Rules/\(folder)/` holds no catalog entry")
        }
    }

    @Test func eachCodeIsDeclaredInItsOwnFamily() throws {
        let families = Self.families()
        let regex = try NSRegularExpression(pattern: #"static let \w+: DiagnosticCode = "(AM\d{3})""#)
        var declared: Set<DiagnosticCode> = []
        for file in Self.codeDeclarationFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            let folder = file == Self.yamlCodes ? "YAML" : file.deletingLastPathComponent().lastPathComponent
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let code = DiagnosticCode(rawValue: String(text[range]))
                declared.insert(code)
                #expect(
                    families[code] == folder,
                    "\(code) is declared in \(file.lastPathComponent) but its catalog entry is in `Rules/\(families[code] ?? "?")/`"
                )
            }
        }
        let undeclared = Set(RuleCatalog.all.map(\.code)).subtracting(declared)
        #expect(undeclared.isEmpty, "no `+Codes.swift` declares \(undeclared.sorted())")
    }

    @Test func eachCodeIsReportedFromItsOwnFamilyOnly() throws {
        let names = try Self.codeNames()
        #expect(names.count > 80)
        let families = Self.families()
        var folders = try FileManager.default.contentsOfDirectory(atPath: Self.rules.path).filter { $0 != Self.engine }
            .map { (url: Self.rules.appendingPathComponent($0), family: $0, shared: $0) }
        folders += Self.stageFamilies.map {
            (url: Self.sources.appendingPathComponent($0.key), family: $0.value, shared: $0.key)
        }
        let reference = try NSRegularExpression(pattern: #"(?<![)\]])\.(\w+)\b"#)
        var sharedUsed: [String: Set<String>] = [:]
        for folder in folders {
            for file in Self.swiftFiles(in: folder.url) where !file.lastPathComponent.hasSuffix("+Catalog.swift") {
                for (number, line) in try Self.codeLines(of: file) {
                    for match in reference.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                        guard let range = Range(match.range(at: 1), in: line) else { continue }
                        let name = String(line[range])
                        guard let code = names[name], let owner = families[code], owner != folder.family else {
                            continue
                        }
                        if Self.sharedCodes[folder.shared]?.contains(name) == true {
                            sharedUsed[folder.shared, default: []].insert(name)
                            continue
                        }
                        Issue.record(
                            """
                            \(file.lastPathComponent):\(number): `.\(name)` (\(code)) belongs to `Rules/\(owner)/`, \
                            not to \(folder.family): report it from its own family
                            """)
                    }
                }
            }
        }
        for (folder, names) in Self.sharedCodes {
            let unused = names.subtracting(sharedUsed[folder] ?? [])
            #expect(unused.isEmpty, "\(folder) no longer reports \(unused.sorted()): remove them from `sharedCodes`")
        }
    }

    @Test func noCallSiteRestatesASeverity() throws {
        // `.error(.code, …)`, `.warning(code, …)`, `Diagnostic(code: …, severity: …)`: the severity comes
        // from the catalog entry (`bag.report(.code, …)` or `Diagnostic.rule(.code, …)`), nowhere else.
        let restated = try NSRegularExpression(
            pattern: #"\.(error|warning|note)\(\s*(\.\w+|[\w.]*[cC]ode)\b"#
                + #"|Diagnostic\(\s*code:|severity: \.(error|warning|note)\b"#)
        var found: [String] = []
        for file in Self.swiftFiles(in: Self.sources) where !file.lastPathComponent.hasSuffix("+Catalog.swift") {
            if file.lastPathComponent == "RuleReporting.swift" { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in restated.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range, in: text) else { continue }
                let line = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
                found.append("\(file.lastPathComponent):\(line): \(text[range])")
            }
        }
        #expect(found.isEmpty, "severity restated at a call site:\n\(found.joined(separator: "\n"))")
    }
}
