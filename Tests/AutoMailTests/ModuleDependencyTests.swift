import Foundation
import Testing

/// The module dependency rule, checked on every `import` of `Sources/<Module>/**/*.swift` and on the
/// `dependencies:` of every target of `Package.swift` (ARCHITECTURE.md, "Modules and their dependencies").
///
/// The modules form layers, and a module imports only modules of lower layers, as ``allowed`` lists:
/// - `Diagnostics`, `Liquid` and `BundleFormat` import nothing of ours (BundleFormat only swift-crypto).
/// - `YAMLSource` reads YAML into ranged nodes (libyaml, `Diagnostics`); `MailRendering` turns
///   Markdown-with-Liquid into email HTML and text (`Liquid`).
/// - `BundleModel` is the typed bundle and its reader, with the timing types the compiler and the sender
///   share: it never imports the compiler nor the runtime.
/// - `AutomailRuntime`, the sender side, evaluates and renders over `BundleModel`: never the compiler.
/// - `AutoMail`, the compiler, never imports the runtime nor what reads bundles back for a person
///   (`AutomailReview`): what it shares with the sender is in `BundleModel`.
/// - `AutomailReview` (diff and preview) reads bundles over the compiler and the runtime.
/// - `AutomailLanguage` (the editor's language service) works over the compiler's stages and model only.
/// - `automail`, the command-line front, may import every library.
///
/// System modules (Foundation, Dispatch, Synchronization and the C libraries) are allowed everywhere; a package
/// product (`Crypto`, `ArgumentParser`) only where the table lists it. A new module fails this test until
/// the table says what it may import.
struct ModuleDependencyTests {
    /// What each module of `Sources/` may import, besides system modules.
    static let allowed: [String: Set<String>] = [
        "CLibYAML": [],
        "Diagnostics": [],
        "Liquid": [],
        "BundleFormat": ["Crypto"],
        "YAMLSource": ["CLibYAML", "Diagnostics"],
        "MailRendering": ["Liquid"],
        "BundleModel": ["BundleFormat", "Liquid"],
        "AutomailRuntime": ["BundleFormat", "BundleModel", "Diagnostics", "Liquid", "Crypto"],
        "AutoMail": ["BundleFormat", "BundleModel", "Diagnostics", "Liquid", "MailRendering", "YAMLSource", "Crypto"],
        "AutomailReview": [
            "AutoMail", "AutomailRuntime", "BundleFormat", "BundleModel", "Diagnostics", "Liquid", "MailRendering",
            "YAMLSource",
        ],
        "AutomailLanguage": ["AutoMail", "Diagnostics", "Liquid", "YAMLSource"],
        // Tests/TestSupport: what test targets share, on the platform alone.
        "TestSupport": [],
        "automail": [
            "AutoMail", "AutomailReview", "AutomailRuntime", "BundleFormat", "BundleModel", "Diagnostics", "YAMLSource",
            "ArgumentParser",
        ],
    ]

    /// Modules any module may import: the platform's, not ours nor a package's.
    static let system: Set<String> = ["Foundation", "Dispatch", "Synchronization", "Darwin", "Glibc", "Musl", "WinSDK"]

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The modules imported by a Swift source, with the line of each import.
    static func imports(of text: String) -> [(module: String, line: Int)] {
        var found: [(String, Int)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var words = line.split(separator: " ").map(String.init)
            // `@testable import X`, `@_exported import X`, `public import X`
            while let first = words.first, first.hasPrefix("@") || ["public", "package", "internal"].contains(first) {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            // `import struct X.Y` names the module after the kind.
            let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            let module = path.split(separator: ".").first.map(String.init) ?? path
            found.append((module, index + 1))
        }
        return found
    }

    @Test func everyModuleHasARule() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(!modules.isEmpty)
        for module in modules {
            #expect(Self.allowed[module] != nil, "Sources/\(module) is not in ModuleDependencyTests.allowed")
        }
    }

    @Test func everyImportIsAllowed() throws {
        var checked = 0
        for (module, permitted) in Self.allowed.sorted(by: { $0.key < $1.key }) {
            let root = Self.sources.appendingPathComponent(module)
            guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
                for (imported, line) in Self.imports(of: text) {
                    checked += 1
                    #expect(
                        imported == module || permitted.contains(imported) || Self.system.contains(imported),
                        "Sources/\(module)/\(relative):\(line) imports \(imported), which \(module) must not import")
                }
            }
        }
        #expect(checked > 100)
    }

    /// The dependencies of each target of `Package.swift` (tests aside): target and product names.
    static func packageDependencies(_ manifest: String) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        let starts = [".target(", ".executableTarget(", ".systemLibrary(", ".testTarget("]
        var declarations: [(kind: String, range: Range<String.Index>)] = []
        for start in starts {
            var from = manifest.startIndex
            while let found = manifest.range(of: start, range: from..<manifest.endIndex) {
                declarations.append((start, found))
                from = found.upperBound
            }
        }
        declarations.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (index, declaration) in declarations.enumerated() where declaration.kind != ".testTarget(" {
            let end = index + 1 < declarations.count ? declarations[index + 1].range.lowerBound : manifest.endIndex
            let text = String(manifest[declaration.range.upperBound..<end])
            guard let name = Self.quoted(in: text.split(separator: ",").first.map(String.init) ?? "").first else {
                continue
            }
            var dependencies: Set<String> = []
            if let list = text.range(of: "dependencies:") {
                var depth = 0
                var body = ""
                for character in text[list.upperBound...] {
                    if character == "[" { depth += 1 }
                    if character == "]" { depth -= 1 }
                    body.append(character)
                    if depth == 0 && character == "]" { break }
                }
                // `.product(name: "Crypto", package: "swift-crypto")`: the product's name, not its package's.
                let withoutPackages = body.replacing(/package: "[^"]*"/, with: "")
                dependencies = Set(Self.quoted(in: withoutPackages))
            }
            out[name] = dependencies
        }
        return out
    }

    /// The double-quoted strings of `text`, in order.
    static func quoted(in text: String) -> [String] {
        text.matches(of: /"([^"]*)"/).map { String($0.output.1) }
    }

    @Test func packageDependenciesFollowTheRule() throws {
        let manifest = try String(
            contentsOf: Self.sources.deletingLastPathComponent().appendingPathComponent("Package.swift"),
            encoding: .utf8)
        let targets = Self.packageDependencies(manifest)
        #expect(targets["AutomailReview"]?.contains("AutomailRuntime") == true, "Package.swift was not read")
        for (target, dependencies) in targets.sorted(by: { $0.key < $1.key }) {
            guard let permitted = Self.allowed[target] else {
                Issue.record("the target \(target) of Package.swift is not in ModuleDependencyTests.allowed")
                continue
            }
            for dependency in dependencies.sorted() {
                #expect(
                    permitted.contains(dependency),
                    "Package.swift: \(target) depends on \(dependency), which \(target) must not import")
            }
        }
    }

    @Test func theCompilerDoesNotDependOnTheRuntime() {
        #expect(Self.allowed["AutoMail"]?.contains("AutomailRuntime") == false)
        #expect(Self.allowed["AutoMail"]?.contains("AutomailReview") == false)
        #expect(
            Self.allowed["BundleModel"]?.isDisjoint(with: ["AutoMail", "AutomailRuntime", "AutomailReview"]) == true)
        #expect(Self.allowed["AutomailRuntime"]?.isDisjoint(with: ["AutoMail", "AutomailReview"]) == true)
        #expect(Self.allowed["Liquid"] == [])
        #expect(Self.allowed["AutomailLanguage"]?.isDisjoint(with: ["AutomailRuntime", "AutomailReview"]) == true)
    }

    @Test func importsAreReadWhateverTheirAttributes() {
        let text = "@testable import A\nimport struct B.C\n@_exported import D\n// import E\nimport F.G\n"
        #expect(Self.imports(of: text).map(\.module) == ["A", "B", "D", "F"])
    }
}
