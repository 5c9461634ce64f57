// Max pooling over non-overlapping windows (pool size = stride), remembering each window's winner for backward.
//
// Dimension legend: N batch, C channels, H x W input, OH = H / S, OW = W / S (floor: a ragged edge is dropped,
// as in Keras).

/// `y[n,c,i,j] = max_{u,v < S} x[n,c,i*S+u,j*S+v]`.
public final class MaxPool2D: Layer {
    public let name: String
    public let size: Int
    public var needsInputGradient = true

    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let dInput = Tensor(shape: [0])
    /// Flat input offset (within the sample) of each output's maximum.
    private var winners: [Int32] = []

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
    }

    public var summary: String { "MaxPool2D \(size)x\(size)" }

    public func outputShape(for input: [Int]) -> [Int] {
        precondition(input.count == 3 && input[1] >= size && input[2] >= size, "\(name) cannot pool \(input)")
        return [input[0], input[1] / size, input[2] / size]
    }

    /// - Parameter input: `[N, C, H, W]`. - Returns: `[N, C, OH, OW]`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        inputShape = input.shape
        let out = outputShape(for: Array(input.shape.dropFirst()))
        let n = input.batch, c = out[0], oh = out[1], ow = out[2], h = input.shape[2], w = input.shape[3]
        output.reshape([n] + out)
        if winners.count < output.count { winners = [Int32](repeating: 0, count: output.count) }
        let x = input.data, y = output.data, s = size
        winners.withUnsafeMutableBufferPointer { win in
            let win = win.baseAddress!
            Parallel.forSlices(n * c) { range, _ in
                for plane in range {
                    let xp = x + plane * h * w
                    if s == 2 { Self.pool2x2(xp, width: w, outHeight: oh, outWidth: ow,
                                             into: y + plane * oh * ow, winners: win + plane * oh * ow)
                        continue
                    }
                    for i in 0..<oh {
                        for j in 0..<ow {
                            var best = i * s * w + j * s
                            var bestValue = xp[best]
                            for u in 0..<s {
                                for v in 0..<s {
                                    let at = (i * s + u) * w + j * s + v
                                    if xp[at] > bestValue { bestValue = xp[at]; best = at }
                                }
                            }
                            let o = plane * oh * ow + i * ow + j
                            y[o] = bestValue
                            win[o] = Int32(best)
                        }
                    }
                }
            }
        }
        return output
    }

    /// The common 2x2 case, unrolled: ties go to the first position in reading order, as in the general loop.
    @inline(__always)
    static func pool2x2(_ x: UnsafeMutablePointer<Float>, width w: Int, outHeight: Int, outWidth: Int,
                        into y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        for i in 0..<outHeight {
            let top = 2 * i * w, bottom = top + w
            for j in 0..<outWidth {
                // Branch-free: which cell wins is data-dependent and unpredictable, so selects beat jumps.
                let a = top + 2 * j, b = bottom + 2 * j
                let topRight = x[a + 1] > x[a]
                let topBest = topRight ? a + 1 : a
                let bottomRight = x[b + 1] > x[b]
                let bottomBest = bottomRight ? b + 1 : b
                let best = x[bottomBest] > x[topBest] ? bottomBest : topBest
                let value = x[best]
                y[i * outWidth + j] = value
                winners[i * outWidth + j] = Int32(best)
            }
        }
    }

    /// Routes each output gradient to the input position that won the max.
    public func backward(_ dOutput: Tensor) -> Tensor {
        dInput.reshape(inputShape)
        let planeIn = inputShape[2] * inputShape[3], planeOut = dOutput.shape[2] * dOutput.shape[3]
        let dy = dOutput.data, dx = dInput.data
        winners.withUnsafeBufferPointer { win in
            let win = win.baseAddress!
            Parallel.forSlices(inputShape[0] * inputShape[1]) { range, _ in
                for plane in range {
                    let dxp = dx + plane * planeIn
                    dxp.update(repeating: 0, count: planeIn)
                    for o in plane * planeOut..<(plane + 1) * planeOut { dxp[Int(win[o])] += dy[o] }
                }
            }
        }
        return dInput
    }
}
