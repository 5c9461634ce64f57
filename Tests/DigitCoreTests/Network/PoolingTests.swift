// Max pooling against a plain reference: values, where ties send the gradient, ragged edges, other window sizes.

@testable import DigitCore
import XCTest

final class PoolingTests: XCTestCase {
    /// The definition, written out: the maximum of each window and the first position in reading order that holds it.
    private func reference(_ x: Tensor, size s: Int, dy: Tensor) -> (y: [Float], dx: [Float]) {
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3], oh = h / s, ow = w / s
        var y = [Float](repeating: 0, count: planes * oh * ow), dx = [Float](repeating: 0, count: x.count)
        for p in 0..<planes {
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -Float.infinity, at = 0
                    for u in 0..<s {
                        for v in 0..<s {
                            let index = p * h * w + (i * s + u) * w + j * s + v
                            if x.data[index] > best { best = x.data[index]; at = index }
                        }
                    }
                    y[(p * oh + i) * ow + j] = best
                    dx[at] += dy.data[(p * oh + i) * ow + j]
                }
            }
        }
        return (y, dx)
    }

    /// Values from a small set, so most windows hold ties, on even and ragged sizes.
    private func checkAgainstReference(shape: [Int], size: Int, seed: UInt64, path: String = "") {
        var rng = SplitMix64(seed: seed)
        let x = Tensor(shape: shape)
        for i in 0..<x.count { x.data[i] = Float(rng.next() % 4) - 1 }
        let pool = MaxPool2D(name: "pool", size: size)
        let y = pool.forward(x, mode: .training)
        let dy = randomTensor(y.shape, seed: seed + 1)
        let expected = reference(x, size: size, dy: dy)
        XCTAssertEqual(y.array, expected.y, "forward \(shape) size \(size) \(path)")
        XCTAssertEqual(pool.backward(dy).array, expected.dx, "backward \(shape) size \(size) \(path)")
    }

    func testTwoByTwoMatchesReferenceWithTiesAndRaggedEdges() {
        onEveryKernelPath { path in
            for (index, shape) in [[3, 4, 26, 26], [2, 5, 11, 11], [1, 3, 7, 6], [2, 1, 2, 35]].enumerated() {
                checkAgainstReference(shape: shape, size: 2, seed: UInt64(40 + index), path: path)
            }
        }
    }

    func testOtherWindowSizesMatchReference() {
        checkAgainstReference(shape: [2, 3, 10, 11], size: 3, seed: 50)
        checkAgainstReference(shape: [1, 2, 8, 8], size: 4, seed: 51)
    }

    func testTiesGoToTheFirstMaximumInReadingOrder() {
        // Top-right and bottom-left tie: top-right comes first in reading order.
        let x = Tensor(shape: [1, 1, 2, 2])
        x.data.update(from: [0, 5, 5, 1], count: 4)
        let pool = MaxPool2D(name: "pool", size: 2)
        XCTAssertEqual(pool.forward(x, mode: .training).array, [5])
        let dy = Tensor(shape: [1, 1, 1, 1])
        dy.data[0] = 2
        XCTAssertEqual(pool.backward(dy).array, [0, 2, 0, 0])
    }

    func testSizeThreeGradients() {
        let input = Tensor(shape: [1, 2, 6, 7])
        var rng = SplitMix64(seed: 52)
        for (i, rank) in (0..<input.count).shuffled(using: &rng).enumerated() { input.data[i] = Float(rank) * 0.1 }
        checkGradients(of: MaxPool2D(name: "pool", size: 3), input: input)
    }

    /// The fused layer against the two layers it replaces, on values around zero with ties, for both code paths.
    func testRectifyingPoolEqualsPoolThenReLU() {
        onEveryKernelPath { path in rectifyingPoolEqualsPoolThenReLU(path) }
    }

    private func rectifyingPoolEqualsPoolThenReLU(_ path: String) {
        for (size, shape) in [(2, [2, 3, 11, 11]), (3, [1, 2, 9, 10]), (2, [1, 2, 6, 40])] {
            var rng = SplitMix64(seed: 60 + UInt64(size))
            let x = Tensor(shape: shape)
            for i in 0..<x.count { x.data[i] = Float(Int(rng.next() % 5) - 3) }
            let pool = MaxPool2D(name: "pool", size: size), relu = ReLU(name: "relu")
            let fused = MaxPool2D(name: "fused", size: size, rectifies: true)
            let separate = relu.forward(pool.forward(x, mode: .training), mode: .training).array
            let y = fused.forward(x, mode: .training)
            XCTAssertEqual(y.array, separate, "forward, size \(size), \(path)")
            XCTAssertTrue(y.array.contains(0) && y.array.contains { $0 > 0 }, "the data should exercise the rectifier")
            let dy = randomTensor(y.shape, seed: 70)
            XCTAssertEqual(fused.backward(dy).array, pool.backward(relu.backward(dy)).array,
                           "backward, size \(size), \(path)")
        }
    }
}

final class ArchitectureLayerTests: XCTestCase {
    /// `ReLU, MaxPool` in a recipe becomes one rectifying pooling layer; the Keras example keeps its 34,826 weights.
    func testReLUBeforePoolingIsFused() {
        let network = Network(architecture: .convnet)
        XCTAssertEqual(network.layers.map(\.name),
                       ["conv1", "pool1", "conv2", "pool2", "flatten1", "dropout1", "dense1"])
        XCTAssertTrue(network.layers.compactMap { $0 as? MaxPool2D }.allSatisfy(\.rectifies))
        XCTAssertEqual(network.parameterCount, 34_826)
        // In bnnet every ReLU joins a neighbour: the pooling after it, or else the batch norm before it.
        let bnnet = Network(architecture: .bnnet).layers
        XCTAssertFalse(bnnet.contains { $0 is ReLU })
        XCTAssertEqual(bnnet.compactMap { $0 as? MaxPool2D }.filter(\.rectifies).count, 2)
        XCTAssertEqual(bnnet.compactMap { $0 as? BatchNorm }.map(\.rectifies), [true, false, true, false, true])
    }

    /// He initialization follows the ReLU into the pooling layer that absorbed it: every conv of bnnet feeds a
    /// rectifier, so its weights have standard deviation sqrt(2 / fanIn), not Glorot's sqrt(2 / (fanIn + fanOut)).
    func testHeInitializationSeesRectifyingPools() {
        let network = Network(architecture: .bnnet)
        network.initialize(seed: 3)
        let convs = network.layers.compactMap { $0 as? Conv2D }
        XCTAssertEqual(convs.count, 4)
        for conv in convs {
            let w = conv.weight.value.array
            let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
            let he = (2 / Float(conv.inChannels * conv.kernel * conv.kernel)).squareRoot()
            XCTAssertEqual(std, he, accuracy: 0.1 * he, conv.name)
        }
    }
}

final class FusedConvolutionPoolingTests: XCTestCase {
    /// Pooling each sample inside the convolution's loop gives the layer-by-layer results bit for bit: the logits
    /// and every parameter gradient.
    func testFusedPassMatchesLayerByLayer() {
        // conv -> pool directly (fused), a 3x3 pool (the general path) and a ragged 5x5 -> 2x2 pool.
        let architecture = Architecture(
            name: "fusion-test", about: "",
            layers: [.conv(filters: 4, kernel: 3, padding: .same), .relu, .maxPool(2),
                     .conv(filters: 6, kernel: 3, padding: .valid), .maxPool(2),
                     .conv(filters: 5, kernel: 2, padding: .valid), .relu, .maxPool(3),
                     .flatten, .dense(MNIST.classes)],
            initializer: .he, recipe: Architecture.convnet.recipe, inputSide: 28)
        let input = randomTensor([5, 1, 28, 28], seed: 100)
        let labels: [UInt8] = [3, 1, 4, 1, 5]
        onEveryKernelPath { path in fusedPassMatchesLayerByLayer(architecture, input: input, labels: labels, path) }
    }

    /// Batch normalization pooled in the same stage, with the pooling's ReLU (as `bnnet` has it) or its own, by 2
    /// and by a ragged 3: training and answering as the layers one after the other give, and the same gradients.
    func testFusedBatchNormPoolingMatchesLayerByLayer() {
        let architecture = Architecture(
            name: "fusion-test", about: "",
            layers: [.conv(filters: 4, kernel: 3, padding: .same), .batchNorm, .relu, .maxPool(2),
                     .conv(filters: 6, kernel: 3, padding: .valid), .batchNorm, .maxPool(2),
                     .conv(filters: 5, kernel: 2, padding: .valid), .batchNorm, .relu,
                     .conv(filters: 3, kernel: 1, padding: .valid), .batchNorm, .maxPool(3),
                     .flatten, .dense(MNIST.classes)],
            initializer: .he, recipe: Architecture.bnnet.recipe, inputSide: 28)
        XCTAssertEqual(Architecture.fusingPooling(Network(architecture: architecture).layers)
                           .filter { $0 is BatchNormPooling }.count, 3, "every pooling follows a batch norm")
        let input = randomTensor([5, 1, 28, 28], seed: 102)
        let labels: [UInt8] = [2, 7, 1, 8, 2]
        onEveryKernelPath { path in
            fusedPassMatchesLayerByLayer(architecture, input: input, labels: labels, path, parameters: 18)
        }
    }

    private func fusedPassMatchesLayerByLayer(_ architecture: Architecture, input: Tensor, labels: [UInt8],
                                              _ path: String, parameters: Int = 8) {
        var results: [[[Float]]] = []
        for fused in [false, true] {
            let network = Network(architecture: architecture)
            network.initialize(seed: 101)
            network.fusesPooling = fused
            network.zeroGradients()
            let logits = network.forward(input, mode: .training).array
            let probabilities = Tensor(shape: [0]), dLogits = Tensor(shape: [0])
            let logitsTensor = Tensor(shape: [5, MNIST.classes])
            logitsTensor.data.update(from: logits, count: logits.count)
            _ = SoftmaxCrossEntropy().lossAndGradient(logits: logitsTensor, labels: labels,
                                                      probabilities: probabilities, dLogits: dLogits)
            network.backward(dLogits)
            let answers = network.forward(input, mode: .inference).array
            results.append([logits, answers] + network.parameters.map(\.grad.array))
        }
        XCTAssertEqual(results[0].count, 2 + parameters)
        for (index, (plain, fused)) in zip(results[0], results[1]).enumerated() {
            XCTAssertEqual(plain, fused, "result \(index), \(path)")
            XCTAssertTrue(plain.contains { $0 != 0 }, "result \(index) should not be all zeros, \(path)")
        }
    }
}
