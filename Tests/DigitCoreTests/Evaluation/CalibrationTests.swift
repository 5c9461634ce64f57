// Calibration: ECE and NLL on small cases computed by hand, and temperature scaling recovering a known temperature.

import Foundation
import XCTest
@testable import DigitCore

final class CalibrationTests: XCTestCase {
    func testBinsTakeTheirUpperEdgeAndZeroGoesFirst() {
        let bins = Calibration.bins(confidences: [0, 0.25, 0.3, 1], correct: [true, false, true, true], count: 4)
        // [0, 0.25] holds 0 and 0.25; (0.25, 0.5] holds 0.3; (0.75, 1] holds 1.
        XCTAssertEqual(bins.map(\.count), [2, 1, 0, 1])
        XCTAssertEqual(bins[0].accuracy, 0.5)
        XCTAssertEqual(bins[0].meanConfidence, 0.125, accuracy: 1e-7)
        XCTAssertEqual(bins[0].lower, 0)
        XCTAssertEqual(bins[3].upper, 1)
    }

    func testExpectedCalibrationErrorByHand() {
        // Two bins of five with two answers each: (0.9, 0.7) with one right, and (0.3, 0.1) with one right.
        // |0.5 - 0.8| * 2/4 + |0.5 - 0.2| * 2/4 = 0.15 + 0.15 = 0.3.
        let ece = Calibration.expectedCalibrationError(confidences: [0.9, 0.7, 0.3, 0.1],
                                                       correct: [true, false, false, true], bins: 2)
        XCTAssertEqual(ece, 0.3, accuracy: 1e-6)
        // A perfectly calibrated bin adds nothing: four answers at 0.75, three right.
        XCTAssertEqual(Calibration.expectedCalibrationError(confidences: [0.75, 0.75, 0.75, 0.75],
                                                            correct: [true, true, true, false]), 0, accuracy: 1e-7)
    }

    func testNegativeLogLikelihoodByHand() {
        // Logits (0, ln 3) at T = 1 give p = (1/4, 3/4); at T = 2 they give (1/(1+sqrt 3), sqrt 3/(1+sqrt 3)).
        let logits: [Float] = [0, logf(3), 0, logf(3)]
        let nll = Calibration.negativeLogLikelihood(logits: logits, classes: 2, labels: [1, 0], temperature: 1)
        XCTAssertEqual(nll, (-log(0.75) - log(0.25)) / 2, accuracy: 1e-6)
        let warm = Calibration.negativeLogLikelihood(logits: logits, classes: 2, labels: [1, 1], temperature: 2)
        XCTAssertEqual(warm, -log(3.0.squareRoot() / (1 + 3.0.squareRoot())), accuracy: 1e-6)
    }

    func testTemperatureFitRecoversTheTemperatureTheLabelsWereDrawnWith() {
        // Labels drawn from softmax(z / 2.5): the NLL is smallest near T = 2.5, whatever the logits' scale.
        let trueTemperature: Float = 2.5, classes = 11, count = 20_000
        var rng = SplitMix64(seed: 42)
        var logits: [Float] = [], labels: [UInt8] = []
        for _ in 0..<count {
            let row = (0..<classes).map { _ in 4 * rng.normal() }
            let top = row.max()!
            let weights = row.map { expf(($0 - top) / trueTemperature) }
            var pick = rng.nextUnit() * weights.reduce(0, +), label = 0
            while label < classes - 1 && pick >= weights[label] { pick -= weights[label]; label += 1 }
            logits += row
            labels.append(UInt8(label))
        }
        let fitted = Calibration.fitTemperature(logits: logits, classes: classes, labels: labels)
        XCTAssertEqual(fitted, trueTemperature, accuracy: 0.1)
        // And the fit is a minimum: nudging it either way costs likelihood.
        let best = Calibration.negativeLogLikelihood(logits: logits, classes: classes, labels: labels, temperature: fitted)
        for nudged in [fitted * 0.8, fitted * 1.25] {
            XCTAssertGreaterThan(Calibration.negativeLogLikelihood(logits: logits, classes: classes, labels: labels,
                                                                   temperature: nudged), best)
        }
    }

    func testTemperatureScalesTheNetworksProbabilitiesButNotItsAnswer() {
        let network = Network(architecture: .convnet)
        network.initialize(seed: 5)
        var rng = SplitMix64(seed: 6)
        let image = (0..<MNIST.pixels).map { _ in rng.nextUnit() }
        let logits = image.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: 1) }
        network.temperature = 3
        let probabilities = network.probabilities(for: image)
        let scaled = logits.map { expf($0 / 3) }
        let total = scaled.reduce(0, +)
        for (p, e) in zip(probabilities, scaled) { XCTAssertEqual(p, e / total, accuracy: 1e-6) }
        XCTAssertEqual(argmax(probabilities), argmax(logits))
    }

    func testReliabilityDiagramDrawsABarPerFilledBin() {
        let bins = Calibration.bins(confidences: [0.95, 0.97, 0.5], correct: [true, true, false])
        let image = ReliabilityDiagram.image(bins: bins, ece: 0.1)
        let bar = image.pixels.filter { $0 == ReliabilityDiagram.accuracyBar }.count
        XCTAssertGreaterThan(bar, 0, "the bin of right answers has a bar")
        XCTAssertEqual(ReliabilityDiagram.percent(0.0123), "1.23%")
        XCTAssertEqual(ReliabilityDiagram.percent(0.0905), "9.05%")
    }
}
