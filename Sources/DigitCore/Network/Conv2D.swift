// 2-D convolution, stride 1, 'valid' or 'same' padding, as im2col followed by SGEMM: one SGEMM per group of
// samples unfolded side by side, because at P = 81 or 121 columns a single sample's product is too narrow for
// OpenBLAS's kernels to run at speed. A single-channel 3x3 layer (the first) runs a direct kernel instead, and the
// other 3x3 layers, over a batch, Winograd F(2x2, 3x3) for the output and both gradients (Conv2D+Winograd.swift).
//
// Dimension legend: N batch, C input channels, H x W input size, O output channels, KH x KW kernel,
// OH x OW output size, K = C*KH*KW (rows of the im2col matrix), P = OH*OW (its columns per sample), G samples in a
// group, GP = G*P.

import CBLAS
import CKernels

/// How a convolution treats the border.
public enum Padding: String, Sendable, Codable {
    /// No padding: output is `H - KH + 1` tall.
    case valid
    /// Zero padding of `(KH - 1) / 2` so the output keeps the input size (odd kernels).
    case same
}

/// `y[n,o,i,j] = b[o] + sum_{c,u,v} w[o,c,u,v] * x[n,c,i+u-pad,j+v-pad]`.
public final class Conv2D: Layer {
    public let name: String
    public let inChannels: Int, outChannels: Int, kernel: Int, padding: Padding
    /// `[O, C, KH, KW]`.
    public let weight: Parameter
    /// `[O]`.
    public let bias: Parameter
    public var needsInputGradient = true

    // State and scratch below are internal rather than private for the Winograd passes in Conv2D+Winograd.swift.
    var inputShape: [Int] = []
    let output = Tensor(shape: [0])
    let dInput = Tensor(shape: [0])
    /// The last forward pass's input, kept for backward.
    var input: Tensor?
    /// Per-worker im2col scratch, `[workers, K, GP]`: one group of samples at a time, so it stays in cache.
    /// Backward unfolds the group again instead of keeping `[N, K, P]` (tens of megabytes) alive between the passes,
    /// and once the weight gradient has used the columns, overwrites them with their gradient.
    let columns = Tensor(shape: [0])
    /// Per-worker product of one group, `[workers, O, GP]`; backward gathers the group's output gradient into it.
    private let groupOutputs = Tensor(shape: [0])
    /// Per-worker output of one sample, and its gradient, `[workers, O*P]`, when a pooling layer is fused behind
    /// this one.
    let sampleOutputs = Tensor(shape: [0])
    let dUnpooled = Tensor(shape: [0])
    /// The most samples one SGEMM covers; 1 is the plain per-sample path, which the tests compare against.
    var maxGroupSize = Int.max
    /// Whether a single-channel 3x3 convolution runs the direct kernel (`digits_conv3x3_single_channel_forward`)
    /// instead of im2col and SGEMM; off, the tests' reference.
    var allowsDirectKernel = true
    /// Whether a 3x3 convolution over several channels may run Winograd F(2x2, 3x3) for its output and input
    /// gradient; off, the tests' reference.
    var allowsWinograd = true
    /// The filters' Winograd transform, `[16, O, C]`, made again by every forward pass that uses it; for the input
    /// gradient, that of the filters turned half a turn with inputs and outputs swapped, `[16, C, O]`.
    let winogradWeights = Tensor(shape: [0])
    /// Zeros, the bias of the input gradient's Winograd convolution, `[C]`.
    let zeroBias = Tensor(shape: [0])
    /// The filters turned half a turn with inputs and outputs swapped, `[C, O, 3, 3]`, before that transform.
    let flippedWeight = Tensor(shape: [0])
    let weightPartials = GradientPartials(), biasPartials = GradientPartials()

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, padding: Padding) {
        precondition(kernel % 2 == 1 || padding == .valid, "'same' padding needs an odd kernel")
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.padding = padding
        weight = Parameter(name: "\(name).weight", shape: [outChannels, inChannels, kernel, kernel], decays: true)
        bias = Parameter(name: "\(name).bias", shape: [outChannels], decays: false)
    }

    public var summary: String { "Conv2D \(outChannels) \(kernel)x\(kernel) \(padding.rawValue)" }
    public var parameters: [Parameter] { [weight, bias] }
    public var initializedWeight: InitializedWeight? {
        InitializedWeight(weight: weight, fanIn: inChannels * kernel * kernel, fanOut: outChannels * kernel * kernel)
    }
    var pad: Int { padding == .same ? (kernel - 1) / 2 : 0 }

    /// Columns one SGEMM covers at most. Single-threaded OpenBLAS (SkylakeX kernels) ran the forward product
    /// 64 x 121 x 288 at 186 GFLOP/s and 64 x 484 x 288 at 223, the column gradient 288 x 121 x 64 at 209 and
    /// 288 x 484 x 64 at 240; twice as wide gained under 2% more, for twice the scratch.
    static let groupColumns = 512

    /// Samples per SGEMM for `p` output positions per sample: as many as fit in `groupColumns` columns (at least
    /// one), within `maxGroupSize`.
    func groupSize(positions p: Int) -> Int { max(1, min(maxGroupSize, Self.groupColumns / p)) }

    /// The first layer's shape, one input channel and a 3x3 kernel: SGEMM's inner dimension would be only 9.
    var usesDirectKernel: Bool { allowsDirectKernel && inChannels == 1 && kernel == 3 }

    /// Tiles (2x2 outputs) one group of Winograd products covers at most: the columns of each of its 16 SGEMMs.
    /// Single-threaded, 64 x 108 x 32 ran at 231 GFLOP/s and 64 x 252 x 32 at 237; the narrower group keeps the
    /// scratch (transformed input and products) near im2col's size.
    static let winogradTiles = 128
    /// The fewest tiles in a batch for Winograd: below, its 16 products are too small to pay for the transforms (a
    /// single 11x11 image, 36 tiles, took twice as long as with im2col). The tests lower it to reach small shapes.
    var winogradMinimumTiles = winogradTiles / 2

    /// Whether a forward pass over `batch` samples of `tiles` tiles each runs Winograd F(2x2, 3x3): 3x3 kernels over
    /// several channels, and enough tiles.
    func usesWinograd(batch: Int, tiles: Int) -> Bool {
        allowsWinograd && inChannels > 1 && kernel == 3 && batch * tiles >= winogradMinimumTiles
    }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.count == 3 && input[0] == inChannels, "\(name) expects [\(inChannels), H, W], got \(input)")
        return [outChannels, input[1] + 2 * pad - kernel + 1, input[2] + 2 * pad - kernel + 1]
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: `[N, O, OH, OW]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, mode: mode, pooledBy: nil) }

    /// - Parameter dOutput: `[N, O, OH, OW]`. - Returns: `[N, C, H, W]` (zeros when `needsInputGradient` is off).
    public func backward(_ dOutput: Tensor) -> Tensor { backward(dOutput, through: nil) }

    /// The forward pass, followed per sample by `pool` (the next layer). Each sample's output then lives only in
    /// per-worker scratch, pooled while it is in cache; backward needs only the pool's winners. Returns the pooled
    /// output.
    func forward(_ input: Tensor, mode: Mode, pooledBy pool: MaxPool2D?) -> Tensor {
        inputShape = input.shape
        self.input = input
        let n = input.batch, h = input.shape[2], w = input.shape[3]
        let out = outputShape(for: Array(input.shape.dropFirst()))
        let oh = out[1], ow = out[2], p = oh * ow, k = inChannels * kernel * kernel
        if let pool {
            pool.bind(inputShape: [n] + out)
        } else {
            output.reshape([n] + out)
        }
        if usesWinograd(batch: n, tiles: ((oh + 1) / 2) * ((ow + 1) / 2)) {
            forwardWinograd(input, pooledBy: pool, outHeight: oh, outWidth: ow)
            return pool?.pooled ?? output
        }
        // The direct and im2col paths each write a pooled sample's output to per-worker scratch first.
        if pool != nil { sampleOutputs.reshape([Parallel.workers, outChannels * p]) }
        if usesDirectKernel {
            let x = input.data, y = output.data, scratch = sampleOutputs.data
            let (wt, b, o, pd) = (weight.value.data, bias.value.data, outChannels, pad)
            Parallel.forSlices(n) { range, worker in
                for s in range {
                    let ys = pool == nil ? y + s * o * p : scratch + worker * o * p
                    digits_conv3x3_single_channel_forward(x + s * h * w, h, w, pd, wt, b, o, ys)
                    pool?.pool(planes: s * o..<(s + 1) * o, from: ys)
                }
            }
            return pool?.pooled ?? output
        }
        let g = min(groupSize(positions: p), n), gp = g * p
        columns.reshape([Parallel.workers, k, gp])
        if g > 1 { groupOutputs.reshape([Parallel.workers, outChannels * gp]) }
        let x = input.data, y = output.data, cols = columns.data, wt = weight.value.data, b = bias.value.data
        let scratch = sampleOutputs.data, products = groupOutputs.data
        let (o, c, ks, pd) = (outChannels, inChannels, kernel, pad)
        Parallel.forSlices(n) { range, worker in
            let col = cols + worker * k * gp
            for first in stride(from: range.lowerBound, to: range.upperBound, by: g) {
                let count = min(g, range.upperBound - first), width = count * p
                for i in 0..<count {
                    im2col(x + (first + i) * c * h * w, channels: c, height: h, width: w, kernel: ks, pad: pd,
                           outHeight: oh, outWidth: ow, columnStride: width, into: col + i * p)
                }
                // A lone sample's product goes straight to its output; a group's goes to scratch, then apart.
                let product = count == 1 ? (pool == nil ? y + first * o * p : scratch + worker * o * p)
                                         : products + worker * o * gp
                for oc in 0..<o { (product + oc * width).update(repeating: b[oc], count: width) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(o), Int32(width), Int32(k),
                            1, wt, Int32(k), col, Int32(width), 1, product, Int32(width))
                for i in 0..<count {
                    let s = first + i
                    let ys = pool == nil ? y + s * o * p : scratch + worker * o * p
                    if count > 1 {
                        for oc in 0..<o { (ys + oc * p).update(from: product + oc * width + i * p, count: p) }
                    }
                    pool?.pool(planes: s * o..<(s + 1) * o, from: ys)
                }
            }
        }
        return pool?.pooled ?? output
    }

    /// The backward pass; with `pool`, `dOutput` is the pooled output's gradient, and each sample's output
    /// gradient is unpooled into per-worker scratch just before it is used, instead of into a whole-batch tensor.
    func backward(_ dOutput: Tensor, through pool: MaxPool2D?) -> Tensor {
        let n = inputShape[0], h = inputShape[2], w = inputShape[3]
        let out = outputShape(for: Array(inputShape.dropFirst()))
        let oh = out[1], ow = out[2], p = oh * ow, k = inChannels * kernel * kernel
        let (o, c, ks, pd) = (outChannels, inChannels, kernel, pad)
        dInput.reshape(inputShape)
        guard let x = input?.data else { preconditionFailure("\(name): backward before forward") }
        let wt = weight.value.data, wCount = weight.value.count, propagate = needsInputGradient
        let wp = weightPartials, bp = biasPartials
        wp.prepare(count: wCount)
        bp.prepare(count: o)
        if propagate && usesWinograd(batch: n, tiles: ((h + 1) / 2) * ((w + 1) / 2)) {
            let used = backwardWinograd(dOutput, through: pool)
            weightPartials.reduce(into: weight.grad, workers: used)
            biasPartials.reduce(into: bias.grad, workers: used)
            return dInput
        }
        if pool != nil { dUnpooled.reshape([Parallel.workers, o * p]) }
        let dx = dInput.data, unpooled = dUnpooled.data
        if usesDirectKernel && !propagate {
            let used = Parallel.forSlices(n) { range, worker in
                let dW = wp.buffer(worker), dB = bp.buffer(worker)
                for s in range {
                    var dys = dOutput.data + s * o * p
                    if let pool {
                        dys = unpooled + worker * o * p
                        pool.unpool(planes: s * o..<(s + 1) * o, dOutput: dOutput, into: dys)
                    }
                    for oc in 0..<o { dB[oc] += simdSum(dys + oc * p, count: p) }
                    digits_conv3x3_single_channel_weight_gradient(x + s * h * w, h, w, pd, dys, o, dW)
                }
            }
            weightPartials.reduce(into: weight.grad, workers: used)
            biasPartials.reduce(into: bias.grad, workers: used)
            dInput.fill(0)
            return dInput
        }
        let g = min(groupSize(positions: p), n), gp = g * p
        columns.reshape([Parallel.workers, k, gp])
        if g > 1 { groupOutputs.reshape([Parallel.workers, o * gp]) }
        let cols = columns.data, dProducts = groupOutputs.data
        let used = Parallel.forSlices(n) { range, worker in
            let dW = wp.buffer(worker), dB = bp.buffer(worker)
            let col = cols + worker * k * gp
            for first in stride(from: range.lowerBound, to: range.upperBound, by: g) {
                let count = min(g, range.upperBound - first), width = count * p
                // The group's output gradient `[O, width]`: a lone sample's as it is, a group's gathered.
                var dProduct = dProducts + worker * o * gp
                for i in 0..<count {
                    let s = first + i
                    let dys: UnsafeMutablePointer<Float>
                    if let pool {
                        dys = unpooled + worker * o * p
                        pool.unpool(planes: s * o..<(s + 1) * o, dOutput: dOutput, into: dys)
                    } else {
                        dys = dOutput.data + s * o * p
                    }
                    if count == 1 {
                        dProduct = dys
                    } else {
                        for oc in 0..<o { (dProduct + oc * width + i * p).update(from: dys + oc * p, count: p) }
                    }
                    im2col(x + s * c * h * w, channels: c, height: h, width: w, kernel: ks, pad: pd,
                           outHeight: oh, outWidth: ow, columnStride: width, into: col + i * p)
                }
                for oc in 0..<o { dB[oc] += simdSum(dProduct + oc * width, count: width) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(o), Int32(k), Int32(width),
                            1, dProduct, Int32(width), col, Int32(width), 1, dW, Int32(k))
                guard propagate else { continue }
                let dcol = col
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(width), Int32(o),
                            1, wt, Int32(k), dProduct, Int32(width), 0, dcol, Int32(width))
                for i in 0..<count {
                    col2im(dcol + i * p, channels: c, height: h, width: w, kernel: ks, pad: pd, outHeight: oh,
                           outWidth: ow, columnStride: width, into: dx + (first + i) * c * h * w)
                }
            }
        }
        weightPartials.reduce(into: weight.grad, workers: used)
        biasPartials.reduce(into: bias.grad, workers: used)
        if !propagate { dInput.fill(0) }
        return dInput
    }
}

/// Unfolds one sample `[C, H, W]` into `[K, P]`: row `(c*KH+u)*KW+v`, column `i*OW+j` holds `x[c, i+u-pad, j+v-pad]`
/// (zero outside the image). Rows start `columnStride` floats apart (P unless given).
@inline(__always)
func im2col(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int, kernel: Int, pad: Int,
            outHeight: Int, outWidth: Int, columnStride: Int? = nil, into col: UnsafeMutablePointer<Float>) {
    digits_im2col(x, channels, height, width, kernel, pad, outHeight, outWidth, columnStride ?? outHeight * outWidth,
                  col)
}

/// The adjoint of `im2col`: overwrites `x` with the sum of each column entry at the input position it was read from.
@inline(__always)
func col2im(_ col: UnsafePointer<Float>, channels: Int, height: Int, width: Int, kernel: Int, pad: Int,
            outHeight: Int, outWidth: Int, columnStride: Int? = nil, into x: UnsafeMutablePointer<Float>) {
    digits_col2im(col, channels, height, width, kernel, pad, outHeight, outWidth, columnStride ?? outHeight * outWidth,
                  x)
}
