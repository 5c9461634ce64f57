// `digits draw` (the default): the drawing pad.

import ArgumentParser
import DigitCore
import DigitPad
import Foundation

extension Digits {
    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the drawing pad: draw a digit with the mouse and watch it being read.",
            discussion: """
            Keys: C, Delete, BackSpace or Escape clear; Ctrl+Z or U undo a stroke; + and - change the brush; \
            Q or Ctrl+Q quit. Needs an X display (DISPLAY); without one, try xvfb-run. Without --model it reads \
            with your personal model when `digits learn` has made one, else with the shipped model.

            Examples:
              digits
              digits draw --brush 10
              digits draw --model m.safetensors --log-predictions
            """)

        @OptionGroup var model: ModelOptions
        @OptionGroup var dataDirectory: DataDirectoryOptions

        @Flag(help: "Print one JSON line per shown prediction, and per clear or undo, to stdout.")
        var logPredictions = false

        @Option(help: "Brush radius in pixels (\(Int(PadState.brushRange.lowerBound))-\(Int(PadState.brushRange.upperBound))).")
        var brush = PadState.defaultBrush

        func validate() throws {
            guard PadState.brushRange.contains(brush) else {
                throw ValidationError("--brush must be between \(Int(PadState.brushRange.lowerBound)) and \(Int(PadState.brushRange.upperBound))")
            }
        }

        func run() throws {
            Parallel.configure(workers: 1)
            let (network, metadata, _) = try model.loadPreferringPersonal(in: dataDirectory.url)
            var description = network.architecture.name
            if PersonalModel.isPersonal(metadata) {
                description += ", personal (\(metadata[PersonalModel.Key.samples] ?? "?") samples)"
            }
            if let accuracy = metadata[ModelFile.Key.testAccuracy].flatMap(Double.init) {
                description += String(format: ", %.2f%% on MNIST", accuracy * 100)
            }
            do {
                try DigitPadApp.run(classifier: Recognizer(network), options: PadOptions(
                    modelDescription: description, logPredictions: logPredictions, brushRadius: brush))
            } catch let error as PadError {
                throw Failure(error.description)
            }
        }
    }
}
