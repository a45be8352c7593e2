import Foundation
import Sampling

/// A fit's chains in binary: the unconstrained draws and sampler statistics as raw doubles, read
/// back in milliseconds and to the same bits (`posterior.csv` beside it is the same data as text,
/// for people and other tools).
///
/// Layout, little-endian: the 8 bytes `MXPOST01`; then per chain the chain id, its draws and its
/// dimension (three `Int64`), its step size, each draw's sampler statistics
/// (`TransitionInfo.values`, `[draws, 7]`), and the draws (`[draws, dimension]`), all `Double`.
enum PosteriorFile {
    static let name = "posterior.bin"
    private static let magic = Array("MXPOST01".utf8)

    static func encode(_ chains: [ChainResult]) -> Data {
        var data = Data(magic)
        func append<T>(_ values: [T]) { values.withUnsafeBytes { data.append(contentsOf: $0) } }
        for chain in chains {
            append([Int64(chain.chain), Int64(chain.drawCount), Int64(chain.dimension)].map(\.littleEndian))
            append([chain.stepSize.bitPattern.littleEndian])
            append(chain.statistics.flatMap(\.values).map(\.bitPattern.littleEndian))
            append(chain.draws.map(\.bitPattern.littleEndian))
        }
        return data
    }

    /// The chains stored in `data`, or nil when it is not such a file or does not hold
    /// `dimension` coordinates per draw (a damaged file is a cache miss, never a trap).
    static func decode(_ data: Data, dimension: Int) -> [ChainResult]? {
        guard data.count >= magic.count, Array(data.prefix(magic.count)) == magic else { return nil }
        let words = (data.count - magic.count) / 8
        guard (data.count - magic.count) % 8 == 0 else { return nil }
        var raw = [UInt64](repeating: 0, count: words)
        raw.withUnsafeMutableBytes { _ = data.suffix(from: data.startIndex + magic.count).copyBytes(to: $0) }
        raw = raw.map { UInt64(littleEndian: $0) }
        let width = TransitionInfo.columnNames.count
        var chains: [ChainResult] = [], at = 0
        while at < words {
            guard at + 4 <= words else { return nil }
            let id = Int64(bitPattern: raw[at]), count = Int64(bitPattern: raw[at + 1]), dim = Int64(bitPattern: raw[at + 2])
            guard id >= 0, count >= 0, count <= 1 << 32, dim == Int64(dimension) else { return nil }
            let n = Int(count), step = Double(bitPattern: raw[at + 3])
            at += 4
            guard at + n * (width + dimension) <= words else { return nil }
            var statistics: [TransitionInfo] = []
            statistics.reserveCapacity(n)
            for i in 0..<n {
                let values = raw[(at + i * width)..<(at + (i + 1) * width)].map(Double.init(bitPattern:))
                // Tree depth and leapfrog steps become integers: whole and in range, or a miss.
                guard [values[3], values[4]].allSatisfy({ $0 >= 0 && $0 <= 1e9 && $0 == $0.rounded() }),
                      let info = TransitionInfo(values: values) else { return nil }
                statistics.append(info)
            }
            at += n * width
            let draws = raw[at..<(at + n * dimension)].map(Double.init(bitPattern:))
            at += n * dimension
            chains.append(ChainResult(chain: Int(id), dimension: dimension, draws: draws, statistics: statistics, stepSize: step))
        }
        return chains
    }
}
