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
            Write a digit or a whole number. Keys: C, Delete, BackSpace or Escape clear; Ctrl+Z or U undo a \
            stroke; + and - change the brush; 0-9 label what you drew (typed after a reading, one digit per digit \
            read: your samples go to the data folder); L learns your hand from them in the background; M switches \
            between your model and the shipped one; Q or Ctrl+Q quit. Without --model it reads with your \
            personal model when one has been learned. Needs an X display (DISPLAY); without one, try xvfb-run.

            Examples:
              digits
              digits draw --brush 10
              digits draw --model m.safetensors --log-predictions
            """)

        @OptionGroup var model: ModelOptions
        @OptionGroup var dataDirectory: DataDirectoryOptions
        @OptionGroup var replay: ReplayOptions

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
            let (shippedNetwork, shippedMetadata, shippedURL) = try model.load()
            var personalMetadata: [String: String]?
            var personal: Recognizer?
            if model.model == nil {
                do {
                    if let (network, metadata, _) = try PersonalModel.locate(in: dataDirectory.url) {
                        personal = Recognizer(network)
                        personalMetadata = metadata
                    }
                } catch {
                    FileHandle.standardError.write(Data("digits: \(error); using the shipped model\n".utf8))
                }
            }
            var description = shippedNetwork.architecture.title
            let metadata = personalMetadata ?? shippedMetadata
            if personalMetadata != nil {
                description += ", personal (\(metadata[PersonalModel.Key.samples] ?? "?") samples)"
            }
            if let accuracy = metadata[ModelFile.Key.testAccuracy].flatMap(Double.init) {
                description += String(format: ", %.2f%% on MNIST", accuracy * 100)
            }
            let setup = PersonalSetup(directory: dataDirectory.url, base: shippedURL,
                                      replay: try? replay.directory())
            do {
                try DigitPadApp.run(classifier: Recognizer(shippedNetwork), personalClassifier: personal,
                                    options: PadOptions(modelDescription: description, logPredictions: logPredictions,
                                                        brushRadius: brush, personal: setup))
            } catch let error as PadError {
                throw Failure(error.description)
            }
        }
    }
}
