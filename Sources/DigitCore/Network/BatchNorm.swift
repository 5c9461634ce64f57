// Batch normalization (Ioffe and Szegedy 2015) over every axis but the channel/feature axis.
//
// Dimension legend: N batch, C channels (or features), S spatial positions per channel (H*W, or 1 after Flatten);
// statistics are taken over the M = N*S values of each channel.

import CKernels
import Foundation

/// Training: `y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta` with batch statistics, and the running
/// statistics move by `running = momentum * running + (1 - momentum) * batch` (unbiased variance).
/// Inference: the running statistics replace the batch's. When the layer also rectifies, `y` then goes through ReLU
/// in the same pass, with the results of the two layers.
public final class BatchNorm: Layer {
    public let name: String
    public let channels: Int
    public let momentum: Float
    public let epsilon: Float
    /// Whether a ReLU follows in the same pass.
    public let rectifies: Bool
    public let gamma: Parameter, beta: Parameter
    public let runningMean: Parameter, runningVariance: Parameter
    public var needsInputGradient = true

    private let output = Tensor(shape: [0])
    /// One plane per worker, normalized and waiting to be pooled, when a pooling follows in the same stage.
    private let planeScratch = Tensor(shape: [0])
    /// The last forward pass's input; backward computes `xhat` from it again rather than keeping a copy.
    private var input: Tensor?
    /// Per channel, the mean and `1 / sqrt(var + eps)` the last forward pass used.
    private let means: Tensor, inverseStd: Tensor

    public init(name: String, channels: Int, momentum: Float = 0.9, epsilon: Float = 1e-5, rectifies: Bool = false) {
        self.name = name
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        self.rectifies = rectifies
        gamma = Parameter(name: "\(name).gamma", shape: [channels], decays: false)
        beta = Parameter(name: "\(name).beta", shape: [channels], decays: false)
        runningMean = Parameter(name: "\(name).running_mean", shape: [channels], decays: false)
        runningVariance = Parameter(name: "\(name).running_var", shape: [channels], decays: false)
        gamma.value.fill(1)
        runningVariance.value.fill(1)
        means = Tensor(shape: [channels])
        inverseStd = Tensor(shape: [channels])
        inverseStd.fill(1)
    }

    public var summary: String { rectifies ? "BatchNorm + ReLU" : "BatchNorm" }
    public var parameters: [Parameter] { [gamma, beta] }
    public var state: [Parameter] { [runningMean, runningVariance] }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.first == channels, "\(name) expects \(channels) channels, got \(input)")
        return input
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, mode: mode, pooledBy: nil) }

    /// The forward pass, pooled by `pool` when one is given: each channel is normalized a sample's plane at a time
    /// into per-worker scratch and pooled from there, so the whole-batch output never exists and the pooled output
    /// is returned. The results are those of the two layers run in turn, bit for bit; backward needs only the
    /// input, so it is the same either way.
    func forward(_ input: Tensor, mode: Mode, pooledBy pool: MaxPool2D?) -> Tensor {
        let n = input.batch, c = channels, s = input.perSample / c
        precondition(input.perSample == c * s, "\(name) expects \(c) channels, got \(input.shape)")
        self.input = input
        if let pool {
            pool.bind(inputShape: input.shape)
            planeScratch.reshape([Parallel.workers, s])
        } else {
            output.reshape(input.shape)
        }
        let x = input.data, y = output.data, scratch = planeScratch.data
        let g = gamma.value.data, b = beta.value.data, rm = runningMean.value.data, rv = runningVariance.value.data
        let m = Float(n * s), (mom, eps) = (momentum, epsilon), rectify: Int32 = rectifies ? 1 : 0
        let means = means.data, invStd = inverseStd.data
        Parallel.forSlices(c, minimumSlice: Parallel.elementsPerWorker / max(1, n * s)) { range, worker in
            for ch in range {
                var mean: Float, variance: Float
                if mode == .training {
                    (mean, variance) = (0, 0)
                    digits_batchnorm_statistics(x + ch * s, n, s, c * s, &mean, &variance)
                    rm[ch] = mom * rm[ch] + (1 - mom) * mean
                    rv[ch] = mom * rv[ch] + (1 - mom) * variance * m / max(m - 1, 1)
                } else {
                    mean = rm[ch]
                    variance = rv[ch]
                }
                let inv = 1 / (variance + eps).squareRoot()
                invStd[ch] = inv
                means[ch] = mean
                guard let pool else {
                    digits_batchnorm_normalize(x + ch * s, n, s, c * s, mean, inv, g[ch], b[ch], rectify, y + ch * s)
                    continue
                }
                let plane = scratch + worker * s
                for sample in 0..<n {
                    digits_batchnorm_normalize(x + (sample * c + ch) * s, 1, s, s, mean, inv, g[ch], b[ch], rectify,
                                               plane)
                    let index = sample * c + ch
                    pool.pool(planes: index..<index + 1, from: plane)
                }
            }
        }
        return pool?.pooled ?? output
    }

    /// `dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))`, the batch-statistics gradient,
    /// where `dy` is first masked by `y > 0` when the layer rectifies (the sign recomputed from `x`, not read back).
    /// Each `dx` needs only its own `dy` once the channel's sums are taken, so it is written over `dOutput`, which is
    /// returned: a second whole-batch gradient the size of the activations (12.8 MB behind `bnnet`'s first
    /// convolution) never exists.
    public func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("\(name): backward before forward") }
        let n = dOutput.batch, c = channels, s = dOutput.perSample / c
        let x = input.data, dyAll = dOutput.data, dx = dOutput.data, rectify: Int32 = rectifies ? 1 : 0
        let g = gamma.value.data, b = beta.value.data, dg = gamma.grad.data, db = beta.grad.data
        let means = means.data, invStd = inverseStd.data
        Parallel.forSlices(c, minimumSlice: Parallel.elementsPerWorker / max(1, n * s)) { range, _ in
            for ch in range {
                var sumDy: Float = 0, sumDyXh: Float = 0
                let first = ch * s
                digits_batchnorm_backward(x + first, rectify, dyAll + first, n, s, c * s, means[ch], invStd[ch],
                                          g[ch], b[ch], dx + first, &sumDy, &sumDyXh)
                dg[ch] += sumDyXh
                db[ch] += sumDy
            }
        }
        return dOutput
    }
}
