import Foundation
import MediaModel
import Testing
@testable import Planning

/// What monthly data change downstream of the loader: seasonality's default period, plan dates.
extension NationalCadenceAndValueTests {
    @Test func monthlyDataGetYearlySeasonalityOfTwelveAndMonthlyPlanDates() throws {
        let monthly = try load(rows(months(24)))
        #expect(ModelSpecification().adapted(to: monthly).seasonality.period == 12)
        var stated = ModelSpecification()
        stated.seasonality.period = 6
        #expect(stated.adapted(to: monthly).seasonality.period == 6, "a stated period is kept")
        let weekly = try load(rows((0..<10).map(GeoFile.date)))
        #expect(ModelSpecification().adapted(to: weekly) == ModelSpecification())
        #expect(Planner.planDates(data: monthly, start: nil, horizon: 3) == ["2025-01-01", "2025-02-01", "2025-03-01"])
        let ends = try load(rows(months(14, end: true)))  // last: 2024-02-29
        #expect(Planner.planDates(data: ends, start: nil, horizon: 3) == ["2024-03-31", "2024-04-30", "2024-05-31"])
    }
}
