// Model files: safetensors holding every named tensor of a network, with the architecture, training settings and
// measured accuracy in `__metadata__`. A checkpoint (Training/Checkpoint.swift) is a model file with extra
// tensors, named under `extraPrefix`, that loading a network leaves alone.

import Foundation

/// A model file's promises: format, version and architecture in the metadata, then exactly the tensors that
/// architecture has, with matching shapes.
public enum ModelFile {
    public static let format = "digits-model"
    public static let version = "1"
    /// Tensors named with this prefix are not the network's (a checkpoint's optimizer state): loading skips them.
    static let extraPrefix = "adam."
    /// The most members a file may ask for, so a damaged count cannot make a reader build thousands of networks.
    static let maximumMembers = 16

    /// Metadata keys.
    public enum Key {
        public static let format = "format", version = "version", architecture = "architecture"
        public static let layers = "layers", parameters = "parameters", training = "training"
        public static let validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
        public static let trainingSeconds = "training_seconds", command = "command"
        /// Output classes: 10, or 11 with "not a digit" last (absent in older files: 10).
        public static let classes = "classes"
        /// Members of an ensemble, whose logits are averaged (absent for a single network: 1).
        public static let members = "members"
        /// The calibration temperature `Network.predict` divides the logits by (absent in older files: 1).
        public static let temperature = "temperature"
        public static let position = "checkpoint_position", history = "checkpoint_history"
        /// Seconds of training before the checkpoint was written, so a resumed run records its whole time.
        public static let elapsed = "checkpoint_seconds"
    }

    /// The tensors and metadata of a network, followed by `extra` tensors (each named under `extraPrefix`).
    public static func contents(of network: Network, metadata: [String: String] = [:],
                                extra: [NamedTensor] = []) -> SafeTensorsFile {
        var meta = metadata
        meta[Key.format] = format
        meta[Key.version] = version
        meta[Key.architecture] = network.architecture.name
        meta[Key.layers] = network.architecture.summaryLines.joined(separator: "; ")
        meta[Key.parameters] = "\(network.parameterCount)"
        meta[Key.classes] = "\(network.architecture.classes)"
        if network.architecture.members > 1 { meta[Key.members] = "\(network.architecture.members)" }
        meta[Key.temperature] = "\(network.temperature)"
        precondition(extra.allSatisfy { $0.name.hasPrefix(extraPrefix) }, "extra tensors are named '\(extraPrefix)...'")
        let tensors = network.allTensors.map { NamedTensor(name: $0.name, shape: $0.shape, values: $0.value.array) }
        return SafeTensorsFile(metadata: meta, tensors: tensors + extra)
    }

    /// Saves atomically: an interrupted save leaves any previous file intact.
    public static func save(_ network: Network, metadata: [String: String] = [:], extra: [NamedTensor] = [],
                            to url: URL) throws {
        try contents(of: network, metadata: metadata, extra: extra).write(to: url)
    }

    /// Loads a model, checking its format, version, architecture and every tensor's name and shape.
    public static func load(from url: URL) throws -> (network: Network, metadata: [String: String]) {
        let file = try SafeTensorsFile.read(from: url)
        let network = try network(from: file, name: url.lastPathComponent)
        return (network, file.metadata)
    }

    /// Builds the network a file describes and fills in its tensors; extra tensors are left to their owner.
    static func network(from file: SafeTensorsFile, name: String) throws -> Network {
        let meta = file.metadata
        guard meta[Key.format] == format else {
            throw ModelFileError("\(name): not a digits model (metadata format is \(meta[Key.format].map { quoted($0) } ?? "missing"), expected '\(format)')")
        }
        guard meta[Key.version] == version else {
            throw ModelFileError("\(name): model format version \(meta[Key.version].map { quoted($0) } ?? "missing") is not supported (this program reads version \(version))")
        }
        let archName = meta[Key.architecture] ?? "missing"
        guard let named = Architecture.named(archName) else {
            throw ModelFileError("\(name): unknown architecture \(quoted(archName)); this program knows \(Architecture.all.map(\.name).joined(separator: ", "))")
        }
        let architecture: Architecture
        switch meta[Key.classes] {
        case nil, "\(MNIST.classes)": architecture = named
        case "\(MNIST.classes + 1)": architecture = named.withNotADigitClass()
        case let other?:
            throw ModelFileError("\(name): \(other) classes; a model has \(MNIST.classes) digits, optionally plus 'not a digit'")
        }
        let membersText = meta[Key.members] ?? "1"
        guard let members = Int(membersText), (1...maximumMembers).contains(members) else {
            throw ModelFileError("\(name): \(quoted(membersText)) members; an ensemble has 1 to \(maximumMembers)")
        }
        let temperatureText = meta[Key.temperature] ?? "1"
        guard let temperature = Float(temperatureText), temperature.isFinite, temperature > 0 else {
            throw ModelFileError("\(name): temperature '\(temperatureText)' is not a positive number")
        }
        let network = Network(architecture: architecture.ensemble(of: members))
        network.temperature = temperature
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
        if let extra = file.tensors.first(where: { !expected.contains($0.name) && !$0.name.hasPrefix(extraPrefix) }) {
            throw ModelFileError("\(name): tensor \(quoted(extra.name)) does not belong to architecture \(archName)")
        }
        return network
    }
}

/// A model file that cannot be used, with a one-line reason naming the file.
public struct ModelFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
