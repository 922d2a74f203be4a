// swift-tools-version:6.0
// The libFuzzer target over the whole compiler pipeline. A package of its own so that the main
// package's `swift build` and `swift test` never need the fuzzer runtime: scripts/fuzz/build.sh builds
// it with `-sanitize=fuzzer,address`.
import PackageDescription

let package = Package(
    name: "automail-fuzz",
    dependencies: [.package(name: "automail", path: "..")],
    targets: [
        /// The declaration of libFuzzer's `LLVMFuzzerRunDriver`.
        .target(name: "CFuzzDriver"),
        /// Bytes in (a small workspace, see FuzzInput.swift), diagnostics out.
        .executableTarget(
            name: "AutomailFuzz",
            dependencies: [
                "CFuzzDriver", .product(name: "AutoMail", package: "automail"),
                .product(name: "AutomailReview", package: "automail"),
                .product(name: "AutomailRuntime", package: "automail"),
                .product(name: "BundleModel", package: "automail"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
