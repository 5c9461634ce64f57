// A convolution and the max pooling right after it, run as one stage: produced by rewriting the layer list
// (`Architecture.fusingPooling`), so the network itself stays a plain loop over stages.

/// Pools each sample as soon as the convolution has computed it, while it is in cache, and unpools each sample's
/// gradient just before the convolution uses it. The convolution's whole-batch output never exists; results are
/// those of the two layers run one after the other, bit for bit.
final class ConvolutionPooling: Layer {
    let convolution: Conv2D
    let pooling: MaxPool2D

    init(convolution: Conv2D, pooling: MaxPool2D) {
        self.convolution = convolution
        self.pooling = pooling
    }

    var name: String { "\(convolution.name)+\(pooling.name)" }
    var summary: String { "\(convolution.summary), \(pooling.summary)" }
    var parameters: [Parameter] { convolution.parameters }
    var rectifies: Bool { pooling.rectifies }
    var initializedWeight: InitializedWeight? { convolution.initializedWeight }
    var needsInputGradient: Bool {
        get { convolution.needsInputGradient }
        set { convolution.needsInputGradient = newValue }
    }

    func outputShape(for input: [Int]) -> [Int] {
        pooling.outputShape(for: convolution.outputShape(for: input))
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: the pooled output `[N, O, OH / S, OW / S]`.
    func forward(_ input: Tensor, mode: Mode) -> Tensor { convolution.forward(input, mode: mode, pooledBy: pooling) }

    /// - Parameter dOutput: the pooled output's gradient. - Returns: `[N, C, H, W]`.
    func backward(_ dOutput: Tensor) -> Tensor { convolution.backward(dOutput, through: pooling) }
}
