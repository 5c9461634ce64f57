// `digits calibrate`: fit a trained model's temperature on the validation split it was trained with.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a model's temperature on its validation split, so its probabilities mean what they say.",
            discussion: """
            Training does this itself; this is for a model trained before it did. The validation split is the \
            one recorded in the model (seed and fraction), so the fit never sees the test set. The model is \
            saved with the temperature in its metadata, atomically.

            Example:
              digits calibrate --model Resources/digits.safetensors --data Data/mnist --output Resources/digits.safetensors
            """)

        @OptionGroup var model: ModelOptions

        @Option(help: "Directory with the MNIST training files.")
        var data = "Data/mnist"

        @Option(help: "Where to save the calibrated model.")
        var output: String

        func run() throws {
            let output = URL(fileURLWithPath: output)
            try AtomicFile.checkWritable(output)
            let (network, metadata, _) = try model.load()
            let training = try LabeledImages.load(.train, from: URL(fileURLWithPath: data))
            let validation = try RecordedSplit.validationIndices(of: metadata, trainingCount: training.count)
            guard !validation.isEmpty else { throw Failure("\(data): the validation split holds no images") }
            let before = network.temperature
            let temperature = TemperatureFit.fit(network, on: training, indices: validation)
            try ModelFile.save(network, metadata: metadata, to: output)
            print(String(format: "temperature %.3f (was %.3f), fitted on %d validation images; saved %@",
                         temperature, before, validation.count, output.path))
        }
    }
}
