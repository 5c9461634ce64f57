// The `digits` command line: draw, train, eval, predict, bench.
import ArgumentParser
import DigitCore

@main
struct Digits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Recognize handwritten digits: draw one, or train and evaluate the network.",
        subcommands: [Train.self, Eval.self, Predict.self, Bench.self])

    static func main() {
        BLASKernels.selectForThisCPU()
        main(nil)
    }
}
