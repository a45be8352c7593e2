import Foundation
import MediaModel
import Planning

/// What `mixplan fit` adds for geo data: how each channel's ROAS spreads across geos, and how
/// well every geo is fitted (empty for national data).
struct GeoFitReport {
    let fit: FitRun
    init(_ fit: FitRun) { self.fit = fit }

    var text: String {
        guard !fit.geos.isEmpty else { return "" }
        let model = fit.posterior.model
        var out = "\n\nGeo ROAS (posterior means across \(model.geoCount) geos; hierarchy: \(model.specification.hierarchy.rawValue)):\n"
        var rows: [[String]] = []
        for name in model.data.channels {
            let geos = fit.geos.filter { $0.channel == name }
            let means = geos.map(\.roas.mean).sorted()
            guard let low = means.first, let high = means.last else { continue }
            let lowGeo = geos.first { $0.roas.mean == low }!.geo, highGeo = geos.first { $0.roas.mean == high }!.geo
            rows.append([name, "\(geos.count)", String(format: "%.2f (%@)", low, lowGeo), String(format: "%.2f", means[means.count / 2]),
                         String(format: "%.2f (%@)", high, highGeo)])
        }
        out += table(header: ["channel", "geos", "lowest", "median", "highest"], rows: rows)
        let checks = fit.geoChecks
        if let worst = checks.min(by: { $0.rSquared < $1.rSquared }) {
            let coverage = checks.map { Double($0.covered) / Double(max($0.periods, 1)) }
            out += String(format: "\nFit check per geo: R² %.3f to %.3f (lowest %@), predictive-band coverage %.0f%% to %.0f%%; every pair in geos.csv",
                          worst.rSquared, checks.map(\.rSquared).max()!, worst.geo, 100 * coverage.min()!, 100 * coverage.max()!)
        }
        return out
    }
}
