import Foundation
import Planning

/// Writes a simulated history to `out` and each named companion file (truth, lift tests, national
/// sums) beside it, all or none: every file must be in --out's folder, so one atomic placement
/// covers the set. `companions` are (path given by the flag, the flag's name, contents).
func writeSimulated(out: String, contents: String, companions: [(path: String?, option: String, contents: () -> String)]) throws {
    let url = URL(fileURLWithPath: out)
    var files = [(url.lastPathComponent, contents)]
    for companion in companions {
        guard let path = companion.path else { continue }
        let other = URL(fileURLWithPath: path)
        guard other.deletingLastPathComponent().path == url.deletingLastPathComponent().path else {
            throw InputError(.usage, "--\(companion.option) must be in the same folder as --out")
        }
        files.append((other.lastPathComponent, companion.contents()))
    }
    try OutputFolder.place(files, into: url.deletingLastPathComponent().path)
}
