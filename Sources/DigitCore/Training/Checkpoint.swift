// Checkpoints: a model file plus the optimizer's moments and the position in the run, so training resumes exactly.

import Foundation

public enum Checkpoint {
    /// Where a run writing `output` keeps its checkpoint.
    public static func url(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".checkpoint")
    }

    /// Writes the trainer's whole state atomically.
    public static func save(_ trainer: Trainer, metadata: [String: String], to url: URL) throws {
        var meta = metadata
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        meta[ModelFile.Key.position] = String(decoding: try encoder.encode(trainer.position), as: UTF8.self)
        meta[ModelFile.Key.history] = String(decoding: try encoder.encode(trainer.history), as: UTF8.self)
        try ModelFile.save(trainer.network, metadata: meta, extra: optimizerTensors(trainer), to: url)
    }

    /// Loads a checkpoint's network and returns what `Trainer.resume` and the optimizer need.
    public static func load(from url: URL) throws -> (network: Network, file: SafeTensorsFile,
                                                      position: TrainingPosition, history: [EpochReport]) {
        let name = url.lastPathComponent
        let file = try SafeTensorsFile.read(from: url)
        let network = try ModelFile.network(from: file, name: name)
        let decoder = JSONDecoder()
        guard let positionText = file.metadata[ModelFile.Key.position],
              let position = try? decoder.decode(TrainingPosition.self, from: Data(positionText.utf8)),
              let history = try? decoder.decode([EpochReport].self,
                                                from: Data((file.metadata[ModelFile.Key.history] ?? "[]").utf8))
        else { throw ModelFileError("\(name): a model file, but not a training checkpoint") }
        return (network, file, position, history)
    }

    /// The optimizer's moments as tensors named `adam.m.<parameter>` and `adam.v.<parameter>`.
    static func optimizerTensors(_ trainer: Trainer) -> [NamedTensor] {
        zip(trainer.network.parameters, trainer.optimizer.moments).flatMap { p, moment in
            [("m.", moment.m), ("v.", moment.v)].map { kind, tensor in
                NamedTensor(name: ModelFile.extraPrefix + kind + p.name, shape: p.shape, values: tensor.array)
            }
        }
    }

    /// Restores the optimizer moments into a trainer built around a checkpoint's network.
    public static func restoreOptimizer(of trainer: Trainer, from file: SafeTensorsFile, name: String) throws {
        try restore(trainer.optimizer, of: trainer.network, from: file, name: name)
    }

    /// Restores the optimizer moments of `network`'s parameters into `optimizer` (the fuzzer checks a checkpoint's
    /// optimizer state this way, without the training data a `Trainer` needs).
    static func restore(_ optimizer: Adam, of network: Network, from file: SafeTensorsFile, name: String) throws {
        let stored = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (p, moment) in zip(network.parameters, optimizer.moments) {
            for (kind, tensor) in [("m.", moment.m), ("v.", moment.v)] {
                guard let saved = stored[ModelFile.extraPrefix + kind + p.name], saved.shape == p.shape else {
                    throw ModelFileError("\(name): checkpoint lacks optimizer state for '\(p.name)'")
                }
                tensor.copy(from: saved.values)
            }
        }
    }
}
