// Max pooling over non-overlapping windows (pool size = stride).
//
// Dimension legend: N batch, C channels, H x W input, OH = H / S, OW = W / S (floor: a ragged edge is dropped,
// as in Keras).

import CKernels

/// `y[n,c,i,j] = max_{u,v < S} x[n,c,i*S+u,j*S+v]`, then `max(y, 0)` when the layer also rectifies. The gradient
/// goes to each window's first maximum in reading order, found again in backward from the kept input rather than
/// stored as indices.
///
/// Pooling followed by ReLU is one pass over the data instead of two; the results are those of the two layers.
public final class MaxPool2D: Layer {
    public let name: String
    public let size: Int
    /// Whether a ReLU follows the max in the same pass.
    public let rectifies: Bool
    public var needsInputGradient = true

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])

    public init(name: String, size: Int, rectifies: Bool = false) {
        self.name = name
        self.size = size
        self.rectifies = rectifies
    }

    public var summary: String { "MaxPool2D \(size)x\(size)" + (rectifies ? " + ReLU" : "") }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.count == 3 && input[1] >= size && input[2] >= size, "\(name) cannot pool \(input)")
        return [input[0], input[1] / size, input[2] / size]
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: `[N, C, OH, OW]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        bind(input)
        let planeSize = input.shape[2] * input.shape[3]
        Parallel.forSlices(input.shape[0] * input.shape[1], minimumSlice: Parallel.elementsPerWorker / planeSize) {
            range, _ in self.pool(planes: range)
        }
        return output
    }

    /// Routes each output gradient to its window's first maximum in reading order; every other input gets zero.
    public func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("\(name): backward before forward") }
        dInput.reshape(input.shape)
        let planeSize = input.shape[2] * input.shape[3], dx = dInput.data
        Parallel.forSlices(input.shape[0] * input.shape[1], minimumSlice: Parallel.elementsPerWorker / planeSize) {
            range, _ in self.unpool(planes: range, dOutput: dOutput, into: dx + range.lowerBound * planeSize)
        }
        return dInput
    }

    // MARK: Plane by plane, for a convolution that pools each sample as soon as it is computed

    /// The pooled result of the last forward pass.
    var pooled: Tensor { output }

    /// Takes `input` as the tensor to pool and sizes the output; `pool(planes:)` then fills it in any order.
    func bind(_ input: Tensor) {
        self.input = input
        output.reshape([input.batch] + outputShape(for: Array(input.shape.dropFirst())))
    }

    /// Pools input planes `planes` (flat `n * C + c` indices) into the same planes of the output.
    func pool(planes: Range<Int>) {
        guard let input else { preconditionFailure("\(name): pooling before bind") }
        let h = input.shape[2], w = input.shape[3], oh = h / size, ow = w / size, s = size
        let x = input.data + planes.lowerBound * h * w, y = output.data + planes.lowerBound * oh * ow
        if s == 2 {
            digits_maxpool2x2_forward(x, planes.count, h, w, rectifies ? 1 : 0, y)
            return
        }
        let floor: Float = rectifies ? 0 : -.infinity
        for plane in 0..<planes.count {
            let xp = x + plane * h * w, yp = y + plane * oh * ow
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = xp[i * s * w + j * s]
                    for u in 0..<s { for v in 0..<s { best = Swift.max(best, xp[(i * s + u) * w + j * s + v]) } }
                    yp[i * ow + j] = Swift.max(best, floor)
                }
            }
        }
    }

    /// The input gradient of planes `planes`, from the output gradient `dOutput` (all planes), written to `dx`
    /// (the first of those planes).
    func unpool(planes: Range<Int>, dOutput: Tensor, into dx: UnsafeMutablePointer<Float>) {
        guard let input else { preconditionFailure("\(name): backward before forward") }
        let h = input.shape[2], w = input.shape[3], oh = h / size, ow = w / size, s = size
        let x = input.data + planes.lowerBound * h * w
        let y = output.data + planes.lowerBound * oh * ow, dy = dOutput.data + planes.lowerBound * oh * ow
        if s == 2 {
            digits_maxpool2x2_backward(x, dy, planes.count, h, w, rectifies ? 1 : 0, dx)
            return
        }
        for plane in 0..<planes.count {
            let xp = x + plane * h * w, dxp = dx + plane * h * w, yp = y + plane * oh * ow, dyp = dy + plane * oh * ow
            dxp.update(repeating: 0, count: h * w)
            // A rectified output of zero may hide a negative maximum: it passes no gradient either way.
            for o in 0..<oh * ow where !(rectifies && yp[o] <= 0) {
                let i = o / ow, j = o % ow
                search: for u in 0..<s {
                    for v in 0..<s where xp[(i * s + u) * w + j * s + v] == yp[o] {
                        dxp[(i * s + u) * w + j * s + v] = dyp[o]
                        break search
                    }
                }
            }
        }
    }
}
