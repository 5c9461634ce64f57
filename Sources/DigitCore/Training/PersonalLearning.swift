// Learning a person's hand, the one path for `digits learn` and the pad: load the base model, fine-tune it on the
// samples with MNIST replay, and save the result atomically with metadata saying what it is.

import Foundation

public enum PersonalLearning {
    /// What a finished run learned and where it went.
    public struct Outcome: Sendable {
        public let samples: Int
        public let steps: Int
        /// Wall-clock seconds of the fine-tuning itself.
        public let seconds: Double
        /// How many of the samples the network read right, before and after.
        public let samplesReadBefore: Int, samplesReadAfter: Int
        /// The learned model's MNIST test accuracy, when a test set was given.
        public let testAccuracy: Double?
        public let savedTo: URL
        /// What the dataset reported on the way (files repaired or set aside, a damaged personal model set aside).
        public let notices: [DatasetNotice]
        /// The learned network, ready to read digits from any thread.
        public let recognizer: Recognizer
    }

    /// Learns from the personal dataset and saves the personal model beside it (`PersonalModel.url(in:)`).
    /// Returns nil when `shouldStop` ended the run early; the previous personal model is then untouched.
    /// - Parameters:
    ///   - base: the model to start from, normally the shipped one (not the personal model: each run learns from
    ///     all the samples afresh, so runs do not drift).
    ///   - replay: MNIST training images mixed into every batch.
    ///   - test: MNIST test images to score the result on and record in its metadata (about a second more).
    public static func learn(from dataset: PersonalDataset, base: URL, replay: LabeledImages,
                             test: LabeledImages? = nil, settings: FineTuningSettings? = nil, command: String,
                             progress: (FineTuningProgress) -> Void,
                             shouldStop: () -> Bool) throws -> Outcome? {
        let found = try dataset.refresh()
        return try learn(samples: dataset.images, base: base, replay: replay, test: test, settings: settings,
                         command: command, progress: progress, shouldStop: shouldStop) { network, metadata in
            (dataset.personalModelURL, found + (try dataset.savePersonalModel(network, metadata: metadata)))
        }
    }

    /// Learns from any labelled set of 28x28 network inputs and saves the model to `output`.
    public static func learn(samples: LabeledImages, base: URL, replay: LabeledImages, test: LabeledImages? = nil,
                             settings: FineTuningSettings? = nil, output: URL, command: String,
                             progress: (FineTuningProgress) -> Void,
                             shouldStop: () -> Bool) throws -> Outcome? {
        try AtomicFile.checkWritable(output)
        return try learn(samples: samples, base: base, replay: replay, test: test, settings: settings,
                         command: command, progress: progress, shouldStop: shouldStop) { network, metadata in
            try ModelFile.save(network, metadata: metadata, to: output)
            return (output, [])
        }
    }

    private static func learn(samples: LabeledImages, base: URL, replay: LabeledImages, test: LabeledImages?,
                              settings: FineTuningSettings?, command: String,
                              progress: (FineTuningProgress) -> Void, shouldStop: () -> Bool,
                              save: (Network, [String: String]) throws -> (URL, [DatasetNotice])) throws -> Outcome? {
        let (network, baseMetadata) = try ModelFile.load(from: base)
        let settings = settings ?? .standard(sampleCount: samples.count)
        let tuner = try FineTuner(network: network, personal: samples, replay: replay, settings: settings)
        let before = Evaluation.run(network, on: samples).correct
        let start = Date()
        guard tuner.run(progress: progress, shouldStop: shouldStop) else { return nil }
        let seconds = Date().timeIntervalSince(start)
        let after = Evaluation.run(network, on: samples).correct
        let testAccuracy = test.map { Evaluation.run(network, on: $0).accuracy }

        var metadata = settings.description.reduce(into: [String: String]()) {
            $0[PersonalModel.Key.tuning + "." + $1.key] = $1.value
        }
        metadata[PersonalModel.Key.personal] = "true"
        metadata[PersonalModel.Key.base] = base.lastPathComponent
        metadata[PersonalModel.Key.baseTestAccuracy] = baseMetadata[ModelFile.Key.testAccuracy]
        metadata[PersonalModel.Key.samples] = "\(samples.count)"
        metadata[PersonalModel.Key.learnedAt] = ISO8601DateFormatter().string(from: Date())
        metadata[ModelFile.Key.command] = command
        metadata[ModelFile.Key.trainingSeconds] = String(format: "%.1f", seconds)
        if let testAccuracy { metadata[ModelFile.Key.testAccuracy] = String(format: "%.4f", testAccuracy) }
        let (url, notices) = try save(network, metadata)
        return Outcome(samples: samples.count, steps: settings.steps, seconds: seconds, samplesReadBefore: before,
                       samplesReadAfter: after, testAccuracy: testAccuracy, savedTo: url, notices: notices,
                       recognizer: Recognizer(copy(of: network)))
    }

    /// A network of its own holding `network`'s values, so it can be handed to another thread while this one
    /// keeps the original.
    private static func copy(of network: Network) -> sending Network {
        let copy = Network(architecture: network.architecture)
        for (target, values) in zip(copy.allTensors, network.allTensors.map(\.value.array)) {
            target.value.copy(from: values)
        }
        return copy
    }
}
