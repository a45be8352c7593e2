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

    public init(logDensity: Double, acceptStat: Double, stepSize: Double, treeDepth: Int, leapfrogSteps: Int,
                divergent: Bool, energy: Double) {
        self.logDensity = logDensity; self.acceptStat = acceptStat; self.stepSize = stepSize
        self.treeDepth = treeDepth; self.leapfrogSteps = leapfrogSteps; self.divergent = divergent; self.energy = energy
    }

    /// Restores statistics from `values` (the order of `columnNames`).
    public init?(values v: [Double]) {
        guard v.count == 7 else { return nil }
        self.init(logDensity: v[0], acceptStat: v[1], stepSize: v[2], treeDepth: Int(v[3]), leapfrogSteps: Int(v[4]),
                  divergent: v[5] != 0, energy: v[6])
    }

    /// The statistics as numbers, in the order of `columnNames`.
    public var values: [Double] {
        [logDensity, acceptStat, stepSize, Double(treeDepth), Double(leapfrogSteps), divergent ? 1 : 0, energy]
    }
}
