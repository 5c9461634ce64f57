// The grouped convolution (several samples per SGEMM), the direct single-channel kernel and Winograd's forward pass
// against the per-sample im2col path they replaced, on odd shapes, both paddings, batches that the groups do not
// divide, with and without a fused pooling, on both kernel paths.

@testable import DigitCore
import XCTest

final class Conv2DTests: XCTestCase {
    private struct Shape {
        let channels, height, width, filters, kernel: Int
        let padding: Padding
    }

    private let shapes = [
        Shape(channels: 1, height: 7, width: 9, filters: 3, kernel: 3, padding: .same),
        Shape(channels: 2, height: 6, width: 5, filters: 4, kernel: 3, padding: .valid),
        Shape(channels: 3, height: 11, width: 11, filters: 5, kernel: 3, padding: .valid),
        Shape(channels: 2, height: 5, width: 8, filters: 3, kernel: 5, padding: .same),
        Shape(channels: 4, height: 13, width: 13, filters: 8, kernel: 3, padding: .valid),
    ]

    /// Output, input gradient, weight and bias gradients of one forward and backward pass.
    private struct Pass: Equatable {
        var output: [Float], dInput: [Float], dWeight: [Float], dBias: [Float]
    }

    private func makeConvolution(_ shape: Shape, seed: UInt64) -> Conv2D {
        let conv = Conv2D(name: "conv", inChannels: shape.channels, outChannels: shape.filters, kernel: shape.kernel,
                          padding: shape.padding)
        conv.weight.value.copy(from: randomTensor(conv.weight.shape, seed: seed))
        conv.bias.value.copy(from: randomTensor(conv.bias.shape, seed: seed + 1))
        return conv
    }

    private func run(_ layer: Layer, input: Tensor, seed: UInt64) -> Pass {
        layer.parameters.forEach { $0.zeroGrad() }
        let output = layer.forward(input, mode: .training).array
        let dOutput = randomTensor(layer.outputShape(for: Array(input.shape.dropFirst())).reduce([input.batch]) {
            $0 + [$1]
        }, seed: seed)
        let dInput = layer.backward(dOutput).array
        return Pass(output: output, dInput: dInput, dWeight: layer.parameters[0].grad.array,
                    dBias: layer.parameters[1].grad.array)
    }

    /// Agreement within `tolerance`, relative to the larger of 1 and the expected value: the paths sum in different
    /// orders, and a weight gradient sums thousands of terms.
    private func assertClose(_ actual: Pass, _ expected: Pass, _ label: String, tolerance: Float = 1e-5,
                             file: StaticString = #filePath, line: UInt = #line) {
        for (name, a, e) in [("output", actual.output, expected.output), ("dInput", actual.dInput, expected.dInput),
                             ("dWeight", actual.dWeight, expected.dWeight), ("dBias", actual.dBias, expected.dBias)] {
            XCTAssertEqual(a.count, e.count, "\(label) \(name)", file: file, line: line)
            let worst = zip(a, e).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            XCTAssertLessThan(worst, tolerance, "\(label) \(name)", file: file, line: line)
        }
    }

    /// Every group size agrees with one sample per SGEMM (`maxGroupSize = 1`), for batches of 1 to 9.
    func testGroupedSamplesMatchOneSampleAtATime() {
        var byPath: [String: [Pass]] = [:]
        onEveryKernelPath { path in
            for (index, shape) in shapes.enumerated() {
                for pooled in [false, true] {
                    for batch in 1...9 {
                        let seed = UInt64(index * 100 + batch)
                        let conv = makeConvolution(shape, seed: seed)
                        conv.allowsDirectKernel = false
                        conv.allowsWinograd = false
                        let layer: Layer = pooled
                            ? ConvolutionPooling(convolution: conv,
                                                 pooling: MaxPool2D(name: "pool", size: 2, rectifies: true))
                            : conv
                        let input = randomTensor([batch, shape.channels, shape.height, shape.width], seed: seed + 2)
                        conv.maxGroupSize = 1
                        let reference = run(layer, input: input, seed: seed + 3)
                        byPath[path, default: []].append(reference)
                        for groupSize in [2, 3, 4, Int.max] {
                            conv.maxGroupSize = groupSize
                            let label = "shape \(index), pooled \(pooled), batch \(batch), groups of \(groupSize), "
                                + path
                            let grouped = run(layer, input: input, seed: seed + 3)
                            assertClose(grouped, reference, label)
                            byPath[path, default: []].append(grouped)
                        }
                    }
                }
            }
        }
        // The AVX-512 unfolding and the portable one feed the same products.
        let paths = Array(byPath.values)
        if paths.count == 2 {
            for (index, (a, b)) in zip(paths[0], paths[1]).enumerated() {
                assertClose(a, b, "pass \(index) across paths")
            }
        }
    }

    /// The direct kernel against im2col and SGEMM, one sample at a time: rows narrower and wider than its two
    /// vectors, both paddings, with and without a fused pooling, with the input gradient off (the first layer) and on
    /// (which takes the im2col path for the whole backward pass).
    func testDirectSingleChannelKernelMatchesIm2col() {
        let sizes = [(7, 9), (28, 28), (13, 34), (5, 4), (30, 33)]
        var byPath: [String: [Pass]] = [:]
        onEveryKernelPath { path in
            for (index, (height, width)) in sizes.enumerated() {
                for padding in [Padding.same, .valid] {
                    for (pooled, propagates) in [(false, false), (true, false), (false, true)] {
                        let batch = 1 + index * 2
                        let seed = UInt64(500 + index * 10)
                        let shape = Shape(channels: 1, height: height, width: width, filters: 5, kernel: 3,
                                          padding: padding)
                        let conv = makeConvolution(shape, seed: seed)
                        conv.needsInputGradient = propagates
                        let layer: Layer = pooled
                            ? ConvolutionPooling(convolution: conv, pooling: MaxPool2D(name: "pool", size: 2))
                            : conv
                        let input = randomTensor([batch, 1, height, width], seed: seed + 2)
                        XCTAssertTrue(conv.usesDirectKernel)
                        let direct = run(layer, input: input, seed: seed + 3)
                        conv.allowsDirectKernel = false
                        conv.maxGroupSize = 1
                        let reference = run(layer, input: input, seed: seed + 3)
                        assertClose(direct, reference, "\(height)x\(width) \(padding) pooled \(pooled), \(path)",
                                    tolerance: 1e-4)
                        byPath[path, default: []].append(direct)
                    }
                }
            }
        }
        let paths = Array(byPath.values)
        if paths.count == 2 {
            for (index, (a, b)) in zip(paths[0], paths[1]).enumerated() {
                assertClose(a, b, "pass \(index) across paths", tolerance: 1e-4)
            }
        }
    }

    /// The direct kernel's weight gradient against finite differences, with a fused pooling too.
    func testDirectKernelGradientsMatchFiniteDifferences() {
        for padding in [Padding.same, .valid] {
            let conv = makeConvolution(Shape(channels: 1, height: 6, width: 7, filters: 3, kernel: 3, padding: padding),
                                       seed: 60)
            conv.needsInputGradient = false
            XCTAssertTrue(conv.usesDirectKernel)
            checkGradients(of: conv, input: randomTensor([3, 1, 6, 7], seed: 62))
            checkGradients(of: ConvolutionPooling(convolution: conv, pooling: MaxPool2D(name: "pool", size: 2)),
                           input: randomTensor([3, 1, 6, 7], seed: 63), step: 1e-3)
        }
    }

    /// Winograd's forward pass against im2col, one sample at a time: odd and even output sizes (ragged tiles), both
    /// paddings, rows of tiles too wide for one vector, more rows of tiles than a row has lanes, groups that leave a remainder, with and without a fused
    /// pooling; the backward pass, which stays on im2col, then sees the same outputs.
    func testWinogradMatchesIm2col() {
        let shapes = [
            Shape(channels: 2, height: 7, width: 9, filters: 3, kernel: 3, padding: .same),
            Shape(channels: 32, height: 13, width: 13, filters: 16, kernel: 3, padding: .valid),
            Shape(channels: 3, height: 6, width: 5, filters: 4, kernel: 3, padding: .valid),
            Shape(channels: 4, height: 28, width: 28, filters: 5, kernel: 3, padding: .valid),
            Shape(channels: 2, height: 9, width: 36, filters: 3, kernel: 3, padding: .same),
            Shape(channels: 2, height: 40, width: 8, filters: 3, kernel: 3, padding: .same),
        ]
        var byPath: [String: [Pass]] = [:]
        onEveryKernelPath { path in
            for (index, shape) in shapes.enumerated() {
                // No pooling; 2x2 pooling, which takes the tiles as its windows; with ReLU; 3x3, after the transform.
                for (pooled, poolSize, rectifies) in [(false, 2, false), (true, 2, false), (true, 2, true),
                                                      (true, 3, false)] {
                    for (batch, groupSize) in [(1, Int.max), (5, 2), (9, 4), (7, Int.max)] {
                        let seed = UInt64(700 + index * 10 + batch)
                        let conv = makeConvolution(shape, seed: seed)
                        conv.winogradMinimumTiles = 0
                        conv.maxGroupSize = groupSize
                        let pool = MaxPool2D(name: "pool", size: poolSize, rectifies: rectifies)
                        let layer: Layer = pooled ? ConvolutionPooling(convolution: conv, pooling: pool) : conv
                        let input = randomTensor([batch, shape.channels, shape.height, shape.width], seed: seed + 2)
                        XCTAssertTrue(conv.usesWinograd(batch: batch, tiles: 1))
                        let winograd = run(layer, input: input, seed: seed + 3)
                        conv.allowsWinograd = false
                        conv.maxGroupSize = 1
                        let reference = run(layer, input: input, seed: seed + 3)
                        let label = "shape \(index), batch \(batch), groups of \(groupSize), pooled \(pooled) "
                            + "\(poolSize) \(rectifies), \(path)"
                        assertClose(winograd, reference, label, tolerance: 1e-4)
                        byPath[path, default: []].append(winograd)
                    }
                }
            }
        }
        let paths = Array(byPath.values)
        if paths.count == 2 {
            for (index, (a, b)) in zip(paths[0], paths[1]).enumerated() {
                assertClose(a, b, "pass \(index) across paths", tolerance: 1e-4)
            }
        }
    }

    /// A group size that leaves a remainder (groups of 2 over 3 samples), and one group for the whole batch: the
    /// finite-difference check sees both, with and without a fused pooling (there with a step small enough that no
    /// pooling window changes its winner), with the forward pass on Winograd.
    func testGroupedGradientsMatchFiniteDifferences() {
        for groupSize in [2, Int.max] {
            let conv = makeConvolution(Shape(channels: 2, height: 6, width: 7, filters: 3, kernel: 3, padding: .same),
                                       seed: 40)
            conv.maxGroupSize = groupSize
            conv.winogradMinimumTiles = 0
            checkGradients(of: conv, input: randomTensor([3, 2, 6, 7], seed: 42))
            let pooled = makeConvolution(Shape(channels: 2, height: 6, width: 6, filters: 3, kernel: 3, padding: .same),
                                         seed: 43)
            pooled.maxGroupSize = groupSize
            pooled.winogradMinimumTiles = 0
            checkGradients(of: ConvolutionPooling(convolution: pooled, pooling: MaxPool2D(name: "pool", size: 2)),
                           input: randomTensor([3, 2, 6, 6], seed: 45), step: 1e-3)
        }
    }
}
