// Every layer's backward pass against finite differences, and forward shapes on seeded input.

import XCTest
@testable import DigitCore

final class GradientCheckTests: XCTestCase {
    override func setUp() { Parallel.configure(workers: 2) }

    func testConvValidGradients() {
        let conv = Conv2D(name: "conv", inChannels: 2, outChannels: 3, kernel: 3, padding: .valid)
        conv.weight.value.copy(from: randomTensor(conv.weight.shape, seed: 1))
        conv.bias.value.copy(from: randomTensor(conv.bias.shape, seed: 2))
        checkGradients(of: conv, input: randomTensor([3, 2, 6, 5], seed: 3))
    }

    func testConvSameGradientsWithLargerKernel() {
        let conv = Conv2D(name: "conv", inChannels: 2, outChannels: 2, kernel: 5, padding: .same)
        conv.weight.value.copy(from: randomTensor(conv.weight.shape, seed: 4))
        let input = randomTensor([2, 2, 6, 7], seed: 5)
        XCTAssertEqual(conv.forward(input, mode: .training).shape, [2, 2, 6, 7])
        checkGradients(of: conv, input: input)
    }

    func testConvForwardMatchesDirectSum() {
        let conv = Conv2D(name: "conv", inChannels: 2, outChannels: 2, kernel: 3, padding: .same)
        conv.weight.value.copy(from: randomTensor(conv.weight.shape, seed: 6))
        conv.bias.value.copy(from: randomTensor(conv.bias.shape, seed: 7))
        let x = randomTensor([1, 2, 4, 4], seed: 8)
        let y = conv.forward(x, mode: .inference)
        for o in 0..<2 {
            for i in 0..<4 {
                for j in 0..<4 {
                    var expected = conv.bias.value.data[o]
                    for c in 0..<2 {
                        for u in 0..<3 {
                            for v in 0..<3 {
                                let (yy, xx) = (i + u - 1, j + v - 1)
                                guard (0..<4).contains(yy), (0..<4).contains(xx) else { continue }
                                expected += conv.weight.value.data[((o * 2 + c) * 3 + u) * 3 + v]
                                    * x.data[(c * 4 + yy) * 4 + xx]
                            }
                        }
                    }
                    XCTAssertEqual(y.data[(o * 4 + i) * 4 + j], expected, accuracy: 1e-5)
                }
            }
        }
    }

    func testFirstConvSkipsInputGradientButKeepsWeightGradient() {
        let conv = Conv2D(name: "conv", inChannels: 1, outChannels: 2, kernel: 3, padding: .valid)
        conv.needsInputGradient = false
        conv.weight.value.copy(from: randomTensor(conv.weight.shape, seed: 9))
        checkGradients(of: conv, input: randomTensor([2, 1, 5, 5], seed: 10))
    }

    func testMaxPoolGradientsAndRaggedEdge() {
        let pool = MaxPool2D(name: "pool", size: 2)
        // Distinct values spaced well beyond the finite-difference step, so no window has a tie.
        let input = Tensor(shape: [2, 2, 5, 5])
        var rng = SplitMix64(seed: 11)
        let order = (0..<input.count).shuffled(using: &rng)
        for (i, rank) in order.enumerated() { input.data[i] = Float(rank) * 0.1 }
        XCTAssertEqual(pool.forward(input, mode: .training).shape, [2, 2, 2, 2])
        checkGradients(of: pool, input: input)
    }

    func testReLUGradients() {
        checkGradients(of: ReLU(name: "relu"), input: randomTensor([3, 2, 3, 3], seed: 12, margin: 0.05))
    }

    /// ReLU, dropout and flatten pass the gradient on where it stands: the tensor they were given, masked or read
    /// in the input's shape, with the values a separate tensor would hold.
    func testShapeKeepingLayersPassTheGradientOnWhereItStands() {
        let x = randomTensor([3, 2, 2, 2], seed: 16, margin: 0.05), dy = randomTensor([3, 2, 2, 2], seed: 17)
        let relu = ReLU(name: "relu"), dropout = Dropout(name: "dropout", rate: 0.5), flatten = Flatten(name: "flat")
        dropout.rng = SplitMix64(seed: 18)
        let rectified = relu.forward(x, mode: .training), dropped = dropout.forward(x, mode: .training)
        XCTAssertEqual(flatten.forward(x, mode: .training).shape, [3, 8])
        let mask = zip(dropped.array, x.array).map { $1 == 0 ? 0 : $0 / $1 }
        XCTAssertTrue(mask.contains(0) && mask.contains(2), "the data should drop some units and keep others")

        let forReLU = copied(dy)
        XCTAssertTrue(relu.backward(forReLU) === forReLU)
        XCTAssertEqual(forReLU.array, zip(dy.array, rectified.array).map { $1 > 0 ? $0 : 0 })
        let forDropout = copied(dy)
        XCTAssertTrue(dropout.backward(forDropout) === forDropout)
        XCTAssertEqual(forDropout.array, zip(dy.array, mask).map { $0 * $1 })
        let flat = Tensor(shape: [3, 8], values: dy.array)
        XCTAssertTrue(flatten.backward(flat) === flat)
        XCTAssertEqual(flat.shape, [3, 2, 2, 2])
        XCTAssertEqual(flat.array, dy.array)
    }

    /// Forward, flatten and an identity dropout (answering, or at rate 0) hand on the tensor they were given, with
    /// its values: no copy of the batch is made.
    func testFlattenAndIdentityDropoutHandTheirInputOn() {
        let x = randomTensor([3, 2, 2, 2], seed: 60), values = x.array
        let flat = Flatten(name: "flat").forward(x, mode: .training)
        XCTAssertTrue(flat === x)
        XCTAssertEqual(flat.shape, [3, 8])
        XCTAssertEqual(flat.array, values)
        let dropout = Dropout(name: "dropout", rate: 0.5)
        XCTAssertTrue(dropout.forward(x, mode: .inference) === x)
        XCTAssertEqual(x.array, values)
        let none = Dropout(name: "dropout", rate: 0)
        XCTAssertTrue(none.forward(x, mode: .training) === x)
        let dy = randomTensor([3, 8], seed: 61), gradient = dy.array
        XCTAssertTrue(none.backward(dy) === dy)
        XCTAssertEqual(dy.array, gradient, "at rate 0 the gradient passes unmasked")
    }

    func testDenseGradients() {
        let dense = Dense(name: "dense", inputs: 7, outputs: 4)
        dense.weight.value.copy(from: randomTensor(dense.weight.shape, seed: 13))
        dense.bias.value.copy(from: randomTensor(dense.bias.shape, seed: 14))
        checkGradients(of: dense, input: randomTensor([5, 7], seed: 15))
    }

    func testBatchNormGradientsConvAndDense() {
        let conv = BatchNorm(name: "bn", channels: 3)
        conv.gamma.value.copy(from: randomTensor([3], seed: 16))
        conv.beta.value.copy(from: randomTensor([3], seed: 17))
        checkGradients(of: conv, input: randomTensor([4, 3, 3, 2], seed: 18), tolerance: 3e-2)
        let dense = BatchNorm(name: "bn", channels: 5)
        checkGradients(of: dense, input: randomTensor([6, 5], seed: 19), tolerance: 3e-2)
    }

    /// Batch norm with its ReLU in the same pass against the two layers, bit for bit, and its own gradients.
    func testRectifyingBatchNormEqualsBatchNormThenReLU() {
        let x = randomTensor([4, 3, 3, 2], seed: 27)
        let plain = BatchNorm(name: "bn", channels: 3), relu = ReLU(name: "relu")
        let fused = BatchNorm(name: "bn", channels: 3, rectifies: true)
        for layer in [plain, fused] {
            layer.gamma.value.copy(from: randomTensor([3], seed: 28))
            layer.beta.value.copy(from: randomTensor([3], seed: 29))
        }
        let separate = relu.forward(plain.forward(x, mode: .training), mode: .training).array
        let together = fused.forward(x, mode: .training).array
        XCTAssertEqual(together, separate)
        XCTAssertTrue(together.contains(0) && together.contains { $0 > 0 }, "the data should exercise the rectifier")
        let dy = randomTensor(x.shape, seed: 30)
        // The gradient is written over the one given (no second whole-batch tensor), with the same values.
        let given = copied(dy)
        let dx = fused.backward(given)
        XCTAssertTrue(dx === given)
        XCTAssertEqual(dx.array, plain.backward(relu.backward(dy)).array)
        XCTAssertEqual(fused.gamma.grad.array, plain.gamma.grad.array)
        XCTAssertEqual(fused.beta.grad.array, plain.beta.grad.array)
        checkGradients(of: BatchNorm(name: "bn", channels: 3, rectifies: true),
                       input: randomTensor([4, 3, 3, 2], seed: 31, margin: 0.05), tolerance: 3e-2)
    }

    func testBatchNormNormalizesAndTracksRunningStatistics() {
        let bn = BatchNorm(name: "bn", channels: 2, momentum: 0)
        let x = randomTensor([8, 2, 3, 3], seed: 20)
        let y = bn.forward(x, mode: .training)
        for ch in 0..<2 {
            var values: [Float] = []
            for n in 0..<8 { for j in 0..<9 { values.append(y.data[(n * 2 + ch) * 9 + j]) } }
            let mean = values.reduce(0, +) / Float(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(variance, 1, accuracy: 1e-3)
        }
        // With momentum 0 the running statistics are this batch's, so inference reproduces training
        // up to the unbiased-variance correction (M / (M - 1) with M = 72).
        let inference = bn.forward(x, mode: .inference).array
        let training = bn.forward(x, mode: .training).array
        let correction = (Float(71) / 72).squareRoot()
        for (a, b) in zip(inference, training) { XCTAssertEqual(a, b * correction, accuracy: 1e-4) }
    }

    /// The statistics' lanes (a run longer than them, a ragged tail, a run shorter than one lane's worth) give the
    /// same bits on every kernel path, and agree with sums taken in double precision.
    func testBatchNormStatisticsAgreeOnEveryKernelPathAndWithDoubleSums() {
        for (shape, seed) in [([5, 3, 7, 11], 40), ([4, 2, 3, 3], 41), ([9, 4], 42)] as [([Int], UInt64)] {
            let x = randomTensor(shape, seed: seed)
            let n = shape[0], c = shape[1], s = shape.dropFirst(2).reduce(1, *)
            var results: [[Float]] = []
            onEveryKernelPath { path in
                let bn = BatchNorm(name: "bn", channels: c, momentum: 0, rectifies: true)
                bn.gamma.value.copy(from: randomTensor([c], seed: seed + 1))
                let y = bn.forward(x, mode: .training)
                results.append(y.array + bn.runningMean.value.array + bn.runningVariance.value.array)
                for ch in 0..<c {
                    let values = (0..<n).flatMap { i in (0..<s).map { Double(x.data[(i * c + ch) * s + $0]) } }
                    let mean = values.reduce(0, +) / Double(values.count)
                    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
                    XCTAssertEqual(Double(bn.runningMean.value.data[ch]), mean, accuracy: 1e-6, "\(shape) \(path)")
                    XCTAssertEqual(Double(bn.runningVariance.value.data[ch]), variance, accuracy: 1e-5,
                                   "\(shape) \(path)")
                }
            }
            XCTAssertEqual(results.first, results.last, "\(shape): the kernel paths differ")
        }
    }

    /// The backward pass's sums run in the statistics' lanes too: every kernel path gives the same bits (runs
    /// longer than the lanes with a ragged tail, shorter than one vector, a dense layer's one value per run), and
    /// the gradients agree with the formula taken in double precision.
    func testBatchNormBackwardAgreesOnEveryKernelPathAndWithDoubleSums() {
        for (shape, seed) in [([5, 3, 7, 11], 50), ([4, 2, 3, 3], 51), ([3, 2, 6, 8], 52), ([9, 4], 53)]
            as [([Int], UInt64)] {
            let x = randomTensor(shape, seed: seed), dy = randomTensor(shape, seed: seed + 1)
            let n = shape[0], c = shape[1], s = shape.dropFirst(2).reduce(1, *)
            var results: [[Float]] = []
            onEveryKernelPath { path in
                let bn = BatchNorm(name: "bn", channels: c, rectifies: true)
                bn.gamma.value.copy(from: randomTensor([c], seed: seed + 2))
                bn.beta.value.copy(from: randomTensor([c], seed: seed + 3))
                let y = bn.forward(x, mode: .training).array
                let dx = bn.backward(copied(dy)).array
                results.append(dx + bn.gamma.grad.array + bn.beta.grad.array)
                for ch in 0..<c {
                    let at = (0..<n).flatMap { i in (0..<s).map { (i * c + ch) * s + $0 } }
                    let values = at.map { Double(x.data[$0]) }
                    let mean = values.reduce(0, +) / Double(values.count)
                    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                    let inverse = 1 / (variance + Double(bn.epsilon)).squareRoot()
                    let gradients = at.map { y[$0] > 0 ? Double(dy.data[$0]) : 0 }
                    let xhat = values.map { ($0 - mean) * inverse }
                    let total = gradients.reduce(0, +), moment = zip(gradients, xhat).map(*).reduce(0, +)
                    XCTAssertEqual(Double(bn.beta.grad.data[ch]), total, accuracy: 1e-5, "\(shape) \(path)")
                    XCTAssertEqual(Double(bn.gamma.grad.data[ch]), moment, accuracy: 1e-5, "\(shape) \(path)")
                    let m = Double(values.count), scale = Double(bn.gamma.value.data[ch]) * inverse / m
                    for (k, index) in at.enumerated() {
                        let expected = scale * (m * gradients[k] - total - xhat[k] * moment)
                        XCTAssertEqual(Double(dx[index]), expected, accuracy: 1e-4, "\(shape) \(path)")
                    }
                }
            }
            XCTAssertEqual(results.first, results.last, "\(shape): the kernel paths differ")
        }
    }

    func testDropoutGradientsWithReplayedMask() {
        let dropout = Dropout(name: "dropout", rate: 0.5)
        checkGradients(of: dropout, input: randomTensor([4, 6], seed: 21)) {
            dropout.rng = SplitMix64(seed: 22)
        }
        let x = randomTensor([4, 6], seed: 23)
        XCTAssertEqual(dropout.forward(x, mode: .inference).array, x.array, "dropout is the identity at inference")
    }

    /// The vectorized mask draws exactly what a sequential generator would: four 16-bit uniforms per 64-bit draw,
    /// a partial last group, and the generator left where the sequential one would be.
    func testDropoutMaskMatchesSequentialDraws() {
        let rate: Float = 0.3, count = 4 * 37 + 3
        let dropout = Dropout(name: "dropout", rate: rate)
        dropout.rng = SplitMix64(seed: 25)
        let x = randomTensor([1, count], seed: 26)
        let y = dropout.forward(x, mode: .training).array
        var reference = SplitMix64(seed: 25), bits: UInt64 = 0
        let threshold = UInt64((rate * 65536).rounded()), keep = 1 / (1 - rate)
        for i in 0..<count {
            if i % 4 == 0 { bits = reference.next() }
            XCTAssertEqual(y[i], (bits & 0xFFFF) < threshold ? 0 : x.data[i] * keep, "element \(i)")
            bits >>= 16
        }
        XCTAssertEqual(dropout.rng.next(), reference.next())
        let dropped = y.filter { $0 == 0 }.count
        XCTAssertTrue((20...70).contains(dropped), "\(dropped) of \(count) dropped at rate \(rate)")
    }

    func testSoftmaxCrossEntropyGradient() {
        let logits = randomTensor([3, 10], seed: 24)
        let labels: [UInt8] = [0, 7, 9]
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let probabilities = Tensor(shape: [0]), dLogits = Tensor(shape: [0])
        _ = loss.lossAndGradient(logits: logits, labels: labels, probabilities: probabilities, dLogits: dLogits)
        let analytic = dLogits.array
        let step: Float = 1e-2
        for i in 0..<logits.count {
            let saved = logits.data[i]
            logits.data[i] = saved + step
            let up = loss.lossAndGradient(logits: logits, labels: labels, probabilities: probabilities,
                                          dLogits: dLogits)
            logits.data[i] = saved - step
            let down = loss.lossAndGradient(logits: logits, labels: labels, probabilities: probabilities,
                                            dLogits: dLogits)
            logits.data[i] = saved
            XCTAssertEqual((up - down) / (2 * step), analytic[i], accuracy: 1e-3)
        }
    }

    static let tiny = Architecture(
        name: "tiny", about: "test", layers: [
            .conv(filters: 2, kernel: 3, padding: .same), .batchNorm, .relu, .maxPool(2),
            .flatten, .dense(10)],
        initializer: .he, recipe: Architecture.convnet.recipe, inputSide: 6)

    func testWholeNetworkGradients() {
        checkWholeNetworkGradients(Self.tiny)
    }

    /// An ensemble's loss is on its members' averaged logits: each member's weights get their share.
    func testEnsembleGradients() {
        checkWholeNetworkGradients(Self.tiny.ensemble(of: 2))
    }

    func checkWholeNetworkGradients(_ architecture: Architecture, line: UInt = #line) {
        let net = Network(architecture: architecture)
        net.initialize(seed: 25)
        let x = randomTensor([3, 1, 6, 6], seed: 26)
        let labels: [UInt8] = [1, 4, 8]
        let loss = SoftmaxCrossEntropy()
        let probabilities = Tensor(shape: [0]), dLogits = Tensor(shape: [0])
        func value() -> Float {
            loss.lossAndGradient(logits: net.forward(x, mode: .training), labels: labels,
                                 probabilities: probabilities, dLogits: dLogits)
        }
        net.zeroGradients()
        _ = value()
        net.backward(dLogits)
        let step: Float = 1e-3
        for p in net.parameters {
            let analytic = p.grad.array
            for i in 0..<p.value.count {
                let saved = p.value.data[i]
                p.value.data[i] = saved + step
                let up = value()
                p.value.data[i] = saved - step
                let down = value()
                p.value.data[i] = saved
                XCTAssertEqual((up - down) / (2 * step), analytic[i], accuracy: 2e-3, "\(p.name)[\(i)]", line: line)
            }
        }
    }
}
