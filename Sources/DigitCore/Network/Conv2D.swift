// 2-D convolution, stride 1, 'valid' or 'same' padding, as im2col followed by one SGEMM per sample.
//
// Dimension legend: N batch, C input channels, H x W input size, O output channels, KH x KW kernel,
// OH x OW output size, K = C*KH*KW (rows of the im2col matrix), P = OH*OW (its columns).

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

    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])
    /// The last forward pass's input, kept for backward.
    private var input: Tensor?
    /// Per-worker im2col scratch, `[workers, K, P]`: one sample at a time, so it stays in cache. Backward
    /// unfolds the sample again instead of keeping `[N, K, P]` (tens of megabytes) alive between the passes.
    private let columns = Tensor(shape: [0])
    private let dColumns = Tensor(shape: [0])
    /// Per-worker output of one sample, and its gradient, `[workers, O*P]`, when a pooling layer is fused behind
    /// this one.
    private let sampleOutputs = Tensor(shape: [0])
    private let dUnpooled = Tensor(shape: [0])
    private let weightPartials = GradientPartials(), biasPartials = GradientPartials()

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
            sampleOutputs.reshape([Parallel.workers, outChannels * p])
        } else {
            output.reshape([n] + out)
        }
        columns.reshape([Parallel.workers, k, p])
        let x = input.data, y = output.data, cols = columns.data, wt = weight.value.data, b = bias.value.data
        let scratch = sampleOutputs.data
        let (o, c, ks, pd) = (outChannels, inChannels, kernel, pad)
        Parallel.forSlices(n) { range, worker in
            let col = cols + worker * k * p
            for s in range {
                let ys = pool == nil ? y + s * o * p : scratch + worker * o * p
                im2col(x + s * c * h * w, channels: c, height: h, width: w, kernel: ks, pad: pd,
                       outHeight: oh, outWidth: ow, into: col)
                for oc in 0..<o { (ys + oc * p).update(repeating: b[oc], count: p) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(o), Int32(p), Int32(k),
                            1, wt, Int32(k), col, Int32(p), 1, ys, Int32(p))
                pool?.pool(planes: s * o..<(s + 1) * o, from: ys)
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
        dColumns.reshape([Parallel.workers, k, p])
        if pool != nil { dUnpooled.reshape([Parallel.workers, o * p]) }
        guard let x = input?.data else { preconditionFailure("\(name): backward before forward") }
        let dx = dInput.data, cols = columns.data, dcolsAll = dColumns.data, unpooled = dUnpooled.data
        let wt = weight.value.data, wCount = weight.value.count, propagate = needsInputGradient
        let wp = weightPartials, bp = biasPartials
        wp.prepare(count: wCount)
        bp.prepare(count: o)
        let used = Parallel.forSlices(n) { range, worker in
            let dW = wp.buffer(worker), dB = bp.buffer(worker)
            let dcol = dcolsAll + worker * k * p, col = cols + worker * k * p
            for s in range {
                let dys: UnsafeMutablePointer<Float>
                if let pool {
                    dys = unpooled + worker * o * p
                    pool.unpool(planes: s * o..<(s + 1) * o, dOutput: dOutput, into: dys)
                } else {
                    dys = dOutput.data + s * o * p
                }
                im2col(x + s * c * h * w, channels: c, height: h, width: w, kernel: ks, pad: pd,
                       outHeight: oh, outWidth: ow, into: col)
                for oc in 0..<o { dB[oc] += simdSum(dys + oc * p, count: p) }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(o), Int32(k), Int32(p),
                            1, dys, Int32(p), col, Int32(p), 1, dW, Int32(k))
                guard propagate else { continue }
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(p), Int32(o),
                            1, wt, Int32(k), dys, Int32(p), 0, dcol, Int32(p))
                col2im(dcol, channels: c, height: h, width: w, kernel: ks, pad: pd,
                       outHeight: oh, outWidth: ow, into: dx + s * c * h * w)
            }
        }
        weightPartials.reduce(into: weight.grad, workers: used)
        biasPartials.reduce(into: bias.grad, workers: used)
        if !propagate { dInput.fill(0) }
        return dInput
    }
}

/// Unfolds one sample `[C, H, W]` into `[K, P]`: row `(c*KH+u)*KW+v`, column `i*OW+j` holds `x[c, i+u-pad, j+v-pad]`
/// (zero outside the image).
@inline(__always)
func im2col(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int, kernel: Int, pad: Int,
            outHeight: Int, outWidth: Int, into col: UnsafeMutablePointer<Float>) {
    digits_im2col(x, channels, height, width, kernel, pad, outHeight, outWidth, col)
}

/// The adjoint of `im2col`: overwrites `x` with the sum of each column entry at the input position it was read from.
@inline(__always)
func col2im(_ col: UnsafePointer<Float>, channels: Int, height: Int, width: Int, kernel: Int, pad: Int,
            outHeight: Int, outWidth: Int, into x: UnsafeMutablePointer<Float>) {
    digits_col2im(col, channels, height, width, kernel, pad, outHeight, outWidth, x)
}
