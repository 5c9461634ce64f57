// The `digits` command line: draw (the default), train, eval, predict, robustness, bench, and learning a person's
// hand: learn, samples, learn-bench.

import ArgumentParser
import DigitCore
import Foundation

@main
struct Digits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Recognize handwritten digits: draw one, or train and evaluate the network.",
        subcommands: [Draw.self, Train.self, Eval.self, Predict.self, RobustnessCommand.self, Bench.self,
                      Learn.self, Samples.self, LearnBench.self, Calibrate.self, Ensemble.self,
                      FitSegmentation.self, StrokeNumbers.self],
        defaultSubcommand: Draw.self)

    /// Like ArgumentParser's own `main`, but an error is one line on stderr (with a pointer to `--help`) rather
    /// than the message followed by the whole usage text.
    static func main() {
        BLASKernels.selectForThisCPU()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitReporting(error)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exitReporting(error)
        }
    }

    private static func exitReporting(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            exit(withError: nil)
        }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? ""
        if !message.isEmpty {
            let hint = code == .validationFailure ? " (see 'digits help')" : ""
            FileHandle.standardError.write(Data("digits: \(message.replacingOccurrences(of: "Error: ", with: ""))\(hint)\n".utf8))
        }
        Foundation.exit(code.rawValue)
    }
}

/// A command that could not do its job; its description is the one-line reason.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The folder at `path` for a command's output, created with its parents if need be; a one-line `Failure` when
/// it is a file or cannot be made or written to. Commands call it before their long work.
func outputFolder(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path).standardized
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
        throw Failure("\(path): is a file, not a folder")
    }
    // Missing folders from the outermost in, each made by mkdir(2) so its own error is the reason.
    var missing: [URL] = [], folder = url
    while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" {
        missing.insert(folder, at: 0)
        folder = folder.deletingLastPathComponent()
    }
    for folder in missing where mkdir(folder.path, 0o755) != 0 {
        throw Failure("\(path): cannot create \(folder.path) (\(String(cString: strerror(errno))))")
    }
    guard access(url.path, W_OK) == 0 else {
        throw Failure("\(path): cannot write there (\(String(cString: strerror(errno))))")
    }
    return url
}
