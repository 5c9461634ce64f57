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
