import ArgumentParser

/// The root command. Subcommands live in their own files; this is the only target that prints
/// or exits.
@main
struct MixPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixplan",
        abstract: "Bayesian media-mix response curves and budget plans.",
        discussion: """
            Built so far: the NUTS sampler with its diagnostics. The media model (fit), the \
            optimizer (plan, whatif, frontier) are the next milestones; until then `demo` runs \
            the sampler on targets whose answers are known.
            """,
        subcommands: [FitCommand.self, PlanCommand.self, WhatIfCommand.self, FrontierCommand.self, DemoCommand.self, SimulateCommand.self]
    )
}
