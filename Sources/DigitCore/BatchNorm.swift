// Batch normalization (Ioffe and Szegedy 2015) over every axis but the channel/feature axis.
//
// Dimension legend: N batch, C channels (or features), S spatial positions per channel (H*W, or 1 after Flatten);
// statistics are taken over the M = N*S values of each channel.

import Foundation

/// Training: `y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta` with batch statistics, and the running
/// statistics move by `running = momentum * running + (1 - momentum) * batch` (unbiased variance).
/// Inference: the running statistics replace the batch's.
public final class BatchNorm: Layer {
    public let name: String
    public let channels: Int
    public let momentum: Float
    public let epsilon: Float
    public let gamma: Parameter, beta: Parameter
    public let runningMean: Parameter, runningVariance: Parameter
    public var needsInputGradient = true

    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])
    /// Normalized input `xhat`, kept for backward.
    private let normalized = Tensor(shape: [0])
    private var inverseStd: [Float]

    public init(name: String, channels: Int, momentum: Float = 0.9, epsilon: Float = 1e-5) {
        self.name = name
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        gamma = Parameter(name: "\(name).gamma", shape: [channels], decays: false)
        beta = Parameter(name: "\(name).beta", shape: [channels], decays: false)
        runningMean = Parameter(name: "\(name).running_mean", shape: [channels], decays: false)
        runningVariance = Parameter(name: "\(name).running_var", shape: [channels], decays: false)
        gamma.value.fill(1)
        runningVariance.value.fill(1)
        inverseStd = [Float](repeating: 1, count: channels)
    }

    public var summary: String { "BatchNorm" }
    public var parameters: [Parameter] { [gamma, beta] }
    public var state: [Parameter] { [runningMean, runningVariance] }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.first == channels, "\(name) expects \(channels) channels, got \(input)")
        return input
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let n = input.batch, c = channels, s = input.perSample / c
        precondition(input.perSample == c * s, "\(name) expects \(c) channels, got \(input.shape)")
        output.reshape(input.shape)
        normalized.reshape(input.shape)
        let x = input.data, y = output.data, xh = normalized.data
        let g = gamma.value.data, b = beta.value.data, rm = runningMean.value.data, rv = runningVariance.value.data
        let m = Float(n * s), (mom, eps) = (momentum, epsilon)
        inverseStd.withUnsafeMutableBufferPointer { invStd in
            let invStd = invStd.baseAddress!
            Parallel.forSlices(c, minimumSlice: Parallel.elementsPerWorker / max(1, n * s)) { range, _ in
                for ch in range {
                    var mean: Float, variance: Float
                    if mode == .training {
                        var sum: Double = 0, sumSq: Double = 0
                        for i in 0..<n { sum += Double(simdSum(x + (i * c + ch) * s, count: s)) }
                        mean = Float(sum / Double(m))
                        for i in 0..<n { sumSq += Double(simdSquaredDeviation(x + (i * c + ch) * s, count: s, from: mean)) }
                        variance = Float(sumSq / Double(m))
                        rm[ch] = mom * rm[ch] + (1 - mom) * mean
                        rv[ch] = mom * rv[ch] + (1 - mom) * variance * m / max(m - 1, 1)
                    } else {
                        mean = rm[ch]
                        variance = rv[ch]
                    }
                    let inv = 1 / (variance + eps).squareRoot()
                    invStd[ch] = inv
                    let scale = g[ch], shift = b[ch]
                    for i in 0..<n {
                        let at = (i * c + ch) * s
                        for j in at..<at + s {
                            let normal = (x[j] - mean) * inv
                            xh[j] = normal
                            y[j] = scale * normal + shift
                        }
                    }
                }
            }
        }
        return output
    }

    /// `dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))`, the batch-statistics gradient.
    public func backward(_ dOutput: Tensor) -> Tensor {
        let n = dOutput.batch, c = channels, s = dOutput.perSample / c
        dInput.reshape(dOutput.shape)
        let dy = dOutput.data, dx = dInput.data, xh = normalized.data
        let g = gamma.value.data, dg = gamma.grad.data, db = beta.grad.data, m = Float(n * s)
        _ = inverseStd.withUnsafeBufferPointer { invStd in
            Parallel.forSlices(c, minimumSlice: Parallel.elementsPerWorker / max(1, n * s)) { range, _ in
                for ch in range {
                    var sumDy: Float = 0, sumDyXh: Float = 0
                    for i in 0..<n {
                        let at = (i * c + ch) * s
                        for j in at..<at + s { sumDy += dy[j]; sumDyXh += dy[j] * xh[j] }
                    }
                    dg[ch] += sumDyXh
                    db[ch] += sumDy
                    let scale = g[ch] * invStd[ch] / m
                    for i in 0..<n {
                        let at = (i * c + ch) * s
                        for j in at..<at + s { dx[j] = scale * (m * dy[j] - sumDy - xh[j] * sumDyXh) }
                    }
                }
            }
        }
        return dInput
    }
}

/// Sum of `count` floats, eight lanes at a time (a scalar loop cannot be vectorized without reassociating).
@inline(__always)
func simdSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = acc.sum()
    while i < count { total += p[i]; i += 1 }
    return total
}

/// `sum((p[i] - mean)^2)`, eight lanes at a time.
@inline(__always)
func simdSquaredDeviation(_ p: UnsafePointer<Float>, count: Int, from mean: Float) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    let m = SIMD8<Float>(repeating: mean)
    var i = 0
    while i + 8 <= count {
        let d = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) - m
        acc += d * d
        i += 8
    }
    var total = acc.sum()
    while i < count { total += (p[i] - mean) * (p[i] - mean); i += 1 }
    return total
}
