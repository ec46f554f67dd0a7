// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ClipMeter",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "clipmeter", targets: ["clipmeter"]),
        .library(name: "ClipMeterKit", targets: ["ClipMeterKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The C boundary: libavformat/libavcodec/libavutil found with pkg-config.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "pkg-config"])]
        ),
        // PostgreSQL's client library, for a ledger shared by many scanners (`--ledger postgres://…`).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "MediaProbe", dependencies: ["CFFmpeg"]),
        .target(name: "Timeline"),
        .target(
            name: "Billing",
            dependencies: [.product(name: "Yams", package: "Yams")],
            // The cards are compiled in (BundledRateCardData.swift, scripts/embed-rate-cards); the JSON stays the source.
            exclude: ["RateCards"]
        ),
        .target(name: "Ledger", dependencies: ["CLibPQ", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "ClipMeterKit",
            dependencies: ["MediaProbe", "Timeline", "Billing", "Ledger", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "ClipMeterCLI",
            dependencies: [
                "ClipMeterKit", "MediaProbe", "Timeline", "Billing", "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "clipmeter", dependencies: ["ClipMeterCLI"]),

        // Generated test media and the ffprobe packet-scan reference, shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaProbeTests", dependencies: ["MediaProbe", "TestSupport"]),
        .testTarget(name: "TimelineTests", dependencies: ["Timeline"]),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "TestSupport"]),
        .testTarget(name: "ClipMeterKitTests", dependencies: ["ClipMeterKit", "Billing", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ClipMeterKit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
