/// Stan's windowed warmup: an initial fast interval (step size only), slow windows of doubling
/// length whose draws estimate the metric, and a terminal fast interval (step size only).
///
/// A pure function of the warmup length, so it can be checked exactly.
public struct WarmupSchedule: Sendable, Equatable {
    public let warmup: Int
    /// Initial fast interval actually used (default 75; 15% of warmup when it does not fit).
    public let initialBuffer: Int
    /// Terminal fast interval actually used (default 50; 10% of warmup when it does not fit).
    public let terminalBuffer: Int
    /// First slow window's length (default 25; the rest of warmup when it does not fit).
    public let baseWindow: Int
    /// Iterations (0-based warmup indices) whose draws feed each metric estimate; the metric is
    /// updated at the end of each window. Empty when warmup < 20: no metric adaptation.
    public let metricWindows: [Range<Int>]

    public init(warmup: Int, initialBuffer: Int = 75, terminalBuffer: Int = 50, baseWindow: Int = 25) {
        self.warmup = warmup
        guard warmup >= 20 else {
            self.initialBuffer = warmup; self.terminalBuffer = 0; self.baseWindow = 0
            metricWindows = []
            return
        }
        var initial = initialBuffer, terminal = terminalBuffer, base = baseWindow
        if initial + base + terminal > warmup {
            initial = Int(0.15 * Double(warmup))
            terminal = Int(0.1 * Double(warmup))
            base = warmup - (initial + terminal)
        }
        self.initialBuffer = initial
        self.terminalBuffer = terminal
        self.baseWindow = base

        let lastEnd = warmup - terminal  // exclusive end of the last slow window
        var windows: [Range<Int>] = []
        var start = initial
        var size = base
        while start < lastEnd {
            var end = min(start + size, lastEnd)
            // A later window whose successor (twice as long) would not fit absorbs the rest;
            // Stan never stretches the first one.
            if !windows.isEmpty, end < lastEnd, end + 2 * size > lastEnd { end = lastEnd }
            windows.append(start..<end)
            start = end
            size *= 2
        }
        metricWindows = windows
    }
}
