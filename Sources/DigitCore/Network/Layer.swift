// The contract every layer keeps: a forward/backward pair over batched tensors, with parameters in a fixed order.

/// Whether a forward pass is for learning (dropout active, batch statistics) or for answering.
public enum Mode: Sendable { case training, inference }

/// One stage of a sequential network.
///
/// Shapes: activations are `[N, C, H, W]` after convolutional stages and `[N, F]` after `Flatten`.
/// `forward` keeps what `backward` needs; `backward(dOut)` returns `dLoss/dInput` and *accumulates* into each
/// parameter's `grad` (zeroing is the caller's job, `Parameter.zeroGrad`). `backward` may write its result over
/// `dOut` and return it (batch normalization does, where input and output have one shape), so the caller gives
/// `dOut` up: it holds no longer what it held once `backward` returns. Likewise `forward` may return its input
/// itself (flatten, reading it in another shape; dropout when it is the identity), so a layer reshapes its output
/// afresh on every forward pass and never relies on its shape afterwards.
public protocol Layer: AnyObject {
    /// The layer's name in the model file and in summaries, e.g. `conv1`.
    var name: String { get }
    /// A one-line description of its configuration, e.g. `Conv2D 32 3x3 valid`.
    var summary: String { get }
    /// The per-sample output shape for a per-sample input shape (batch dimension excluded).
    func outputShape(for input: [Int]) -> [Int]
    func forward(_ input: Tensor, mode: Mode) -> Tensor
    func backward(_ dOutput: Tensor) -> Tensor
    /// Trainable parameters in a fixed order.
    var parameters: [Parameter] { get }
    /// Saved, non-trainable state (BatchNorm's running statistics).
    var state: [Parameter] { get }
    /// When false, `backward` may skip computing `dInput` (the first layer's input needs no gradient).
    var needsInputGradient: Bool { get set }
    /// Whether the output goes through ReLU: a ReLU layer, or a layer with one folded in. The layer with weights
    /// before it is then He-initialized.
    var rectifies: Bool { get }
    /// The weight that initialization draws, with the fan-in and fan-out it is scaled by; nil for layers without one.
    var initializedWeight: InitializedWeight? { get }
    /// Gives a layer that draws random numbers (dropout) the generator for the coming training step.
    func reseed(_ generator: SplitMix64)
}

/// A weight to initialize: `fanIn` inputs and `fanOut` outputs feed each of its units.
public struct InitializedWeight {
    public let weight: Parameter
    public let fanIn: Int, fanOut: Int
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var state: [Parameter] { [] }
    public var rectifies: Bool { false }
    public var initializedWeight: InitializedWeight? { nil }
    public func reseed(_ generator: SplitMix64) {}
}
