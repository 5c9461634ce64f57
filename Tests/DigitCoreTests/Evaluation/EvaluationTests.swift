// The evaluator's confusion matrix, per-class accuracy and log-loss against a network whose answers are known,
// and the robustness table against the evaluator run on each variant by hand.

import XCTest
@testable import DigitCore

final class EvaluationTests: XCTestCase {
    /// A network that reads "the class whose pixel is lit": flatten, then a dense layer whose class k weight is
    /// `strength` on pixel k and zero elsewhere.
    func pixelReader(strength: Float) -> Network {
        let architecture = Architecture(name: "pixel-reader", about: "test", layers: [.flatten, .dense(MNIST.classes)],
                                        initializer: .glorot, recipe: Architecture.convnet.recipe)
        let network = Network(architecture: architecture)
        for p in network.parameters { p.value.fill(0) }
        let weight = network.parameters[0].value
        for k in 0..<MNIST.classes { weight.data[k * MNIST.pixels + k] = strength }
        return network
    }

    /// Image i lights pixel `lit[i]`, with label `labels[i]`.
    func images(lit: [Int], labels: [UInt8]) -> LabeledImages {
        var pixels = [UInt8](repeating: 0, count: lit.count * MNIST.pixels)
        for (i, k) in lit.enumerated() { pixels[i * MNIST.pixels + k] = 255 }
        return LabeledImages(count: lit.count, rows: MNIST.side, cols: MNIST.side, pixels: pixels, labels: labels)
    }

    func testConfusionPerClassAndLogLossFollowTheAnswers() {
        let lit = [0, 1, 1, 2, 3, 3, 3], labels: [UInt8] = [0, 1, 2, 2, 3, 3, 1]
        let strength: Float = 4
        let evaluation = Evaluation.run(pixelReader(strength: strength), on: images(lit: lit, labels: labels),
                                        batchSize: 3)
        XCTAssertEqual(evaluation.count, 7)
        XCTAssertEqual(evaluation.predictions.map(\.digit), lit, "the network names the lit pixel")
        var expected = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for (k, label) in zip(lit, labels) { expected[Int(label)][k] += 1 }
        XCTAssertEqual(evaluation.confusion, expected)
        XCTAssertEqual(evaluation.correct, 5)
        XCTAssertEqual(evaluation.accuracy, 5.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(evaluation.perClass[0], 1)
        XCTAssertEqual(evaluation.perClass[1], 1.0 / 2, accuracy: 1e-12, "one of two 1s read as 3")
        XCTAssertEqual(evaluation.perClass[2], 1.0 / 2, accuracy: 1e-12, "one of two 2s read as 1")
        XCTAssertEqual(evaluation.perClass[5], 0, "no images of 5")
        // Softmax of one logit `strength` among nine zeros.
        let right = exp(Double(strength)) / (exp(Double(strength)) + 9), wrong = 1 / (exp(Double(strength)) + 9)
        XCTAssertEqual(Double(evaluation.predictions[0].confidence), right, accuracy: 1e-5)
        let expectedLoss = -(5 * log(right) + 2 * log(wrong)) / 7
        XCTAssertEqual(evaluation.meanLogLoss, expectedLoss, accuracy: 1e-5)
    }

    func testIndicesChooseAndOrderTheImages() {
        let set = images(lit: [0, 1, 2, 3], labels: [0, 1, 2, 0])
        let evaluation = Evaluation.run(pixelReader(strength: 2), on: set, indices: [3, 1])
        XCTAssertEqual(evaluation.count, 2)
        XCTAssertEqual(evaluation.predictions.map(\.digit), [3, 1])
        XCTAssertEqual(evaluation.correct, 1)
    }

    func testRobustnessTableScoresEveryVariantLikeTheEvaluator() {
        // Digits 0-9 as bars in row bands, as a network would see a scrawl; the reader's answers vary by variant.
        var pixels = [UInt8](repeating: 0, count: 20 * MNIST.pixels)
        var labels: [UInt8] = []
        for i in 0..<20 {
            labels.append(UInt8(i % 10))
            for x in 6..<22 { pixels[i * MNIST.pixels + (4 + i % 10 * 2) * MNIST.side + x] = 255 }
            pixels[i * MNIST.pixels + i % 10] = 255
        }
        let set = LabeledImages(count: 20, rows: MNIST.side, cols: MNIST.side, pixels: pixels, labels: labels)
        let network = pixelReader(strength: 3)
        let table = Robustness.table(network, images: set, preprocess: true, seed: 5)
        XCTAssertEqual(table.map(\.variant), RobustnessVariant.allCases)
        for row in table {
            let direct = Evaluation.run(network, on: Robustness.variantSet(set, row.variant, seed: 5), preprocess: true)
            XCTAssertEqual(row.accuracy, direct.accuracy, "\(row.variant)")
            XCTAssertEqual(row.count, 20)
        }
        XCTAssertEqual(Robustness.variantSet(set, .shifted, seed: 5).pixels,
                       Robustness.variantSet(set, .shifted, seed: 5).pixels, "variants are seeded")
        XCTAssertNotEqual(Robustness.variantSet(set, .shifted, seed: 5).pixels, set.pixels)
    }
}
