// Shape-preserving layers without parameters: ReLU, Flatten and Dropout.

import CKernels

/// `y = max(x, 0)`; `dx = dy * [y > 0]`.
public final class ReLU: Layer {
    public let name: String
    public var needsInputGradient = true
    private let output = Tensor(shape: [0])

    public init(name: String) { self.name = name }
    public var summary: String { "ReLU" }
    public var rectifies: Bool { true }
    public func outputShape(for input: [Int]) -> [Int] { input }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        output.reshape(input.shape)
        let x = input.data, y = output.data
        Parallel.forSlices(input.count, minimumSlice: Parallel.elementsPerWorker) { range, _ in
            digits_relu_forward(x + range.lowerBound, range.count, y + range.lowerBound)
        }
        return output
    }

    /// Masks the gradient where it stands (see `Layer`).
    public func backward(_ dOutput: Tensor) -> Tensor {
        let y = output.data, dy = dOutput.data
        Parallel.forSlices(dOutput.count, minimumSlice: Parallel.elementsPerWorker) { range, _ in
            let lo = range.lowerBound
            digits_relu_backward(y + lo, dy + lo, range.count, dy + lo)
        }
        return dOutput
    }
}

/// `[N, C, H, W]` -> `[N, C*H*W]`; the row-major layout already is flat, so this copies nothing but the shape.
public final class Flatten: Layer {
    public let name: String
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init(name: String) { self.name = name }
    public var summary: String { "Flatten" }
    public func outputShape(for input: [Int]) -> [Int] { [input.reduce(1, *)] }

    /// The input itself, read as `[N, C*H*W]`. The layer before reshapes its output afresh on every forward pass
    /// and never reads its shape back, so reading it in another shape costs nothing (a copy was 6.6% of `convnet`
    /// answering a batch).
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        inputShape = input.shape
        input.reinterpret(as: [input.batch, input.perSample])
        return input
    }

    /// The gradient itself, read in the input's shape (see `Layer`).
    public func backward(_ dOutput: Tensor) -> Tensor {
        dOutput.reinterpret(as: inputShape)
        return dOutput
    }
}

/// Inverted dropout: in training each unit survives with probability `1 - rate` and is scaled by `1 / (1 - rate)`;
/// in inference it is the identity. Masks come from the layer's own seeded generator.
public final class Dropout: Layer {
    public let name: String
    public let rate: Float
    public var needsInputGradient = true
    /// Reseeded by the trainer before every step so a run is reproducible.
    public var rng = SplitMix64(seed: 0)
    private var mask: [Float] = []
    /// Whether the last forward pass masked (training with a positive rate) rather than passing its input on.
    private var masks = false
    private let output = Tensor(shape: [0])

    public init(name: String, rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.name = name
        self.rate = rate
    }

    public var summary: String { "Dropout \(rate)" }
    public func reseed(_ generator: SplitMix64) { rng = generator }
    public func outputShape(for input: [Int]) -> [Int] { input }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        masks = mode == .training && rate > 0
        // The identity is the input itself: nothing writes over a layer's input in a forward pass.
        guard masks else { return input }
        output.reshape(input.shape)
        if mask.count < input.count { mask = [Float](repeating: 0, count: input.count) }
        // Four 16-bit uniform draws from each 64-bit random number: dropout needs no finer resolution.
        let keep = 1 / (1 - rate), threshold = UInt32((rate * 65536).rounded())
        mask.withUnsafeMutableBufferPointer { mask in
            rng.state = digits_dropout(rng.state, threshold, keep, input.data, input.count, mask.baseAddress!,
                                       output.data)
        }
        return output
    }

    /// Masks the gradient where it stands (see `Layer`); the identity passes it on.
    public func backward(_ dOutput: Tensor) -> Tensor {
        guard masks else { return dOutput }
        let dy = dOutput.data
        mask.withUnsafeBufferPointer { mask in
            for i in 0..<dOutput.count { dy[i] *= mask[i] }
        }
        return dOutput
    }
}
