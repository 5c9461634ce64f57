// A sequential network: layers in order, with parameter enumeration, initialization and batched prediction.

import Foundation

/// Layers applied in order to `[N, 1, 28, 28]` images, ending in class scores (logits): the ten digits, and "not a
/// digit" when the architecture has that class. An ensemble (`Architecture.members` > 1) runs each member's layers
/// on the same images and averages their logits.
public final class Network {
    public let architecture: Architecture
    /// Temperature scaling (Guo et al. 2017): probabilities are `softmax(logits / temperature)`. 1 until a trained
    /// model is calibrated (`Calibration.fitTemperature`); it changes confidences, never which class wins.
    public var temperature: Float = 1
    /// The recipe's layers, in order, member after member; parameters and names come from these.
    public let layers: [Layer]
    /// Each member's layers.
    private let memberLayers: [[Layer]]
    /// What `forward` and `backward` run for each member: its layers, with some neighbours joined into one stage.
    private var stages: [[Layer]]
    private let inputTensor = Tensor(shape: [0])
    private let probabilities = Tensor(shape: [0])
    /// An ensemble's averaged logits, and the share of the logits' gradient each member back-propagates.
    private let meanLogits = Tensor(shape: [0]), memberGradient = Tensor(shape: [0])

    public init(architecture: Architecture) {
        self.architecture = architecture
        memberLayers = architecture.makeMembers()
        layers = memberLayers.flatMap { $0 }
        memberLayers.forEach { $0.first?.needsInputGradient = false }
        stages = memberLayers.map(Architecture.fusingPooling)
    }

    /// Joins trained networks of one recipe into an ensemble of `members.count` (each with one member, the same
    /// layers and classes), copying every tensor. The ensemble's temperature is 1 until it is calibrated: the
    /// members' own temperatures were fitted to their own logits, not to the average.
    public static func joining(_ members: [Network]) throws -> Network {
        guard let first = members.first else { throw NetworkMismatch("an ensemble needs at least one member") }
        for (index, member) in members.enumerated() {
            guard member.architecture.members == 1 else {
                throw NetworkMismatch("member \(index + 1) is itself an ensemble of \(member.architecture.members)")
            }
            guard member.architecture == first.architecture else {
                throw NetworkMismatch("member \(index + 1) is a \(member.architecture.name) with \(member.architecture.classes) classes, member 1 a \(first.architecture.name) with \(first.architecture.classes)")
            }
        }
        let ensemble = Network(architecture: first.architecture.ensemble(of: members.count))
        for (layers, member) in zip(ensemble.memberLayers, members) {
            for (target, source) in zip(layers.flatMap { $0.parameters + $0.state }, member.allTensors) {
                target.value.copy(from: source.value)
            }
        }
        return ensemble
    }

    /// Trainable parameters in a fixed order: the optimizer update and the model file are each one loop over this.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    /// Parameters and saved state, everything a model file holds.
    public var allTensors: [Parameter] { layers.flatMap { $0.parameters + $0.state } }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// He-normal weights for layers followed by ReLU, Glorot-uniform otherwise, zero biases; all from `seed`.
    public func initialize(seed: UInt64) {
        var rng = SplitMix64(seed: seed, stream: SeedStream.initialization)
        for layers in memberLayers {
            initialize(layers, using: &rng)
        }
    }

    private func initialize(_ layers: [Layer], using rng: inout SplitMix64) {
        for (index, layer) in layers.enumerated() {
            guard let (weight, fanIn, fanOut) = layer.initializedWeight.map({ ($0.weight, $0.fanIn, $0.fanOut) })
            else { continue }
            // Whether a rectifier comes before the next layer with weights.
            let feedsReLU = layers.dropFirst(index + 1).prefix { $0.initializedWeight == nil }.contains { $0.rectifies }
            if architecture.initializer == .he && feedsReLU {
                let std = (2 / Float(fanIn)).squareRoot()
                for i in 0..<weight.value.count { weight.value.data[i] = std * rng.normal() }
            } else {
                let limit = (6 / Float(fanIn + fanOut)).squareRoot()
                for i in 0..<weight.value.count { weight.value.data[i] = rng.uniform(-limit, limit) }
            }
        }
    }

    /// Starts from a trained network's weights (a warm start): every tensor is copied from the tensor of the same
    /// name in `source`. The one difference allowed is the output layer's class count: an architecture that adds
    /// the "not a digit" class to `source`'s ten keeps the ten digits' rows and its own initialized row for the new
    /// class, which the training that follows learns.
    /// - Throws: `NetworkMismatch` when a tensor is missing from `source` or differs otherwise.
    public func adoptWeights(of source: Network) throws {
        let sources = Dictionary(source.allTensors.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let outputs = Set(layers.last(where: { $0.initializedWeight != nil })?.parameters.map(\.name) ?? [])
        for tensor in allTensors {
            guard let from = sources[tensor.name] else {
                throw NetworkMismatch("\(source.architecture.name) has no tensor \(tensor.name)")
            }
            let (to, shape) = (tensor.value, tensor.value.shape)
            if from.shape == shape {
                to.data.update(from: from.data, count: to.count)
            } else if outputs.contains(tensor.name), from.shape.count == shape.count, from.shape[0] < shape[0],
                      Array(from.shape.dropFirst()) == Array(shape.dropFirst()) {
                // The output layer's rows are its classes: the leading ones are the same classes.
                to.data.update(from: from.data, count: from.count)
            } else {
                throw NetworkMismatch("\(tensor.name) is \(from.shape) in \(source.architecture.name), \(shape) here")
            }
        }
    }

    /// Whether a convolution or batch normalization directly followed by max pooling runs as one stage with it,
    /// pooling each sample's planes as soon as they are computed (a convolution also unpools each sample's gradient
    /// just before using it), so the whole-batch output before the pooling never exists and what is pooled is
    /// still in cache. The results are the same either way.
    public var fusesPooling = true {
        didSet { stages = fusesPooling ? memberLayers.map(Architecture.fusingPooling) : memberLayers }
    }

    /// Runs every stage; returns the logits `[N, K]` (an ensemble's averaged over its members).
    ///
    /// An ensemble answering runs its members side by side, one per worker: each member's layers are its own, so
    /// they share nothing but the input, which they only read. (A member's layers still split a large batch among
    /// the workers.) In training the members run in turn, each with all the workers.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard stages.count > 1 else { return Self.forward(input, through: stages[0], mode: mode) }
        var outputs = [Tensor?](repeating: nil, count: stages.count)
        if mode == .inference {
            outputs.withUnsafeMutableBufferPointer { outputs in
                _ = Parallel.forSlices(stages.count) { members, _ in
                    for member in members { outputs[member] = Self.forward(input, through: stages[member], mode: mode) }
                }
            }
        } else {
            for member in stages.indices { outputs[member] = Self.forward(input, through: stages[member], mode: mode) }
        }
        for (index, output) in outputs.enumerated() {
            let logits = output!
            if index == 0 {
                meanLogits.reshape(logits.shape)
                meanLogits.copy(from: logits)
            } else {
                for i in 0..<logits.count { meanLogits.data[i] += logits.data[i] }
            }
        }
        let share = 1 / Float(stages.count)
        for i in 0..<meanLogits.count { meanLogits.data[i] *= share }
        return meanLogits
    }

    private static func forward(_ input: Tensor, through stages: [Layer], mode: Mode) -> Tensor {
        stages.reduce(input) { x, stage in stage.forward(x, mode: mode) }
    }

    /// Back-propagates `dLogits` through every stage, accumulating parameter gradients. Each member of an
    /// ensemble gets its share of the gradient, since the logits are their average.
    public func backward(_ dLogits: Tensor) {
        guard stages.count > 1 else {
            _ = stages[0].reversed().reduce(dLogits) { gradient, stage in stage.backward(gradient) }
            return
        }
        let share = 1 / Float(stages.count)
        for member in stages {
            // Refilled for each member: backward may write over the gradient it is given.
            memberGradient.reshape(dLogits.shape)
            for i in 0..<dLogits.count { memberGradient.data[i] = dLogits.data[i] * share }
            _ = member.reversed().reduce(memberGradient) { gradient, stage in stage.backward(gradient) }
        }
    }

    /// Hands each layer that draws random numbers the generator for the coming training step.
    public func reseed(_ generator: SplitMix64) { layers.forEach { $0.reseed(generator) } }

    public func zeroGradients() { parameters.forEach { $0.zeroGrad() } }

    /// Calibrated class probabilities `[N, K]` (K = `architecture.classes`) for `count` images of `MNIST.pixels`
    /// floats in [0, 1]: `softmax(logits / temperature)`.
    public func predict(_ images: UnsafePointer<Float>, count: Int) -> [Float] {
        let logits = inferLogits(images, count: count)
        if temperature != 1 {
            let inverse = 1 / temperature
            for i in 0..<logits.count { logits.data[i] *= inverse }
        }
        probabilities.reshape(logits.shape)
        SoftmaxCrossEntropy.softmax(logits.data, rows: count, classes: logits.perSample, into: probabilities.data)
        return probabilities.array
    }

    /// The raw class scores `[N, K]` before temperature and softmax, for fitting the temperature.
    public func logits(_ images: UnsafePointer<Float>, count: Int) -> [Float] {
        inferLogits(images, count: count).array
    }

    private func inferLogits(_ images: UnsafePointer<Float>, count: Int) -> Tensor {
        inputTensor.reshape([count, 1, MNIST.side, MNIST.side])
        inputTensor.data.update(from: images, count: count * MNIST.pixels)
        return forward(inputTensor, mode: .inference)
    }
}

extension Network {
    /// Calibrated class probabilities for one image of `MNIST.pixels` floats in [0, 1].
    public func probabilities(for image: [Float]) -> [Float] {
        precondition(image.count == MNIST.pixels, "expected \(MNIST.pixels) pixels, got \(image.count)")
        return image.withUnsafeBufferPointer { predict($0.baseAddress!, count: 1) }
    }
}

/// Two networks whose tensors do not correspond.
public struct NetworkMismatch: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
