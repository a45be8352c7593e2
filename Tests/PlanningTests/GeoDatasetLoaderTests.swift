import Foundation
import MediaModel
import Testing
@testable import Planning

/// A small long-format geo file written by the tests: geos `a`, `b`, `c` (populations 100, 300,
/// 600) × 20 weeks from 2024-01-01, columns `week,region,revenue,tv,search,price,pop`. Values
/// depend on geo and week so that a misplaced row changes what loads.
struct GeoFile {
    static let header = "week,region,revenue,tv,search,price,pop"
    static let geos = ["a", "b", "c"]
    static let population = [100.0, 300, 600]
    static let weeks = 20

    struct Cell { var week: Int; var geo: Int }

    static func date(_ week: Int) -> String { isoDate(days: 19723 + 7 * week) }  // from 2024-01-01

    static func values(_ c: Cell) -> (revenue: Double, tv: Double, search: Double, price: Double) {
        let g = Double(c.geo + 1), w = Double(c.week)
        return (1000 * g + 13 * w + Double((c.week * 7 + c.geo * 3) % 11), 10 * g + Double(c.week % 4), Double((c.week + c.geo) % 3),
                1 + 0.01 * w + 0.1 * g)
    }

    static func line(_ c: Cell) -> String {
        let v = values(c)
        return "\(date(c.week)),\(geos[c.geo]),\(v.revenue),\(v.tv),\(v.search),\(v.price),\(population[c.geo])"
    }

    /// Cells sorted by geo, then week.
    static var byGeo: [Cell] { geos.indices.flatMap { g in (0..<weeks).map { Cell(week: $0, geo: g) } } }
    /// Cells sorted by week, then geo.
    static var byDate: [Cell] { (0..<weeks).flatMap { w in geos.indices.map { Cell(week: w, geo: $0) } } }

    static func spec(_ file: String, population: String? = "pop") -> DataSpecification {
        DataSpecification(file: file, date: "week", target: "revenue", channels: ["tv", "search"], controls: ["price"],
                          geo: "region", population: population)
    }
}

@Suite struct GeoDatasetLoaderTests {
    func load(_ lines: [String], spec: (String) -> DataSpecification = { GeoFile.spec($0) }, minimumRows: Int = 10) throws -> Dataset {
        let dir = temporaryFolder()
        let path = write(lines.joined(separator: "\n"), "geo.csv", in: dir)
        return try DatasetLoader.load(spec(path), minimumRows: minimumRows)
    }

    /// Every cell of a loaded data set against the generator, looked up by geo name and date.
    func expectMatchesGenerator(_ d: Dataset) {
        #expect(d.periods == GeoFile.weeks)
        #expect(d.dates == (0..<GeoFile.weeks).map(GeoFile.date))
        #expect(Set(d.geos) == Set(GeoFile.geos) && d.geoCount == 3 && d.isGeo)
        for (g, name) in GeoFile.geos.enumerated() {
            guard let i = d.geoIndex(named: name) else { Issue.record("geo \(name) missing"); continue }
            #expect(d.population?[i] == GeoFile.population[g])
            for w in 0..<GeoFile.weeks {
                let v = GeoFile.values(.init(week: w, geo: g))
                #expect(d.target(geo: i)[w] == v.revenue)
                #expect(d.spend(geo: i, channel: 0)[w] == v.tv && d.spend(geo: i, channel: 1)[w] == v.search)
                #expect(d.control(geo: i, control: 0)[w] == v.price)
            }
        }
    }

    @Test func longFormatLoadsInEitherRowOrder() throws {
        let byGeo = try load([GeoFile.header] + GeoFile.byGeo.map(GeoFile.line))
        expectMatchesGenerator(byGeo)
        #expect(byGeo.geos == GeoFile.geos, "geos in order of first appearance")
        let byDate = try load([GeoFile.header] + GeoFile.byDate.map(GeoFile.line))
        expectMatchesGenerator(byDate)
        #expect(byDate.geoTarget == byGeo.geoTarget && byDate.geoSpend == byGeo.geoSpend && byDate.geoControls == byGeo.geoControls)
        #expect(byDate.cadence == .weekly)
    }

    @Test func shuffledRowsLoadTheSame() throws {
        var rng = SystemRandomNumberGenerator()
        var cells = GeoFile.byGeo
        cells.shuffle(using: &rng)
        expectMatchesGenerator(try load([GeoFile.header] + cells.map(GeoFile.line)))
    }

    @Test func nationalViewsSumSpendAndTargetAndWeighControlsByPopulation() throws {
        let d = try load([GeoFile.header] + GeoFile.byGeo.map(GeoFile.line))
        let totalPopulation = GeoFile.population.reduce(0, +)
        for w in 0..<GeoFile.weeks {
            let cells = GeoFile.geos.indices.map { GeoFile.values(.init(week: w, geo: $0)) }
            #expect(abs(d.target[w] - cells.map(\.revenue).reduce(0, +)) < 1e-9)
            #expect(abs(d.spend[0][w] - cells.map(\.tv).reduce(0, +)) < 1e-9)
            let weighted = zip(cells, GeoFile.population).map { $0.price * $1 }.reduce(0, +) / totalPopulation
            #expect(abs(d.controls[0][w] - weighted) < 1e-12)
        }
        let tvTotal = GeoFile.byGeo.map { GeoFile.values($0).tv }.reduce(0, +)
        #expect(abs(d.totalSpend[0] - tvTotal) < 1e-9)
        // Without population the controls are the geos' plain mean.
        let plain = try load([GeoFile.header] + GeoFile.byGeo.map(GeoFile.line), spec: { GeoFile.spec($0, population: nil) })
        #expect(plain.population == nil)
        let mean = GeoFile.geos.indices.map { GeoFile.values(.init(week: 3, geo: $0)).price }.reduce(0, +) / 3
        #expect(abs(plain.controls[0][3] - mean) < 1e-12)
    }

    /// The first five geos of Meridian's public geo sample, read independently of the loader.
    @Test func meridianGeoSampleLoads() throws {
        let path = fixtures.appendingPathComponent("meridian_geo_media_5geos.csv").path
        let channels = (0..<4).map { "Channel\($0)_spend" }
        let controls = ["competitor_activity_score_control", "sentiment_score_control"]
        let spec = DataSpecification(file: path, date: "time", target: "conversions", channels: channels, controls: controls,
                                     geo: "geo", population: "population", targetKind: .units)
        let d = try DatasetLoader.load(spec, minimumRows: 52)
        #expect(d.geos == ["Geo0", "Geo1", "Geo2", "Geo3", "Geo4"])
        #expect(d.periods == 156 && d.dates.first == "2021-01-25" && d.cadence == .weekly && d.targetKind == .units)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        func col(_ name: String) -> Int { header.firstIndex(of: name)! }
        let rows = lines.dropFirst()
        #expect(rows.count == 5 * 156)
        for row in rows.enumerated().filter({ $0.offset % 37 == 0 }).map(\.element) {
            let g = try #require(d.geoIndex(named: row[col("geo")]))
            let t = try #require(d.dates.firstIndex(of: row[col("time")]))
            #expect(d.target(geo: g)[t] == Double(row[col("conversions")]))
            for (c, name) in channels.enumerated() { #expect(d.spend(geo: g, channel: c)[t] == Double(row[col(name)])) }
            #expect(d.control(geo: g, control: 1)[t] == Double(row[col(controls[1])]))
            #expect(d.population?[g] == Double(row[col("population")]))
        }
        let spendTotal = rows.map { Double($0[col("Channel2_spend")])! }.reduce(0, +)
        #expect(abs(d.totalSpend[2] - spendTotal) <= 1e-9 * spendTotal)
    }

    /// Each bad geo input: the error kind and fragments the message must contain.
    static let badInputs: [(name: String, kind: InputError.Kind, fragments: [String])] = [
        ("geo missing a date", .data, ["column 'region': geo 'b' has no row for 2024-02-05", "line 7 has it for geo 'a'", "same dates"]),
        ("date twice in a geo", .data, ["line 26, column 'week': date 2024-01-22 of geo 'b' appears twice (first on line 25"]),
        ("empty geo name", .data, ["line 9, column 'region': empty geo name"]),
        ("population varies in a geo", .data, ["line 30, column 'pop': population 301 of geo 'b' differs from 300 on line 22"]),
        ("population zero", .data, ["line 45, column 'pop': population 0 is not positive"]),
        ("population negative", .data, ["line 2, column 'pop': population -5 is not positive"]),
        ("population text", .data, ["line 3, column 'pop': 'many' is not a number"]),
        ("channel without spend in any geo", .data, ["column 'search': the channel has no spend in any row of any geo"]),
        ("week missing in every geo", .data, ["column 'week': 2024-01-22 is 14 days after 2024-01-08", "none missing", "over all geos"]),
        ("bad date", .data, ["line 4, column 'week': '2024-01-32' is not an ISO date"]),
        ("no geo column", .data, ["line 1: no column 'regoin' (named by data.geo)", "did you mean 'region'"]),
        ("population without geo", .configuration, ["data.population", "needs data.geo"]),
        ("geo column is a channel", .configuration, ["data.geo: column 'tv' is also named by data.channels"]),
        ("constant target in one geo", .data, ["column 'revenue': geo 'c' has the target 5 in every period"]),
        ("extreme spend", .data, ["line 12, column 'tv': 1e300 is beyond ±1e15"]),
        ("too few dates", .data, ["4 dates per geo; the model needs at least 10 periods"]),
        ("short row", .data, ["line 5: 6 fields, the header has 7"]),
    ]

    @Test(arguments: badInputs.map(\.name))
    func badGeoInputIsRefused(name: String) throws {
        let dir = temporaryFolder()
        var lines = [GeoFile.header] + GeoFile.byGeo.map(GeoFile.line)  // line n + 1 is cell n: geo a 2–21, b 22–41, c 42–61
        var s = GeoFile.spec(dir.appendingPathComponent("geo.csv").path)
        func setField(_ line: Int, _ field: Int, _ value: String) {
            var f = lines[line - 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[field] = value; lines[line - 1] = f.joined(separator: ",")
        }
        switch name {
        case "geo missing a date": lines.remove(at: 26)  // geo b, week 5 (2024-02-05), on line 27
        case "date twice in a geo": lines[25] = lines[24]  // line 26 repeats line 25 (geo b, week 3)
        case "empty geo name": setField(9, 1, " ")
        case "population varies in a geo": setField(30, 6, "301")
        case "population zero": setField(45, 6, "0")
        case "population negative": setField(2, 6, "-5")
        case "population text": setField(3, 6, "many")
        case "channel without spend in any geo": for l in 2...lines.count { setField(l, 4, "0") }
        case "week missing in every geo": lines = [GeoFile.header] + GeoFile.byGeo.filter { $0.week != 2 }.map(GeoFile.line)
        case "bad date": setField(4, 0, "2024-01-32")
        case "no geo column": s.geo = "regoin"
        case "population without geo": s.geo = nil
        case "geo column is a channel": s.geo = "tv"
        case "constant target in one geo": for l in 42...61 { setField(l, 2, "5") }
        case "extreme spend": setField(12, 3, "1e300")
        case "too few dates": lines = [GeoFile.header] + GeoFile.byDate.filter { $0.week < 4 }.map(GeoFile.line)
        case "short row": lines[4] = "2024-01-22,a,1,2,3,4"
        default: Issue.record("unknown case \(name)")
        }
        write(lines.joined(separator: "\n"), "geo.csv", in: dir)
        let expected = Self.badInputs.first { $0.name == name }!
        let e = inputError { _ = try DatasetLoader.load(s, minimumRows: 10) }
        #expect(e?.kind == expected.kind, "\(name): \(String(describing: e))")
        for fragment in expected.fragments {
            #expect(e?.message.contains(fragment) == true, "\(name): '\(fragment)' not in: \(e?.message ?? "no error")")
        }
        if expected.kind == .data {
            #expect(e?.message.contains(s.file) == true, "\(name): the message names the file")
        }
    }

    @Test func scenarioCarriesGeoPopulationAndTargetKindToTheGeoModel() throws {
        let dir = temporaryFolder()
        write(([GeoFile.header] + GeoFile.byDate.map(GeoFile.line)).joined(separator: "\n"), "geo.csv", in: dir)
        let path = write("""
            name: geo
            data: {file: geo.csv, date: week, target: revenue, channels: [tv, search], controls: [price], geo: region, population: pop, target_kind: units}
            model: {adstock: {type: geometric, max_lag: 2}, trend: none, seasonality: none}
            sampler: {chains: 1, warmup: 10, draws: 10, seed: 1}
            """, "geo.yaml", in: dir)
        let scenario = try Scenario.load(path: path)
        #expect(scenario.data.geo == "region" && scenario.data.population == "pop" && scenario.data.targetKind == .units)
        let fit = try FitRun.run(scenario)
        #expect(fit.posterior.model.geoCount == GeoFile.geos.count)
        #expect(fit.geos.count == GeoFile.geos.count * 2, "a row per (geo, channel) pair")

        let bad = write("""
            data: {file: geo.csv, date: week, target: revenue, channels: [tv], target_kind: unit}
            """, "bad.yaml", in: dir)
        let kind = inputError { _ = try Scenario.load(path: bad) }
        #expect(kind?.kind == .configuration)
        #expect(kind?.message.contains("did you mean 'units'") == true, "\(kind?.message ?? "no error")")
    }
}

/// `Dataset` built in code: the national initializer is one geo, and geo data's views.
@Suite struct DatasetAxesTests {
    @Test func nationalInitializerIsOneGeoWithTheSameViews() {
        let spend = [[1.0, 2, 3], [0, 5, 0]]
        var d = Dataset(dates: ["2024-01-01", "2024-01-08", "2024-01-15"], targetName: "y", target: [10, 20, 30],
                        channels: ["a", "b"], spend: spend, controlNames: ["p"], controls: [[1, 1.5, 2]])
        #expect(d.geos == ["national"] && d.geoCount == 1 && !d.isGeo && d.population == nil && d.cadence == .weekly)
        #expect(d.spend == spend && d.target == [10, 20, 30] && d.controls == [[1, 1.5, 2]] && d.totalSpend == [6, 5])
        #expect(d.geoSpend[0, 1, 1] == 5 && d.geoSpend[0, 2, 0] == 3 && d.geoTarget[0, 2, 0] == 30)
        #expect(d.spend(geo: 0, channel: 0) == [1, 2, 3] && d.target(geo: 0) == [10, 20, 30])
        d.spend = [[4, 4, 4], [1, 1, 1]]
        #expect(d.totalSpend == [12, 3] && d.geoSpend[0, 0, 1] == 1)
    }

    @Test func geoArrayIsGeoPeriodChannelOrder() {
        let a = GeoArray(geos: 2, periods: 3, width: 2, values: (0..<12).map(Double.init))
        #expect(a[1, 0, 1] == 7 && a[0, 2, 0] == 4)
        #expect(a.series(geo: 1, 0) == [6, 8, 10])
        #expect(a.sumOverGeos() == [[6, 10, 14], [8, 12, 16]])
    }

    @Test func geoViewsSumAndAverage() {
        let T = 2
        var target = GeoArray(geos: 2, periods: T, width: 1)
        var spend = GeoArray(geos: 2, periods: T, width: 1)
        var controls = GeoArray(geos: 2, periods: T, width: 1)
        for g in 0..<2 {
            for t in 0..<T {
                target[g, t, 0] = Double(100 * (g + 1) + t); spend[g, t, 0] = Double(g + 1); controls[g, t, 0] = Double(2 * g + t)
            }
        }
        let plain = Dataset(dates: ["2024-01-01", "2024-01-08"], targetName: "y", channels: ["tv"], controlNames: ["p"],
                            geos: ["n", "s"], target: target, spend: spend, controls: controls)
        #expect(plain.isGeo && plain.target == [300, 302] && plain.spend == [[3, 3]] && plain.totalSpend == [6])
        #expect(plain.controls == [[1, 2]])
        let weighted = Dataset(dates: ["2024-01-01", "2024-01-08"], targetName: "y", channels: ["tv"], controlNames: ["p"],
                               geos: ["n", "s"], population: [1, 3], target: target, spend: spend, controls: controls)
        #expect(weighted.controls == [[1.5, 2.5]])
        #expect(weighted.totalSpend(geo: 1) == [4] && weighted.spend(geo: 1) == [[2, 2]])
    }
}
