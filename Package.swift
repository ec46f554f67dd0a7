// swift-tools-version:6.1
// 6.1: GRDB 7.10 declares swift-tools-version 6.1 (swift-argument-parser 1.8.2 needs 6.0, Yams 6.2.2 5.7).
import PackageDescription

/// The rate cards compiled into `clipmeter` (Sources/Billing/RateCards/ID.json).
let bundledRateCards =
    ["cn"]
    + [
        "cn-mainland", "hongkong", "us-silicon-valley", "frankfurt", "london", "singapore", "japan",
        "indonesia", "riyadh",
    ].map { "intl-\($0)" }

let package = Package(
    name: "ClipMeter",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "clipmeter", targets: ["clipmeter"]),
        .library(name: "ClipMeterKit", targets: ["ClipMeterKit"]),
    ],
    // Exact versions: two builds a month apart resolve the same code. Package.resolved is not committed (a copy of
    // these packages made on a build machine can carry other commit ids than GitHub's), so the pins live here.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    ],
    targets: [
        // The C boundary: libavformat/libavcodec/libavutil found with pkg-config.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "pkg-config"])]
        ),
        // The C half of that boundary: bodies and state of the shim (the per-file I/O confinement, the log
        // trampoline), declarations only in its header.
        .target(
            name: "CFFmpegShim",
            dependencies: ["CFFmpeg"],
            linkerSettings: [.linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("avutil")]
        ),
        // SHA-256 and HMAC (request signing, bounded job keys): libavutil's, in a C target of their own so that
        // hashing does not ride in the FFmpeg shim (docs/development.md, "Why digests from libavutil").
        .target(name: "CDigests", dependencies: ["CFFmpeg"], linkerSettings: [.linkedLibrary("avutil")]),
        .target(name: "Digests", dependencies: ["CDigests"]),
        // OSS objects read in place: URL parsing, endpoints, V1/V4 pre-signed URLs, the HEAD that identifies an
        // object for the cache, and the checked range reads (its own HTTP/1.1 over libavformat's tcp/tls, so every
        // header of every answer is seen).
        .target(name: "OSSAccess", dependencies: ["CFFmpeg", "CFFmpegShim", "Digests"]),
        .target(name: "MediaProbe", dependencies: ["CFFmpeg", "CFFmpegShim", "OSSAccess", "Quantities"]),
        // PostgreSQL's client library, for a ledger shared by many scanners (`--ledger postgres://…`).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The one strict decimal parser, shared by the pure modules (Timeline must not depend on Billing).
        .target(name: "Quantities"),
        .target(name: "Timeline", dependencies: ["Quantities"]),
        .target(
            name: "Billing",
            dependencies: ["Quantities", .product(name: "Yams", package: "Yams")],
            // The cards' JSON is compiled in at build time (PackageResources, read by BundledRateCardData.swift).
            resources: bundledRateCards.map { .embedInCode("RateCards/\($0).json") }
        ),
        .target(name: "Ledger", dependencies: ["CLibPQ", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "ClipMeterKit",
            dependencies: [
                "MediaProbe", "OSSAccess", "Timeline", "Billing", "Ledger", "Quantities", "Digests",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ClipMeterCLI",
            dependencies: [
                "ClipMeterKit", "MediaProbe", "OSSAccess", "Timeline", "Billing", "Ledger", "Quantities",
                "Reconcile",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Alibaba's bill beside ClipMeter's charges: bill-file readers, the item map, the comparison and its views.
        .target(
            name: "Reconcile",
            dependencies: [
                "Billing", "Quantities", .product(name: "Yams", package: "Yams"), .product(name: "SwiftCSV", package: "SwiftCSV"),
            ]
        ),
        .executableTarget(name: "clipmeter", dependencies: ["ClipMeterCLI"]),

        // Generated test media and the ffprobe packet-scan reference, shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaProbeTests", dependencies: ["MediaProbe", "TestSupport"]),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"]),
        .testTarget(name: "OSSAccessTests", dependencies: ["OSSAccess", "TestSupport"]),
        .testTarget(name: "QuantitiesTests", dependencies: ["Quantities"]),
        .testTarget(name: "TimelineTests", dependencies: ["Timeline"]),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "Quantities", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "TestSupport"]),
        .testTarget(name: "ClipMeterKitTests", dependencies: ["ClipMeterKit", "Billing", "Quantities", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ClipMeterKit", "TestSupport"]),
        .testTarget(name: "ReconcileTests", dependencies: ["Reconcile", "Billing", "Quantities"]),
        .testTarget(
            name: "ClipMeterCLITests", dependencies: ["ClipMeterCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ],
    swiftLanguageModes: [.v5]
)
