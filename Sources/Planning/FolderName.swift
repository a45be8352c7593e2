import Foundation

/// A scenario name as a safe folder name: "Q1 2027 plan" → "q1-2027-plan". Letters and digits
/// are kept, every run of anything else becomes one "-", and the result is at most 60 characters.
/// A name with no letter or digit ("!!!", "—") gets "scenario-" and a hash of the name, so it
/// never becomes "" (which would name the parent folder) and two such names stay apart.
public func folderName(for name: String) -> String {
    let kept = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        .split(separator: "-").joined(separator: "-")
    if !kept.isEmpty { return String(kept.prefix(60)) }
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return "scenario-" + String(String(hash, radix: 16).prefix(8))
}
