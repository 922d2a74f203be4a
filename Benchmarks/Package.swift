// swift-tools-version:6.0
// automail's benchmarks, a package of their own so the product never links what they measure against
// (cmark-gfm, Debian `libcmark-gfm-dev`): `automail-floor`, the C pipeline floor alone, and
// `automail-bench`, automail's phases beside that floor in one process. See BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "automail-benchmarks",
    dependencies: [.package(name: "automail", path: "..")],
    targets: [
        /// The floor in C: libyaml's event loop, cmark-gfm's HTML and plain text of every body, JSON escaping.
        .target(
            name: "PipelineFloor",
            linkerSettings: [.linkedLibrary("yaml"), .linkedLibrary("cmark-gfm")]
        ),
        /// The floor as a program of its own.
        .executableTarget(name: "automail-floor", dependencies: ["PipelineFloor"]),
        /// automail's phases beside the floor and libyaml's bare loop, alternating, in one process.
        .executableTarget(
            name: "automail-bench",
            dependencies: [
                "PipelineFloor",
                .product(name: "AutoMail", package: "automail"),
                .product(name: "BundleFormat", package: "automail"),
                .product(name: "Diagnostics", package: "automail"),
                .product(name: "AutomailLanguage", package: "automail"),
            ],
            path: "Sources/AutomailBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
