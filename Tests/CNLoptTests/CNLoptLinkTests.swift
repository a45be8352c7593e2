import CNLopt
import Testing

/// The system library is found through pkg-config and links: the optimizer builds on it.
@Suite struct CNLoptLinkTests {
    @Test func nloptLinksAndSolvesABoundedQuadratic() {
        var major: Int32 = 0, minor: Int32 = 0, bugfix: Int32 = 0
        nlopt_version(&major, &minor, &bugfix)
        #expect(major >= 2)

        // minimize (x − 3)² on [0, 2]: the optimum sits on the bound x = 2.
        let opt = nlopt_create(NLOPT_LD_SLSQP, 1)!
        defer { nlopt_destroy(opt) }
        var lower = 0.0, upper = 2.0
        nlopt_set_lower_bounds(opt, &lower)
        nlopt_set_upper_bounds(opt, &upper)
        nlopt_set_min_objective(opt, { _, x, grad, _ in
            if let grad { grad[0] = 2 * (x![0] - 3) }
            return (x![0] - 3) * (x![0] - 3)
        }, nil)
        nlopt_set_xtol_rel(opt, 1e-10)
        var x = 0.5, value = 0.0
        let status = nlopt_optimize(opt, &x, &value)
        #expect(status.rawValue > 0)
        #expect(abs(x - 2) < 1e-9)
        #expect(abs(value - 1) < 1e-9)
    }
}
