// Fully connected layer: one SGEMM per worker slice of the batch.
//
// Dimension legend: N batch, I inputs, O outputs.

import CBLAS

/// `y[n,o] = b[o] + sum_i w[o,i] * x[n,i]`.
public final class Dense: Layer {
    public let name: String
    public let inputs: Int, outputs: Int
    /// `[O, I]`.
    public let weight: Parameter
    /// `[O]`.
    public let bias: Parameter
    public var needsInputGradient = true

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])
    private let weightPartials = GradientPartials(), biasPartials = GradientPartials()

    public init(name: String, inputs: Int, outputs: Int) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "\(name).weight", shape: [outputs, inputs], decays: true)
        bias = Parameter(name: "\(name).bias", shape: [outputs], decays: false)
    }

    public var summary: String { "Dense \(outputs)" }
    public var parameters: [Parameter] { [weight, bias] }
    public var initializedWeight: InitializedWeight? {
        InitializedWeight(weight: weight, fanIn: inputs, fanOut: outputs)
    }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input == [inputs], "\(name) expects [\(inputs)], got \(input)")
        return [outputs]
    }

    /// - Parameter input: `[N, I]`. - Returns: `[N, O]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.perSample == inputs, "\(name) expects \(inputs) inputs, got \(input.shape)")
        self.input = input
        let n = input.batch, (i, o) = (inputs, outputs)
        output.reshape([n, o])
        let x = input.data, y = output.data, w = weight.value.data, b = bias.value.data
        Parallel.forSlices(n) { range, _ in
            for s in range { (y + s * o).update(from: b, count: o) }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(range.count), Int32(o), Int32(i),
                        1, x + range.lowerBound * i, Int32(i), w, Int32(i), 1, y + range.lowerBound * o, Int32(o))
        }
        return output
    }

    /// - Parameter dOutput: `[N, O]`. - Returns: `[N, I]`.
    public func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("\(name): backward before forward") }
        let n = input.batch, (i, o) = (inputs, outputs)
        dInput.reshape(input.shape)
        let x = input.data, dy = dOutput.data, dx = dInput.data, w = weight.value.data
        let wp = weightPartials, bp = biasPartials, propagate = needsInputGradient
        wp.prepare(count: o * i)
        bp.prepare(count: o)
        let used = Parallel.forSlices(n) { range, worker in
            let dW = wp.buffer(worker), dB = bp.buffer(worker)
            let lo = range.lowerBound, m = Int32(range.count)
            for s in range { for k in 0..<o { dB[k] += dy[s * o + k] } }
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(o), Int32(i), m,
                        1, dy + lo * o, Int32(o), x + lo * i, Int32(i), 1, dW, Int32(i))
            if propagate {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, Int32(i), Int32(o),
                            1, dy + lo * o, Int32(o), w, Int32(i), 0, dx + lo * i, Int32(i))
            }
        }
        weightPartials.reduce(into: weight.grad, workers: used)
        biasPartials.reduce(into: bias.grad, workers: used)
        if !propagate { dInput.fill(0) }
        return dInput
    }
}
