import ArgumentParser

/// The root command. Subcommands live in their own files; this is the only target that prints
/// or exits.
@main
struct MixPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixplan",
        abstract: "Bayesian media-mix response curves and budget plans.",
        discussion: """
            fit learns each channel's response curve from weekly history with our NUTS sampler; \
            plan, whatif and frontier turn the curves into budget plans with risk bands; \
            report rebuilds a run's report.html; demo runs the bundled example end to end.
            """,
        subcommands: [FitCommand.self, PlanCommand.self, WhatIfCommand.self, FrontierCommand.self, DemoCommand.self, ReportCommand.self, SimulateCommand.self, LiftCommand.self, GeoSimulateCommand.self]
    )
}
