/// The few loops every operation is made of, four lanes wide. Operations read and write one
/// workspace, so the compiler cannot prove their pointers apart and would not vectorize the plain
/// loops itself.
public enum VectorKernels {
    public typealias Lanes = SIMD4<Double>

    /// Σᵢ a[i]·b[i].
    @inlinable
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count n: Int) -> Double {
        let ar = UnsafeRawPointer(a), br = UnsafeRawPointer(b)
        var s0 = SIMD8<Double>.zero, s1 = SIMD8<Double>.zero
        var i = 0
        while i + 15 < n {
            s0 += ar.loadUnaligned(fromByteOffset: 8 * i, as: SIMD8<Double>.self) * br.loadUnaligned(fromByteOffset: 8 * i, as: SIMD8<Double>.self)
            s1 += ar.loadUnaligned(fromByteOffset: 8 * i + 64, as: SIMD8<Double>.self) * br.loadUnaligned(fromByteOffset: 8 * i + 64, as: SIMD8<Double>.self)
            i += 16
        }
        while i + 3 < n {
            s0.lowHalf += ar.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self) * br.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self)
            i += 4
        }
        var tail = 0.0
        while i < n { tail += a[i] * b[i]; i += 1 }
        return (s0 + s1).sum() + tail
    }

    /// Σᵢ a[i].
    @inlinable
    public static func sum(_ a: UnsafePointer<Double>, count n: Int) -> Double {
        let ar = UnsafeRawPointer(a)
        var s0 = Lanes.zero, s1 = Lanes.zero
        var i = 0
        while i + 7 < n {
            s0 += ar.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self)
            s1 += ar.loadUnaligned(fromByteOffset: 8 * i + 32, as: Lanes.self)
            i += 8
        }
        var tail = 0.0
        while i < n { tail += a[i]; i += 1 }
        return (s0 + s1).sum() + tail
    }

    /// y[i] += alpha·x[i].
    @inlinable
    public static func addScaled(_ alpha: Double, _ x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count n: Int) {
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 3 < n {
            let v = yr.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self) + alpha * xr.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self)
            yr.storeBytes(of: v, toByteOffset: 8 * i, as: Lanes.self)
            i += 4
        }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    /// y[i] += a[i]·b[i].
    @inlinable
    public static func addProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count n: Int) {
        let ar = UnsafeRawPointer(a), br = UnsafeRawPointer(b), yr = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 3 < n {
            let v = yr.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self)
                + ar.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self) * br.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self)
            yr.storeBytes(of: v, toByteOffset: 8 * i, as: Lanes.self)
            i += 4
        }
        while i < n { y[i] += a[i] * b[i]; i += 1 }
    }

    /// y[i] = alpha·x[i].
    @inlinable
    public static func scale(_ alpha: Double, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count n: Int) {
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 3 < n {
            yr.storeBytes(of: alpha * xr.loadUnaligned(fromByteOffset: 8 * i, as: Lanes.self), toByteOffset: 8 * i, as: Lanes.self)
            i += 4
        }
        while i < n { y[i] = alpha * x[i]; i += 1 }
    }

    /// y[i] += x[i].
    @inlinable
    public static func add(_ x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count n: Int) {
        addScaled(1, x, to: y, count: n)
    }
}
