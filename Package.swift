// swift-tools-version: 6.0
import PackageDescription

// Data flows one way: ReferenceDensities and later MediaModel provide log densities;
// Sampling draws from them; BudgetOptimization (through CNLopt) plans from the draws;
// only the `mixplan` executable prints or exits.
let package = Package(
    name: "MixPlan",
    products: [
        .executable(name: "mixplan", targets: ["mixplan"]),
        .library(name: "Sampling", targets: ["Sampling"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "Sampling",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Ounchecked"], .when(configuration: .release))]
        ),
        .target(name: "ReferenceDensities", dependencies: ["Sampling"]),
        .systemLibrary(
            name: "CNLopt",
            pkgConfig: "nlopt",
            providers: [.apt(["libnlopt-dev"])]
        ),
        .executableTarget(
            name: "mixplan",
            dependencies: [
                "Sampling", "ReferenceDensities",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "mixplan-bench",
            dependencies: ["Sampling", "ReferenceDensities"],
            path: "Sources/Bench"
        ),
        .testTarget(
            name: "SamplingTests",
            dependencies: ["Sampling", "ReferenceDensities"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CNLoptTests", dependencies: ["CNLopt"]),
    ]
)
