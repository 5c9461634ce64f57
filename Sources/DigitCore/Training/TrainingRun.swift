// A whole training run: a fresh network or the checkpoint beside the output, checkpoints along the way, the final
// test score, and the model file with everything recorded in its metadata.

import Foundation

/// What a finished run measured.
public struct TrainingResult: Sendable {
    /// Wall-clock seconds over every session of the run (a resumed run adds the time before its checkpoint).
    public let seconds: Double
    /// The last epoch's validation accuracy.
    public let validationAccuracy: Float?
    /// The final model on the test set, when one was given.
    public let test: Evaluation?
    /// The calibration temperature fitted on the validation split (1 without one).
    public let temperature: Float
}

/// A training run writing its model to `output` and its checkpoint beside it (`Checkpoint.url(for:)`).
public final class TrainingRun {
    public let settings: TrainingSettings
    public let output: URL
    public let checkpointURL: URL
    public let trainer: Trainer
    /// Where a resumed run continues, or nil for a fresh run.
    public let resumedAt: TrainingPosition?
    private let test: LabeledImages?
    private let training: LabeledImages
    private var metadata: [String: String]
    /// Seconds spent before this session (from the checkpoint).
    private let earlierSeconds: Double

    /// Prepares a run, checking first that the model and its checkpoint can be written. With `resume`, the
    /// network, optimizer and position come from the checkpoint, which must be of the same architecture.
    /// - Parameter command: recorded in the model's metadata.
    /// - Parameter nonDigits: where non-digits come from when the architecture has the "not a digit" class.
    /// - Parameter start: a trained network whose weights a fresh run starts from (`Network.adoptWeights`),
    ///   trained on the same split (same split seed, validation fraction and limit), so that the validation images stay
    ///   unseen; nil starts from random weights.
    public init(settings: TrainingSettings, training: LabeledImages, test: LabeledImages?, output: URL,
                resume: Bool, command: String, nonDigits: NonDigits? = nil,
                start: (network: Network, metadata: [String: String])? = nil) throws {
        self.settings = settings
        self.output = output
        self.test = test
        checkpointURL = Checkpoint.url(for: output)
        try AtomicFile.checkWritable(output)
        try AtomicFile.checkWritable(checkpointURL)
        metadata = settings.description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        metadata[ModelFile.Key.command] = command
        guard resume else {
            let network = Network(architecture: settings.architecture)
            network.initialize(seed: settings.seed)
            if let start {
                let recorded = TrainingSettings.recordedSplit(in: start.metadata)
                for key in TrainingSettings.splitKeys {
                    let theirs = recorded[key] ?? "none", ours = settings.description[key] ?? "none"
                    guard theirs == ours else {
                        throw TrainingError("the starting model was trained with \(key) \(theirs), this run has \(ours): "
                                            + "its validation images would be trained on")
                    }
                }
                try network.adoptWeights(of: start.network)
                metadata["training.start_seconds"] = start.metadata[ModelFile.Key.trainingSeconds] ?? "unknown"
            }
            trainer = try Trainer(network: network, settings: settings, data: training, nonDigits: nonDigits)
            self.training = training
            resumedAt = nil
            earlierSeconds = 0
            return
        }
        guard FileManager.default.fileExists(atPath: checkpointURL.path) else {
            throw TrainingError("no checkpoint to resume at \(checkpointURL.path)")
        }
        let loaded = try Checkpoint.load(from: checkpointURL)
        guard loaded.network.architecture == settings.architecture else {
            throw TrainingError("the checkpoint is a \(loaded.network.architecture.name), not a \(settings.architecture.name)")
        }
        trainer = try Trainer(network: loaded.network, settings: settings, data: training, nonDigits: nonDigits)
        self.training = training
        try Checkpoint.restoreOptimizer(of: trainer, from: loaded.file, name: checkpointURL.lastPathComponent)
        trainer.resume(from: loaded.position, history: loaded.history)
        resumedAt = loaded.position
        earlierSeconds = loaded.file.metadata[ModelFile.Key.elapsed].flatMap(Double.init) ?? 0
    }

    /// Trains until the last epoch or until `shouldStop`; checkpoints after each epoch and when stopped. A finished
    /// run is scored on the test set and saved to `output`, and its checkpoint removed; an interrupted one returns
    /// nil and keeps its checkpoint.
    public func run(progress: (BatchProgress) -> Void, epochEnded: (EpochReport) -> Void,
                    shouldStop: () -> Bool) throws -> TrainingResult? {
        let start = Date()
        var seconds: Double { earlierSeconds + Date().timeIntervalSince(start) }
        let outcome = try trainer.run(progress: progress, epochEnded: epochEnded, shouldStop: shouldStop,
                                      checkpoint: {
            var meta = metadata
            meta[ModelFile.Key.elapsed] = String(seconds)
            try Checkpoint.save(trainer, metadata: meta, to: checkpointURL)
        })
        guard outcome == .finished else { return nil }
        let temperature = calibrate()
        let total = seconds
        metadata[ModelFile.Key.trainingSeconds] = String(format: "%.0f", total)
        let validation = trainer.history.last?.validationAccuracy
        if let validation { metadata[ModelFile.Key.validationAccuracy] = String(format: "%.4f", validation) }
        let evaluation = test.map { Evaluation.run(trainer.network, on: $0) }
        if let evaluation { metadata[ModelFile.Key.testAccuracy] = String(format: "%.4f", evaluation.accuracy) }
        try ModelFile.save(trainer.network, metadata: metadata, to: output)
        try? FileManager.default.removeItem(at: checkpointURL)
        return TrainingResult(seconds: total, validationAccuracy: validation, test: evaluation,
                              temperature: temperature)
    }

    /// Fits the network's temperature on the validation split and sets it; returns it.
    private func calibrate() -> Float {
        TemperatureFit.fit(trainer.network, on: training, indices: trainer.validationIndices)
    }
}

/// Temperature scaling of a trained network on held-out images.
public enum TemperatureFit {
    /// Sets `network.temperature` to the one value that minimizes the negative log-likelihood of the images at
    /// `indices` (the validation split: never the test set), and returns it.
    @discardableResult
    public static func fit(_ network: Network, on images: LabeledImages, indices: [Int]) -> Float {
        guard !indices.isEmpty else { return network.temperature }
        let classes = network.architecture.classes, batchSize = 500
        var logits: [Float] = []
        logits.reserveCapacity(indices.count * classes)
        for start in stride(from: 0, to: indices.count, by: batchSize) {
            let members = indices[start..<min(start + batchSize, indices.count)]
            let batch = members.flatMap { images.floatImage($0) }
            logits += batch.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: members.count) }
        }
        network.temperature = Calibration.fitTemperature(logits: logits, classes: classes,
                                                         labels: indices.map { images.labels[$0] })
        return network.temperature
    }
}
