// Adam with decoupled weight decay (AdamW; Kingma and Ba 2015, Loshchilov and Hutter 2019).

import Foundation

/// Per parameter tensor, at step `t` (from 1):
/// `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g^2`, `mHat = m / (1 - b1^t)`, `vHat = v / (1 - b2^t)`,
/// `w -= lr * (mHat / (sqrt(vHat) + eps) + decay * w)` (the decay term only for parameters that decay).
public final class Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public var weightDecay: Float
    /// Steps taken so far.
    public private(set) var step = 0
    /// First and second moment estimates, one pair per parameter, in parameter order.
    public private(set) var moments: [(m: Tensor, v: Tensor)]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        moments = parameters.map { (Tensor(shape: $0.shape), Tensor(shape: $0.shape)) }
    }

    /// Applies one update to every parameter from its accumulated gradient.
    public func update(_ parameters: [Parameter]) {
        precondition(parameters.count == moments.count, "optimizer built for other parameters")
        step += 1
        let correction1 = 1 - powf(beta1, Float(step)), correction2 = 1 - powf(beta2, Float(step))
        for (p, (m, v)) in zip(parameters, moments) {
            let decay = p.decays ? weightDecay : 0
            Self.applySingle(value: p.value.data, grad: p.grad.data, m: m.data, v: v.data, count: p.value.count,
                             lr: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                             correction1: correction1, correction2: correction2, decay: decay)
        }
    }

    static func applySingle(value w: UnsafeMutablePointer<Float>, grad g: UnsafePointer<Float>,
                            m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
                            lr: Float, beta1: Float, beta2: Float, epsilon: Float,
                            correction1: Float, correction2: Float, decay: Float) {
        for i in 0..<count {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let mHat = m[i] / correction1, vHat = v[i] / correction2
            w[i] -= lr * (mHat / (vHat.squareRoot() + epsilon) + decay * w[i])
        }
    }

    /// Restores the step count (moments are restored in place through `moments`).
    public func restore(step: Int) { self.step = step }
}

/// How the learning rate moves over a run.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    /// The base rate throughout (the original Keras example).
    case constant
    /// Linear warm-up over the first 5% of steps, then cosine decay to zero: `lr * (1 + cos(pi * t)) / 2`.
    case cosine
    /// One-cycle (Smith 2018): linear rise from lr/25 to lr over the first 25% of steps, then cosine down to lr/1e4.
    case onecycle

    /// The rate at `step` of `total` steps, for base rate `base`.
    public func rate(step: Int, total: Int, base: Float) -> Float {
        let t = Float(step) / Float(max(total, 1))
        switch self {
        case .constant:
            return base
        case .cosine:
            let warm: Float = 0.05
            if t < warm { return base * (t / warm) }
            return base * (1 + cosf(.pi * (t - warm) / (1 - warm))) / 2
        case .onecycle:
            let rise: Float = 0.25, start = base / 25, end = base / 1e4
            if t < rise { return start + (base - start) * t / rise }
            return end + (base - end) * (1 + cosf(.pi * (t - rise) / (1 - rise))) / 2
        }
    }
}

extension Network {
    /// One step of learning on a batch: zeroed gradients, forward in training mode, the loss and its gradient,
    /// backward, and the optimizer's update. Returns the batch's mean loss; `probabilities` holds the batch's
    /// probabilities afterwards.
    public func learningStep(_ input: Tensor, labels: [UInt8], loss: SoftmaxCrossEntropy, optimizer: Adam,
                             probabilities: Tensor, dLogits: Tensor) -> Float {
        zeroGradients()
        let logits = forward(input, mode: .training)
        let batchLoss = loss.lossAndGradient(logits: logits, labels: labels, probabilities: probabilities,
                                             dLogits: dLogits)
        backward(dLogits)
        optimizer.update(parameters)
        return batchLoss
    }
}
