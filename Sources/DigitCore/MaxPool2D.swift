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
        self.input = input
        let out = outputShape(for: Array(input.shape.dropFirst()))
        let n = input.batch, c = out[0], oh = out[1], ow = out[2], h = input.shape[2], w = input.shape[3]
        output.reshape([n] + out)
        let x = input.data, y = output.data, s = size, rectify = rectifies, floor: Float = rectify ? 0 : -.infinity
        Parallel.forSlices(n * c, minimumSlice: Parallel.elementsPerWorker / (h * w)) { range, _ in
            if s == 2 {
                digits_maxpool2x2_forward(x + range.lowerBound * h * w, range.count, h, w, rectify ? 1 : 0,
                                          y + range.lowerBound * oh * ow)
                return
            }
            for plane in range {
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
        return output
    }

    /// Routes each output gradient to its window's first maximum in reading order; every other input gets zero.
    public func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("\(name): backward before forward") }
        dInput.reshape(input.shape)
        let h = input.shape[2], w = input.shape[3], oh = dOutput.shape[2], ow = dOutput.shape[3], s = size
        let x = input.data, y = output.data, dy = dOutput.data, dx = dInput.data, rectify = rectifies
        Parallel.forSlices(input.shape[0] * input.shape[1], minimumSlice: Parallel.elementsPerWorker / (h * w)) { range, _ in
            if s == 2 {
                digits_maxpool2x2_backward(x + range.lowerBound * h * w, dy + range.lowerBound * oh * ow,
                                           range.count, h, w, rectify ? 1 : 0, dx + range.lowerBound * h * w)
                return
            }
            for plane in range {
                let xp = x + plane * h * w, dxp = dx + plane * h * w
                dxp.update(repeating: 0, count: h * w)
                // A rectified output of zero may hide a negative maximum: it passes no gradient either way.
                for o in 0..<oh * ow where !(rectify && y[plane * oh * ow + o] <= 0) {
                    let i = o / ow, j = o % ow, best = y[plane * oh * ow + o]
                    search: for u in 0..<s {
                        for v in 0..<s where xp[(i * s + u) * w + j * s + v] == best {
                            dxp[(i * s + u) * w + j * s + v] = dy[plane * oh * ow + o]
                            break search
                        }
                    }
                }
            }
        }
        return dInput
    }
}
