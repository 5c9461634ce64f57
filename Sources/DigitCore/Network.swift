// A sequential network: layers in order, with parameter enumeration, initialization and batched prediction.

import Foundation

/// Layers applied in order to `[N, 1, 28, 28]` images, ending in ten class scores (logits).
public final class Network {
    public let architecture: Architecture
    public let layers: [Layer]
    private let inputTensor = Tensor(shape: [0])
    private let probabilities = Tensor(shape: [0])

    public init(architecture: Architecture) {
        self.architecture = architecture
        layers = architecture.makeLayers()
        layers.first?.needsInputGradient = false
    }

    /// Trainable parameters in a fixed order: the optimizer update and the model file are each one loop over this.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    /// Parameters and saved state, everything a model file holds.
    public var allTensors: [Parameter] { layers.flatMap { $0.parameters + $0.state } }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// He-normal weights for layers followed by ReLU, Glorot-uniform otherwise, zero biases; all from `seed`.
    public func initialize(seed: UInt64) {
        var rng = SplitMix64(seed: seed).derived(0x1)
        for (index, layer) in layers.enumerated() {
            let weight: Parameter?, fanIn: Int, fanOut: Int
            switch layer {
            case let conv as Conv2D:
                weight = conv.weight
                fanIn = conv.inChannels * conv.kernel * conv.kernel
                fanOut = conv.outChannels * conv.kernel * conv.kernel
            case let dense as Dense:
                weight = dense.weight
                (fanIn, fanOut) = (dense.inputs, dense.outputs)
            default:
                continue
            }
            guard let weight else { continue }
            let rest = layers.dropFirst(index + 1)
            let feedsReLU = rest.prefix { !($0 is Conv2D || $0 is Dense) }.contains { $0.rectifies }
            if architecture.initializer == .he && feedsReLU {
                let std = (2 / Float(fanIn)).squareRoot()
                for i in 0..<weight.value.count { weight.value.data[i] = std * rng.normal() }
            } else {
                let limit = (6 / Float(fanIn + fanOut)).squareRoot()
                for i in 0..<weight.value.count { weight.value.data[i] = rng.uniform(-limit, limit) }
            }
        }
    }

    /// Whether a convolution directly followed by max pooling pools each sample as soon as it is computed (and
    /// unpools each sample's gradient just before using it), so the convolution's output and its gradient are
    /// touched while they are in cache. The results are the same either way.
    public var fusesConvolutionWithPooling = true

    /// The convolution and pooling pair starting at `index`, when fused.
    private func fusedPair(at index: Int) -> (Conv2D, MaxPool2D)? {
        guard fusesConvolutionWithPooling, index + 1 < layers.count, let conv = layers[index] as? Conv2D,
              let pool = layers[index + 1] as? MaxPool2D else { return nil }
        return (conv, pool)
    }

    /// Runs every layer; returns the logits `[N, 10]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        var x = input, index = 0
        while index < layers.count {
            if let (conv, pool) = fusedPair(at: index) {
                x = conv.forward(x, mode: mode, pooledBy: pool)
                index += 2
            } else {
                x = layers[index].forward(x, mode: mode)
                index += 1
            }
        }
        return x
    }

    /// Back-propagates `dLogits` through every layer, accumulating parameter gradients.
    public func backward(_ dLogits: Tensor) {
        var gradient = dLogits, index = layers.count - 1
        while index >= 0 {
            if index >= 1, let (conv, pool) = fusedPair(at: index - 1) {
                gradient = conv.backward(gradient, through: pool)
                index -= 2
            } else {
                gradient = layers[index].backward(gradient)
                index -= 1
            }
        }
    }

    public func zeroGradients() { parameters.forEach { $0.zeroGrad() } }

    /// Class probabilities `[N, 10]` for `count` images of `MNIST.pixels` floats in [0, 1].
    public func predict(_ images: UnsafePointer<Float>, count: Int) -> [Float] {
        inputTensor.reshape([count, 1, MNIST.side, MNIST.side])
        inputTensor.data.update(from: images, count: count * MNIST.pixels)
        let logits = forward(inputTensor, mode: .inference)
        probabilities.reshape(logits.shape)
        SoftmaxCrossEntropy.softmax(logits.data, rows: count, classes: logits.perSample, into: probabilities.data)
        return probabilities.array
    }
}

extension Network: DigitClassifying {
    public func probabilities(for image: [Float]) -> [Float] {
        precondition(image.count == MNIST.pixels, "expected \(MNIST.pixels) pixels, got \(image.count)")
        return image.withUnsafeBufferPointer { predict($0.baseAddress!, count: 1) }
    }
}
