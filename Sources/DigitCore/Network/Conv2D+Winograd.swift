// Conv2D's Winograd F(2x2, 3x3) passes (Lavin and Gray 2016; the transforms are in CKernels' winograd.c): the
// output, and the input gradient, of a 3x3 convolution over a batch, as 16 SGEMMs per group of samples between an
// input and an output transform.
//
// Dimension legend as in Conv2D.swift; T tiles of 2x2 outputs per group, `tiles` per sample.

import CBLAS
import CKernels

extension Conv2D {
    /// The forward pass by Winograd F(2x2, 3x3), a group of samples at a time: the input transform, 16 SGEMMs
    /// `[O, C] x [C, T]` (one per position in the 4x4 input block) and the output transform. `columns` holds the
    /// group's transformed input `[16, C, T]`, products `[16, O, T]` and the transforms' scratch. A 2x2 pooling
    /// behind takes each tile as its window, straight from the products.
    func forwardWinograd(_ input: Tensor, pooledBy pool: MaxPool2D?, outHeight oh: Int, outWidth ow: Int) {
        let n = input.batch, h = input.shape[2], w = input.shape[3], (o, c, pd) = (outChannels, inChannels, pad)
        let th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = th * tw, p = oh * ow, blocks = 16
        let g = max(1, min(maxGroupSize, Self.winogradTiles / tiles, n)), gt = g * tiles
        let perWorker = blocks * (c + o) * gt + digits_winograd_scratch(th, tw)
        winogradWeights.reshape([blocks, o, c])
        digits_winograd_weights(weight.value.data, o, c, winogradWeights.data)
        columns.reshape([Parallel.workers, perWorker])
        if let pool, pool.size != 2 { sampleOutputs.reshape([Parallel.workers, g * o * p]) }
        let x = input.data, y = output.data, u = winogradWeights.data, b = bias.value.data
        let cols = columns.data, unpooled = sampleOutputs.data
        Parallel.forSlices(n) { range, worker in
            let v = cols + worker * perWorker, m = v + blocks * c * gt, scratch = m + blocks * o * gt
            for first in stride(from: range.lowerBound, to: range.upperBound, by: g) {
                let count = min(g, range.upperBound - first), t = count * tiles
                digits_winograd_input(x + first * c * h * w, count, c, h, w, pd, th, tw, v, scratch)
                for block in 0..<blocks {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(o), Int32(t), Int32(c), 1,
                                u + block * o * c, Int32(c), v + block * c * t, Int32(t), 0, m + block * o * t,
                                Int32(t))
                }
                let planes = first * o..<(first + count) * o
                if let pool, pool.size == 2 {
                    // Each tile is a pooling window: pooled straight from the products.
                    let (values, winners) = pool.destination(planes: planes)
                    digits_winograd_output_pooled(m, count, o, oh, ow, th, tw, b, pool.rectifies ? 1 : 0, values,
                                                  winners, scratch)
                    continue
                }
                let ys = pool == nil ? y + first * o * p : unpooled + worker * g * o * p
                digits_winograd_output(m, count, o, oh, ow, th, tw, b, ys)
                pool?.pool(planes: planes, from: ys)
            }
        }
    }

    /// The backward pass by Winograd. The weight gradient is the adjoint of the forward pass: per group, the input
    /// transform V `[16, C, T]` and the output gradient's dM = A dY A^T `[16, O, T]` make 16 SGEMMs
    /// dU += dM V^T `[16, O, C]`, and each worker's dU becomes its weight gradient as G^T dU G. The input gradient is
    /// a 3x3 convolution of the output gradient, padded by `2 - pad`, with the filters turned half a turn and inputs
    /// and outputs swapped. Per worker, `columns` holds one group's transforms and products, their scratch, and dU.
    /// Returns the workers used.
    func backwardWinograd(_ dOutput: Tensor, through pool: MaxPool2D?) -> Int {
        let n = inputShape[0], h = inputShape[2], w = inputShape[3]
        let (o, c, ks, pd) = (outChannels, inChannels, kernel, pad)
        let oh = h + 2 * pd - ks + 1, ow = w + 2 * pd - ks + 1, p = oh * ow, blocks = 16
        let th = (h + 1) / 2, tw = (w + 1) / 2, tiles = th * tw  // of the input gradient
        let thOut = (oh + 1) / 2, twOut = (ow + 1) / 2, outTiles = thOut * twOut  // of the output
        let g = max(1, min(maxGroupSize, Self.winogradTiles / tiles, n))
        let products = blocks * (c + o) * g * max(tiles, outTiles)
        let transformScratch = digits_winograd_scratch(max(th, thOut), max(tw, twOut))
        let perWorker = products + transformScratch + blocks * o * c
        columns.reshape([Parallel.workers, perWorker])
        if pool != nil { dUnpooled.reshape([Parallel.workers, g * o * p]) }
        // The flipped filters, [C, O, 3, 3], go through the forward transform.
        flippedWeight.reshape([c, o, ks, ks])
        let flipped = flippedWeight, wt = weight.value.data, taps = ks * ks
        for oc in 0..<o {
            for ic in 0..<c {
                for t in 0..<taps { flipped.data[(ic * o + oc) * taps + t] = wt[(oc * c + ic) * taps + taps - 1 - t] }
            }
        }
        winogradWeights.reshape([blocks, c, o])
        digits_winograd_weights(flipped.data, c, o, winogradWeights.data)
        zeroBias.reshape([c])
        guard let x = input?.data else { preconditionFailure("\(name): backward before forward") }
        let dx = dInput.data, cols = columns.data, unpooled = dUnpooled.data, u = winogradWeights.data
        let zeros = zeroBias.data, wp = weightPartials, bp = biasPartials
        return Parallel.forSlices(n) { range, worker in
            let dW = wp.buffer(worker), dB = bp.buffer(worker), start = cols + worker * perWorker
            let scratch = start + products, dU = scratch + transformScratch
            dU.update(repeating: 0, count: blocks * o * c)
            for first in stride(from: range.lowerBound, to: range.upperBound, by: g) {
                let count = min(g, range.upperBound - first), t = count * tiles
                var dys = dOutput.data + first * o * p
                if let pool {
                    dys = unpooled + worker * g * o * p
                    pool.unpool(planes: first * o..<(first + count) * o, dOutput: dOutput, into: dys)
                }
                for oc in 0..<count * o { dB[oc % o] += simdSum(dys + oc * p, count: p) }
                let outT = count * outTiles, vx = start, dm = vx + blocks * c * outT
                digits_winograd_input(x + first * c * h * w, count, c, h, w, pd, thOut, twOut, vx, scratch)
                digits_winograd_output_gradient(dys, count, o, oh, ow, thOut, twOut, dm)
                for block in 0..<blocks {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(o), Int32(c), Int32(outT), 1,
                                dm + block * o * outT, Int32(outT), vx + block * c * outT, Int32(outT), 1,
                                dU + block * o * c, Int32(c))
                }
                let v = start, m = v + blocks * o * t
                digits_winograd_input(dys, count, o, oh, ow, ks - 1 - pd, th, tw, v, scratch)
                for block in 0..<blocks {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(c), Int32(t), Int32(o), 1,
                                u + block * c * o, Int32(o), v + block * o * t, Int32(t), 0, m + block * c * t,
                                Int32(t))
                }
                digits_winograd_output(m, count, c, h, w, th, tw, zeros, dx + first * c * h * w)
            }
            digits_winograd_weight_gradient(dU, o, c, dW)
        }
    }
}
