/// Running mean and (co)variance by Welford's algorithm, for metric adaptation.
struct WelfordEstimator {
    let kind: MetricKind
    let n: Int
    private(set) var count = 0
    private var mean: [Double]
    private var m2: [Double]  // [n] diagonal or [n, n] row-major
    private var delta: [Double]

    init(kind: MetricKind, dimension n: Int) {
        self.kind = kind
        self.n = n
        mean = .init(repeating: 0, count: n)
        m2 = .init(repeating: 0, count: kind == .dense ? n * n : n)
        delta = .init(repeating: 0, count: n)
    }

    mutating func restart() {
        count = 0
        for i in mean.indices { mean[i] = 0 }
        for i in m2.indices { m2[i] = 0 }
    }

    mutating func add(_ x: UnsafePointer<Double>) {
        count += 1
        let c = Double(count)
        for i in 0..<n {
            delta[i] = x[i] - mean[i]
            mean[i] += delta[i] / c
        }
        switch kind {
        case .diagonal:
            for i in 0..<n { m2[i] += delta[i] * (x[i] - mean[i]) }
        case .dense:
            for i in 0..<n {
                let di = x[i] - mean[i]
                for j in 0..<n { m2[i * n + j] += di * delta[j] }
            }
        }
    }

    /// Sample (co)variance shrunk toward 10⁻³·I as Stan does: w·S + 10⁻³(1 − w)·I with
    /// w = k/(k + 5), which keeps a short window's estimate positive definite.
    func regularizedCovariance() -> [Double] {
        Self.regularize(m2.map { $0 / Double(max(count - 1, 1)) }, count: count, kind: kind, dimension: n)
    }

    /// w·S + 10⁻³(1 − w)·I with w = k/(k + 5) for an estimate S from k draws.
    static func regularize(_ estimate: [Double], count: Int, kind: MetricKind, dimension n: Int) -> [Double] {
        let k = Double(count)
        let w = k / (k + 5)
        let ridge = 1e-3 * 5 / (k + 5)
        var out = estimate.map { w * $0 }
        switch kind {
        case .diagonal:
            for i in 0..<n { out[i] += ridge }
        case .dense:
            for i in 0..<n { out[i * n + i] += ridge }
        }
        return out
    }
}
