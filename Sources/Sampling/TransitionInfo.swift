/// What one NUTS transition reports, under Stan's names in the draws file.
public struct TransitionInfo: Sendable, Equatable {
    /// `lp__`: log density at the new draw.
    public var logDensity: Double
    /// `accept_stat__`: mean Metropolis acceptance over the whole trajectory.
    public var acceptStat: Double
    /// `stepsize__`
    public var stepSize: Double
    /// `treedepth__`: completed tree doublings.
    public var treeDepth: Int
    /// `n_leapfrog__`: leapfrog steps, including those of a rejected last subtree.
    public var leapfrogSteps: Int
    /// `divergent__`: the energy error exceeded the threshold somewhere on the trajectory.
    public var divergent: Bool
    /// `energy__`: the Hamiltonian at the new draw.
    public var energy: Double

    /// Stan's column names, in the order of `values`.
    public static let columnNames = [
        "lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__",
    ]

    /// The statistics as numbers, in the order of `columnNames`.
    public var values: [Double] {
        [logDensity, acceptStat, stepSize, Double(treeDepth), Double(leapfrogSteps), divergent ? 1 : 0, energy]
    }
}
