// Model files: safetensors holding every named tensor of a network, with the architecture, training settings and
// measured accuracy in `__metadata__`. Checkpoints add the optimizer's moments and the run's position.

import Foundation

/// A model file's promises: format, version and architecture in the metadata, then exactly the tensors that
/// architecture has, with matching shapes.
public enum ModelFile {
    public static let format = "digits-model"
    public static let version = "1"
    static let optimizerPrefix = "adam."

    /// Metadata keys.
    public enum Key {
        public static let format = "format", version = "version", architecture = "architecture"
        public static let layers = "layers", parameters = "parameters", training = "training"
        public static let validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
        public static let trainingSeconds = "training_seconds", command = "command"
        public static let position = "checkpoint_position", history = "checkpoint_history"
        /// Seconds of training before the checkpoint was written, so a resumed run records its whole time.
        public static let elapsed = "checkpoint_seconds"
    }

    /// The tensors and metadata of a network, optionally with an optimizer's state for resuming.
    public static func contents(of network: Network, metadata: [String: String] = [:],
                                optimizer: Adam? = nil) -> SafeTensorsFile {
        var meta = metadata
        meta[Key.format] = format
        meta[Key.version] = version
        meta[Key.architecture] = network.architecture.name
        meta[Key.layers] = network.architecture.summaryLines.joined(separator: "; ")
        meta[Key.parameters] = "\(network.parameterCount)"
        var tensors = network.allTensors.map { NamedTensor(name: $0.name, shape: $0.shape, values: $0.value.array) }
        if let optimizer {
            for (p, moment) in zip(network.parameters, optimizer.moments) {
                tensors.append(NamedTensor(name: optimizerPrefix + "m." + p.name, shape: p.shape, values: moment.m.array))
                tensors.append(NamedTensor(name: optimizerPrefix + "v." + p.name, shape: p.shape, values: moment.v.array))
            }
        }
        return SafeTensorsFile(metadata: meta, tensors: tensors)
    }

    /// Saves atomically: an interrupted save leaves any previous file intact.
    public static func save(_ network: Network, metadata: [String: String] = [:], optimizer: Adam? = nil,
                            to url: URL) throws {
        try contents(of: network, metadata: metadata, optimizer: optimizer).write(to: url)
    }

    /// Loads a model, checking its format, version, architecture and every tensor's name and shape.
    public static func load(from url: URL) throws -> (network: Network, metadata: [String: String]) {
        let file = try SafeTensorsFile.read(from: url)
        let network = try network(from: file, name: url.lastPathComponent)
        return (network, file.metadata)
    }

    /// Builds the network a file describes and fills in its tensors; optimizer tensors are left for `restore`.
    static func network(from file: SafeTensorsFile, name: String) throws -> Network {
        let meta = file.metadata
        guard meta[Key.format] == format else {
            throw ModelFileError("\(name): not a digits model (metadata format is \(meta[Key.format].map { quoted($0) } ?? "missing"), expected '\(format)')")
        }
        guard meta[Key.version] == version else {
            throw ModelFileError("\(name): model format version \(meta[Key.version].map { quoted($0) } ?? "missing") is not supported (this program reads version \(version))")
        }
        let archName = meta[Key.architecture] ?? "missing"
        guard let architecture = Architecture.named(archName) else {
            throw ModelFileError("\(name): unknown architecture \(quoted(archName)); this program knows \(Architecture.all.map(\.name).joined(separator: ", "))")
        }
        let network = Network(architecture: architecture)
        let stored = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for p in network.allTensors {
            guard let tensor = stored[p.name] else {
                throw ModelFileError("\(name): tensor '\(p.name)' of architecture \(archName) is missing")
            }
            guard tensor.shape == p.shape else {
                throw ModelFileError("\(name): tensor '\(p.name)' has shape \(tensor.shape), architecture \(archName) needs \(p.shape)")
            }
            p.value.copy(from: tensor.values)
        }
        let expected = Set(network.allTensors.map(\.name))
        if let extra = file.tensors.first(where: { !expected.contains($0.name) && !$0.name.hasPrefix(optimizerPrefix) }) {
            throw ModelFileError("\(name): tensor \(quoted(extra.name)) does not belong to architecture \(archName)")
        }
        return network
    }

    /// Restores the optimizer moments saved by `save(_:metadata:optimizer:to:)`.
    static func restore(_ optimizer: Adam, of network: Network, from file: SafeTensorsFile, name: String) throws {
        let stored = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (p, moment) in zip(network.parameters, optimizer.moments) {
            for (kind, tensor) in [("m.", moment.m), ("v.", moment.v)] {
                guard let saved = stored[optimizerPrefix + kind + p.name], saved.shape == p.shape else {
                    throw ModelFileError("\(name): checkpoint lacks optimizer state for '\(p.name)'")
                }
                tensor.copy(from: saved.values)
            }
        }
    }
}

/// A model file that cannot be used, with a one-line reason naming the file.
public struct ModelFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
