/// The carryover families a scenario can name (`model.adstock.type`). Each is a value carrying
/// its family; adding one is its file plus a line here.
public struct AdstockKind: Sendable, Hashable, CaseIterable, RawRepresentable, Codable, CustomStringConvertible {
    public let rawValue: String
    public let family: any AdstockFamily

    init(_ family: any AdstockFamily) { rawValue = family.name; self.family = family }

    public init?(rawValue: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = kind
    }

    public static let geometric = AdstockKind(GeometricAdstock())
    public static let delayed = AdstockKind(DelayedAdstock())
    public static let weibull = AdstockKind(WeibullAdstock())
    public static let allCases: [AdstockKind] = [.geometric, .delayed, .weibull]

    public static func == (a: AdstockKind, b: AdstockKind) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public var description: String { rawValue }
}

/// The diminishing-returns families a scenario can name (`model.saturation`).
public struct SaturationKind: Sendable, Hashable, CaseIterable, RawRepresentable, Codable, CustomStringConvertible {
    public let rawValue: String
    public let family: any SaturationFamily

    init(_ family: any SaturationFamily) { rawValue = family.name; self.family = family }

    public init?(rawValue: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = kind
    }

    public static let hill = SaturationKind(HillSaturation())
    public static let logistic = SaturationKind(LogisticSaturation())
    public static let michaelisMenten = SaturationKind(MichaelisMentenSaturation())
    public static let allCases: [SaturationKind] = [.hill, .logistic, .michaelisMenten]

    public static func == (a: SaturationKind, b: SaturationKind) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public var description: String { rawValue }
}
