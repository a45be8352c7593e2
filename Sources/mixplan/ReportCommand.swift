import ArgumentParser
import Foundation
import Planning

/// `mixplan report DIR`: rebuilds `report.html` from the `report.json` a fit or plan wrote,
/// without refitting (e.g. after upgrading mixplan, or after deleting the page).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.html from the files of a finished fit or plan folder, without refitting."
    )

    @Argument(help: "A folder written by mixplan fit or mixplan plan (it holds report.json).")
    var folder: String

    func run() throws {
        try reportingErrors {
            let report = try ReportFile.load(folder: folder)
            // One file into a finished folder: the rest of it stays as it is.
            // A folder planned on an unconverged fit keeps its page marked.
            let html = ConvergenceReport.unconvergedNote(inFolder: folder).map { ConvergenceReport.markedPage(report.html, note: $0) } ?? report.html
            let paths = try OutputFolder.place([(ReportFile.html, html)], into: folder)
            print("Report: \(report.title)\nFiles: " + paths.joined(separator: ", "))
        }
    }
}
