// Softmax over the ten class scores with categorical cross-entropy on (optionally smoothed) one-hot labels.

import Foundation

/// `p = softmax(z)`, `loss = -(1/N) sum_n sum_k t[n,k] log p[n,k]` with targets
/// `t = (1 - smoothing) * onehot + smoothing / K`; the gradient is `dz = (p - t) / N`.
public struct SoftmaxCrossEntropy: Sendable {
    public var labelSmoothing: Float

    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// Row-wise softmax of `[N, K]` scores into `probabilities`, stable under large scores.
    public static func softmax(_ logits: UnsafePointer<Float>, rows: Int, classes: Int,
                               into probabilities: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let z = logits + r * classes, p = probabilities + r * classes
            var top = z[0]
            for k in 1..<classes { top = max(top, z[k]) }
            var sum: Float = 0
            for k in 0..<classes { p[k] = expf(z[k] - top); sum += p[k] }
            for k in 0..<classes { p[k] /= sum }
        }
    }

    /// Mean loss over the batch; writes `dLoss/dLogits` into `dLogits` (same shape as `logits`, `[N, K]`) and the
    /// probabilities into `probabilities`.
    public func lossAndGradient(logits: Tensor, labels: UnsafePointer<UInt8>, probabilities: Tensor,
                                dLogits: Tensor) -> Float {
        let n = logits.batch, k = logits.perSample
        probabilities.reshape(logits.shape)
        dLogits.reshape(logits.shape)
        Self.softmax(logits.data, rows: n, classes: k, into: probabilities.data)
        let off = labelSmoothing / Float(k), on = 1 - labelSmoothing + off
        var total: Double = 0
        for r in 0..<n {
            let p = probabilities.data + r * k, d = dLogits.data + r * k
            for c in 0..<k {
                let target = c == Int(labels[r]) ? on : off
                if target > 0 { total -= Double(target * logf(max(p[c], 1e-12))) }
                d[c] = (p[c] - target) / Float(n)
            }
        }
        return Float(total / Double(n))
    }
}
