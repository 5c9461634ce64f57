// A sequential network: layers in order, with parameter enumeration, initialization and batched prediction.

import Foundation

/// Layers applied in order to `[N, 1, 28, 28]` images, ending in class scores (logits): the ten digits, and "not a
/// digit" when the architecture has that class.
public final class Network {
    public let architecture: Architecture
    /// Temperature scaling (Guo et al. 2017): probabilities are `softmax(logits / temperature)`. 1 until a trained
    /// model is calibrated (`Calibration.fitTemperature`); it changes confidences, never which class wins.
    public var temperature: Float = 1
    /// The recipe's layers, in order; parameters and names come from these.
    public let layers: [Layer]
    /// What `forward` and `backward` run: the layers, with some neighbours joined into one stage.
    private var stages: [Layer]
    private let inputTensor = Tensor(shape: [0])
    private let probabilities = Tensor(shape: [0])

    public init(architecture: Architecture) {
        self.architecture = architecture
        layers = architecture.makeLayers()
        layers.first?.needsInputGradient = false
        stages = Architecture.fusingConvolutionWithPooling(layers)
    }

    /// Trainable parameters in a fixed order: the optimizer update and the model file are each one loop over this.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    /// Parameters and saved state, everything a model file holds.
    public var allTensors: [Parameter] { layers.flatMap { $0.parameters + $0.state } }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// He-normal weights for layers followed by ReLU, Glorot-uniform otherwise, zero biases; all from `seed`.
    public func initialize(seed: UInt64) {
        var rng = SplitMix64(seed: seed, stream: SeedStream.initialization)
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

    /// Whether a convolution directly followed by max pooling runs as one stage that pools each sample as soon as
    /// it is computed (and unpools each sample's gradient just before using it), so the convolution's output and
    /// its gradient are touched while they are in cache. The results are the same either way.
    public var fusesConvolutionWithPooling = true {
        didSet { stages = fusesConvolutionWithPooling ? Architecture.fusingConvolutionWithPooling(layers) : layers }
    }

    /// Runs every stage; returns the logits `[N, 10]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        stages.reduce(input) { x, stage in stage.forward(x, mode: mode) }
    }

    /// Back-propagates `dLogits` through every stage, accumulating parameter gradients.
    public func backward(_ dLogits: Tensor) {
        _ = stages.reversed().reduce(dLogits) { gradient, stage in stage.backward(gradient) }
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
