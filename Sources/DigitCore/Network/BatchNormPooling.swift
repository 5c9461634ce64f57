// Batch normalization (with its ReLU) and the max pooling right after it, run as one stage: produced by the same
// rewriting of the layer list as `ConvolutionPooling` (`Architecture.fusingPooling`).

/// Pools each normalized plane while it is in cache, so batch normalization's whole-batch output is never written
/// and read back (`bnnet` pools twice so). Backward is the two layers' own: pooling routes the gradient to each
/// window's winner and batch normalization recomputes what it needs from its input. Results are those of the two
/// layers run one after the other, bit for bit.
final class BatchNormPooling: Layer {
    let normalization: BatchNorm
    let pooling: MaxPool2D

    init(normalization: BatchNorm, pooling: MaxPool2D) {
        self.normalization = normalization
        self.pooling = pooling
    }

    var name: String { "\(normalization.name)+\(pooling.name)" }
    var summary: String { "\(normalization.summary), \(pooling.summary)" }
    var parameters: [Parameter] { normalization.parameters }
    var state: [Parameter] { normalization.state }
    var rectifies: Bool { pooling.rectifies }
    var needsInputGradient: Bool {
        get { normalization.needsInputGradient }
        set { normalization.needsInputGradient = newValue }
    }

    func outputShape(for input: [Int]) -> [Int] {
        pooling.outputShape(for: normalization.outputShape(for: input))
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: the pooled output `[N, C, H / S, W / S]`.
    ///
    /// A single image's planes already fit in cache, so it takes the two layers' whole-batch passes, one call each,
    /// rather than a pooling call per plane.
    func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard input.batch > 1 else { return pooling.forward(normalization.forward(input, mode: mode), mode: mode) }
        return normalization.forward(input, mode: mode, pooledBy: pooling)
    }

    /// - Parameter dOutput: the pooled output's gradient. - Returns: `[N, C, H, W]`.
    func backward(_ dOutput: Tensor) -> Tensor { normalization.backward(pooling.backward(dOutput)) }
}
