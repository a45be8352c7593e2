import Foundation
@testable import Planning

/// Folder of this file's fixtures.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A fresh temporary folder, removed by the caller when it likes.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mixplan-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes text to a file in `folder` and returns its path.
@discardableResult
func write(_ text: String, _ name: String, in folder: URL) -> String {
    let url = folder.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url.path
}

/// The error a throwing call raised, as an InputError.
func inputError(_ body: () throws -> Void) -> InputError? {
    do { try body(); return nil } catch let e as InputError { return e } catch { return nil }
}
