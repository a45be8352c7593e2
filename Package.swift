// swift-tools-version: 6.0
import PackageDescription

// Data flows one way: Autodiff runs programs over vectors and differentiates them; MediaModel (and, for checking the sampler, ReferenceDensities) provide
// log densities; Sampling draws from them; Planning reads scenarios and writes results;
// BudgetOptimization (through CNLopt) will plan from the draws; only `mixplan` prints or exits.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "MixPlan",
    products: [
        .executable(name: "mixplan", targets: ["mixplan"]),
        .library(name: "Sampling", targets: ["Sampling"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // The numeric modules are optimized even in debug builds so that tests which sample run in
        // seconds; release builds also drop bounds checks there.
        .target(name: "Sampling", swiftSettings: numericSettings),
        .target(name: "ReferenceDensities", dependencies: ["Sampling"]),
        .target(name: "Autodiff", swiftSettings: numericSettings),
        .target(name: "MediaModel", dependencies: ["Sampling", "Autodiff"], swiftSettings: numericSettings),
        // Model comparison by PSIS-LOO and stacking: pointwise log-likelihoods in, no marketing.
        .target(name: "ModelComparison", swiftSettings: numericSettings),
        .target(name: "Planning", dependencies: ["MediaModel", "Sampling", "BudgetOptimization", "GeoExperiment", "ModelComparison", "Yams"]),
        // Geo experiments: a Bayesian synthetic control sampled by our NUTS, and a geo simulator.
        .target(name: "GeoExperiment", dependencies: ["Sampling", "MediaModel"], swiftSettings: numericSettings),
        .target(name: "BudgetOptimization", dependencies: ["CNLopt"], swiftSettings: numericSettings),
        // Data simulated from known truth: the bundled examples, the decision study's worlds,
        // geo histories; `mixplan simulate`, the bench and the tests draw from it.
        .target(name: "Simulation", dependencies: ["MediaModel", "Sampling"], swiftSettings: numericSettings),
        .systemLibrary(
            name: "CNLopt",
            pkgConfig: "nlopt",
            providers: [.apt(["libnlopt-dev"])]
        ),
        .executableTarget(
            name: "mixplan",
            dependencies: [
                "Sampling", "MediaModel", "Planning", "BudgetOptimization", "GeoExperiment", "Simulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "mixplan-bench",
            dependencies: ["Sampling", "ReferenceDensities", "MediaModel", "Planning", "BudgetOptimization", "GeoExperiment", "Simulation"],
            path: "Sources/Bench"
        ),
        .testTarget(
            name: "SamplingTests",
            dependencies: ["Sampling", "ReferenceDensities"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CNLoptTests", dependencies: ["CNLopt"]),
        .testTarget(name: "BudgetOptimizationTests", dependencies: ["BudgetOptimization"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff"]),
        .testTarget(name: "ModelComparisonTests", dependencies: ["ModelComparison"], exclude: ["Fixtures"]),
        .testTarget(name: "MediaModelTests", dependencies: ["MediaModel", "Sampling", "Autodiff", "Simulation"]),
        .testTarget(name: "GeoExperimentTests", dependencies: ["GeoExperiment", "MediaModel", "Sampling", "Simulation"]),
        .testTarget(
            name: "PlanningTests",
            dependencies: ["Planning", "MediaModel", "Sampling", "GeoExperiment", "Simulation", "mixplan"],
            exclude: ["Fixtures"]
        ),
    ]
)
