// Max pooling over non-overlapping windows (pool size = stride).
//
// Dimension legend: N batch, C channels, H x W input, OH = H / S, OW = W / S (floor: a ragged edge is dropped,
// as in Keras).

import CKernels

/// `y[n,c,i,j] = max_{u,v < S} x[n,c,i*S+u,j*S+v]`, then `max(y, 0)` when the layer also rectifies. The gradient
/// goes to each window's first maximum in reading order, remembered as a one-byte code per output, so backward
/// needs neither the input nor the output values.
///
/// Pooling followed by ReLU is one pass over the data instead of two; the results are those of the two layers.
public final class MaxPool2D: Layer {
    public let name: String
    public let size: Int
    /// Whether a ReLU follows the max in the same pass.
    public let rectifies: Bool
    public var needsInputGradient = true

    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])
    /// Per output, where its window's winner sits (`u * S + v`), or `noWinner` when it passes no gradient.
    private var winners = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    private var winnerCapacity = 0
    static let noWinner = UInt8(DIGITS_POOL_NO_WINNER)
    static let winnerSlack = 16

    public init(name: String, size: Int, rectifies: Bool = false) {
        precondition(size >= 1 && size * size < Int(Self.noWinner), "pool size must be 1...15")
        self.name = name
        self.size = size
        self.rectifies = rectifies
    }

    deinit { winners.deallocate() }

    public var summary: String { "MaxPool2D \(size)x\(size)" + (rectifies ? " + ReLU" : "") }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.count == 3 && input[1] >= size && input[2] >= size, "\(name) cannot pool \(input)")
        return [input[0], input[1] / size, input[2] / size]
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: `[N, C, OH, OW]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        bind(inputShape: input.shape)
        let planeSize = input.shape[2] * input.shape[3], x = input.data
        Parallel.forSlices(input.shape[0] * input.shape[1], minimumSlice: Parallel.elementsPerWorker / planeSize) {
            range, _ in self.pool(planes: range, from: x + range.lowerBound * planeSize)
        }
        return output
    }

    /// Routes each output gradient to its window's winner; every other input gets zero.
    public func backward(_ dOutput: Tensor) -> Tensor {
        precondition(!inputShape.isEmpty, "\(name): backward before forward")
        dInput.reshape(inputShape)
        let planeSize = inputShape[2] * inputShape[3], dx = dInput.data
        Parallel.forSlices(inputShape[0] * inputShape[1], minimumSlice: Parallel.elementsPerWorker / planeSize) {
            range, _ in self.unpool(planes: range, dOutput: dOutput, into: dx + range.lowerBound * planeSize)
        }
        return dInput
    }

    // MARK: Plane by plane, for a convolution that pools each sample as soon as it is computed

    /// The pooled result of the last forward pass.
    var pooled: Tensor { output }

    /// Prepares to pool an input of shape `[N, C, H, W]`: sizes the output and the winner codes, which
    /// `pool(planes:from:)` then fills in any order.
    func bind(inputShape shape: [Int]) {
        inputShape = shape
        output.reshape([shape[0]] + outputShape(for: Array(shape.dropFirst())))
        if output.count > winnerCapacity {
            winners.deallocate()
            winnerCapacity = output.count
            // The vector backward reads up to 16 codes past a row's end.
            winners = .allocate(capacity: winnerCapacity + Self.winnerSlack)
            winners.initialize(repeating: Self.noWinner, count: winnerCapacity + Self.winnerSlack)
        }
    }

    /// Where output planes `planes` (flat `n * C + c` indices) and their winner codes start, for a convolution
    /// that pools as it computes (`digits_winograd_output_pooled`), writing what `pool(planes:from:)` would.
    func destination(planes: Range<Int>)
        -> (values: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<UInt8>) {
        let pooled = (inputShape[2] / size) * (inputShape[3] / size)
        return (output.data + planes.lowerBound * pooled, winners + planes.lowerBound * pooled)
    }

    /// Pools input planes `planes` (flat `n * C + c` indices), read from `x` (the first of them), into the same
    /// planes of the output.
    func pool(planes: Range<Int>, from x: UnsafePointer<Float>) {
        let h = inputShape[2], w = inputShape[3], oh = h / size, ow = w / size, s = size
        let y = output.data + planes.lowerBound * oh * ow, codes = winners + planes.lowerBound * oh * ow
        if s == 2 {
            digits_maxpool2x2_forward(x, planes.count, h, w, rectifies ? 1 : 0, y, codes)
            return
        }
        let floor: Float = rectifies ? 0 : -.infinity
        for plane in 0..<planes.count {
            let xp = x + plane * h * w, first = plane * oh * ow
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = xp[i * s * w + j * s], at = 0
                    for u in 0..<s {
                        for v in 0..<s where xp[(i * s + u) * w + j * s + v] > best {
                            best = xp[(i * s + u) * w + j * s + v]
                            at = u * s + v
                        }
                    }
                    let passes = best > floor
                    y[first + i * ow + j] = passes ? best : floor
                    codes[first + i * ow + j] = passes ? UInt8(at) : Self.noWinner
                }
            }
        }
    }

    /// The input gradient of planes `planes`, from the output gradient `dOutput` (all planes), written to `dx`
    /// (the first of those planes).
    func unpool(planes: Range<Int>, dOutput: Tensor, into dx: UnsafeMutablePointer<Float>) {
        let h = inputShape[2], w = inputShape[3], oh = h / size, ow = w / size, s = size
        let dy = dOutput.data + planes.lowerBound * oh * ow, codes = winners + planes.lowerBound * oh * ow
        if s == 2 {
            digits_maxpool2x2_backward(codes, dy, planes.count, h, w, dx)
            return
        }
        dx.update(repeating: 0, count: planes.count * h * w)
        for plane in 0..<planes.count {
            let dxp = dx + plane * h * w, first = plane * oh * ow
            for o in 0..<oh * ow where codes[first + o] != Self.noWinner {
                let i = o / ow, j = o % ow, u = Int(codes[first + o]) / s, v = Int(codes[first + o]) % s
                dxp[(i * s + u) * w + j * s + v] = dy[first + o]
            }
        }
    }
}
