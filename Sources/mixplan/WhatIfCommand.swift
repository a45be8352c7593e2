import ArgumentParser
import BudgetOptimization
import Foundation
import Planning

/// `mixplan whatif SCENARIO --move AMOUNT --from A --to B`: the change a move makes, with its risk.
struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Move an amount from one channel to another and report the change in revenue with its band."
    )

    @OptionGroup var options: ScenarioOptions

    @Option(help: "Amount to move over the horizon, e.g. 2M or $250k.")
    var move: String

    @Option(help: "Channel the amount comes from.")
    var from: String

    @Option(help: "Channel the amount goes to.")
    var to: String

    @Option(help: "Start from the optimized plan (plan) or the current mix (current).")
    var base: String = "plan"

    func run() throws {
        try reportingErrors {
            guard let amount = parseAmount(move) else { throw InputError(.usage, "--move '\(move)' is not an amount (\(amountExpectation))") }
            guard base == "plan" || base == "current" else { throw InputError(.usage, "--base must be plan or current, got '\(base)'") }
            var scenario = try options.load()
            guard from != to else { throw InputError(.usage, "--from and --to are both '\(from)'; a move to itself changes nothing") }
            for name in [from, to] where !scenario.data.channels.contains(name) {
                throw InputError(.usage, "unknown channel '\(name)'\(suggestionText(name, in: scenario.data.channels)); channels are \(scenario.data.channels.joined(separator: ", "))")
            }
            scenario.whatIfs = []
            let folder = options.outputFolder(for: scenario, suffix: "/whatif")
            try OutputFolder.check(folder)
            let whatIf = WhatIf(name: "Move \(move) from \(from) to \(to) (from the \(base == "plan" ? "optimized plan" : "current mix"))",
                                amount: amount, from: from, to: to)
            try Preflight.check(scenario, moves: [(whatIf, base == "plan" ? .plan : .current)])
            let config = scenario.sampler
            let printer = ProgressPrinter(chains: config.chains, iterationsPerChain: config.warmup + config.draws,
                                          label: "fitting \(scenario.name)", quiet: options.quiet)
            let fitted = try Planner.fit(scenario) { printer.update($0) }
            try fitted.convergence.requireConverged(scenario, allowUnconverged: options.allowUnconverged)
            let run = try Planner.plan(scenario, fitted: fitted)
            let start = base == "plan" ? run.spend : run.currentSpend
            let result = try Planner.evaluate(whatIf, base: start, problem: run.problem, interval: scenario.plan.interval)
            try OutputFolder.write(fitted.convergence.marking([("whatif.csv", PlanFiles.whatIfs([result]))]), to: folder)
            print(fitted.convergence.verdict)
            print("What-if on \(scenario.name): \(scenario.plan.horizon) periods, budget \(money(run.problem.budget))\n")
            print(whatIfTable([result], interval: scenario.plan.interval, kind: scenario.data.targetKind))
            print("\nFiles: \(folder)/whatif.csv")
        }
    }
}
