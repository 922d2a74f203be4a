// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "automail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "automail", targets: ["automail"]),
        .library(name: "AutoMail", targets: ["AutoMail"]),
        .library(name: "Liquid", targets: ["Liquid"]),
        .library(name: "AutomailRuntime", targets: ["AutomailRuntime"]),
        .library(name: "BundleModel", targets: ["BundleModel"]),
        .library(name: "AutomailReview", targets: ["AutomailReview"]),
        .library(name: "BundleFormat", targets: ["BundleFormat"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "AutomailLanguage", targets: ["AutomailLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        /// The system libyaml (Debian `libyaml-dev`, pkg-config `yaml-0.1`).
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        /// Source files, positions, ranges and diagnostics: shared by every stage.
        .target(name: "Diagnostics"),
        /// libyaml events -> node tree with source ranges. Knows nothing of workspaces; it reports YAML
        /// problems with their stable codes AM101–AM113 (YAMLDiagnosticCodes.swift), which the compiler's
        /// `Rules/YAML/` family catalogues.
        .target(name: "YAMLSource", dependencies: ["CLibYAML", "Diagnostics"]),
        /// Liquid lexer, parser, analyser and renderer for automail's subset. No dependencies,
        /// so a sender-side runtime can use it without the compiler.
        .target(name: "Liquid"),
        /// The bundle's JSON: values, the canonical and pretty writer, a strict reader, the digest, and its
        /// Ed25519 signature and keys (docs/signing.md).
        /// Shared by the compiler (which writes bundles) and anything that reads them back.
        .target(name: "BundleFormat", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        /// The bundle as a typed model and its one reader (format, digest, signature, every member the
        /// sender uses), with what the compiler and the sender share about time: instants, zone offsets,
        /// quiet hours, blackouts, the cap and the timing policies. Never depends on the compiler.
        .target(name: "BundleModel", dependencies: ["BundleFormat", "Liquid"]),
        /// The sender side of the bundle: evaluates an event into the email to send and renders it
        /// (docs/bundle-format.md), over the model of BundleModel. Never depends on the compiler.
        .target(
            name: "AutomailRuntime",
            dependencies: [
                "BundleFormat", "BundleModel", "Diagnostics", "Liquid",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// Markdown-with-Liquid -> email HTML and plain text.
        .target(name: "MailRendering", dependencies: ["Liquid"]),
        /// The compiler: load, decode, check, lower, emit. Never prints, never exits.
        .target(
            name: "AutoMail",
            dependencies: [
                "Diagnostics", "YAMLSource", "Liquid", "MailRendering", "BundleFormat", "BundleModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// What reads bundles back for a person: `diff` (two bundles compared, rendered for a terminal,
        /// Markdown or JSON) and `preview` (a template rendered through the runtime, the review site).
        .target(
            name: "AutomailReview",
            dependencies: [
                "AutoMail", "AutomailRuntime", "BundleFormat", "BundleModel", "Diagnostics", "Liquid", "MailRendering",
                "YAMLSource",
            ]
        ),
        /// The language service under `automail lsp`: diagnostics, navigation, completion, hover, code
        /// actions and rename over a workspace with unsaved buffers, in LSP's vocabulary but with its own
        /// value types, so that an LSP transport is a thin adapter. Never depends on the runtime.
        .target(name: "AutomailLanguage", dependencies: ["AutoMail", "Diagnostics", "YAMLSource", "Liquid"]),
        /// The thin command-line front.
        .executableTarget(
            name: "automail",
            dependencies: [
                "AutoMail", "AutomailReview", "AutomailRuntime", "BundleFormat", "BundleModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers several test targets share (linearity as a ratio of thread CPU times); not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "YAMLSourceTests", dependencies: ["YAMLSource", "TestSupport"]),
        .testTarget(name: "LiquidTests", dependencies: ["Liquid", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "MailRenderingTests", dependencies: ["MailRendering", "TestSupport"],
            exclude: ["ink-0.6.0-parity.json"]),
        .testTarget(name: "BundleFormatTests", dependencies: ["BundleFormat", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "AutoMailTests",
            dependencies: [
                "AutoMail", "AutomailReview", "AutomailRuntime", "BundleFormat", "BundleModel", "MailRendering",
                "TestSupport", "YAMLSource",
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "AutomailLanguageTests", dependencies: ["AutomailLanguage", "AutoMail", "Diagnostics"]),
        .testTarget(
            name: "AutomailRuntimeTests", dependencies: ["AutomailRuntime", "BundleFormat", "BundleModel", "Liquid"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["AutoMail", "AutomailReview", "AutomailRuntime", "BundleFormat", "BundleModel"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
