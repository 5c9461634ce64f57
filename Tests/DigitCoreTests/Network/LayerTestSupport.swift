// Finite-difference gradient checking shared by the layer tests.

import XCTest
@testable import DigitCore
import CKernels

/// A seeded tensor with values in [-1, 1), optionally kept at least `margin` away from zero (away from ReLU's kink).
func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0) -> Tensor {
    var rng = SplitMix64(seed: seed)
    let t = Tensor(shape: shape)
    for i in 0..<t.count {
        var v = rng.uniform(-1, 1)
        if abs(v) < margin { v = v < 0 ? v - margin : v + margin }
        t.data[i] = v
    }
    return t
}

/// A tensor of the same shape and values.
func copied(_ tensor: Tensor) -> Tensor {
    let copy = Tensor(shape: tensor.shape)
    copy.copy(from: tensor)
    return copy
}

/// Checks `layer.backward` against central differences of `L = sum(r * forward(x))` for a fixed random `r`,
/// both for the input and for every parameter.
/// `prepare` runs before every forward pass (to replay a dropout mask, for example).
func checkGradients(of layer: Layer, input: Tensor, mode: Mode = .training, step: Float = 1e-2,
                    tolerance: Float = 2e-2, prepare: () -> Void = {}, file: StaticString = #filePath,
                    line: UInt = #line) {
    prepare()
    let outShape = layer.forward(input, mode: mode).shape
    let weights = randomTensor(outShape, seed: 99)
    func loss() -> Double {
        prepare()
        let y = layer.forward(input, mode: mode)
        var sum: Double = 0
        for i in 0..<y.count { sum += Double(y.data[i]) * Double(weights.data[i]) }
        return sum
    }
    layer.parameters.forEach { $0.zeroGrad() }
    _ = loss()
    // A copy: backward may write its result over the gradient it is given.
    let dInput = layer.backward(copied(weights)).array
    let analytic: [(String, [Float])] = [("input", dInput)] + layer.parameters.map { ($0.name, $0.grad.array) }
    let targets: [Tensor] = [input] + layer.parameters.map(\.value)
    for ((label, expected), tensor) in zip(analytic, targets) {
        if label == "input" && !layer.needsInputGradient { continue }
        var worst: Float = 0
        for i in 0..<tensor.count {
            let saved = tensor.data[i]
            tensor.data[i] = saved + step
            let up = loss()
            tensor.data[i] = saved - step
            let down = loss()
            tensor.data[i] = saved
            let numeric = Float((up - down) / Double(2 * step))
            let error = abs(numeric - expected[i]) / max(1, abs(numeric), abs(expected[i]))
            worst = max(worst, error)
        }
        XCTAssertLessThan(worst, tolerance, "\(layer.name) d\(label): worst relative error \(worst)",
                          file: file, line: line)
    }
}

/// Runs `body` once with the hand-written AVX-512 kernels (where the CPU has them) and once with the portable ones
/// that other CPUs run; `body` gets a label for assertion messages.
func onEveryKernelPath(_ body: (String) -> Void) {
    body(digits_has_avx512() != 0 ? "AVX-512 kernels" : "portable kernels")
    digits_use_portable_kernels(1)
    defer { digits_use_portable_kernels(0) }
    body("portable kernels")
}
