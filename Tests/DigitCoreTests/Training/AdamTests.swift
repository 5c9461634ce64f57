// Adam's update against values worked out by hand, and the learning-rate schedules' shapes.

import XCTest
@testable import DigitCore

final class AdamTests: XCTestCase {
    func testFirstTwoStepsMatchHandComputation() {
        let p = Parameter(name: "w", shape: [2], decays: true)
        p.value.copy(from: [1.0, -2.0])
        let adam = Adam(parameters: [p], learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0)
        p.grad.copy(from: [0.5, -1.0])
        adam.update([p])
        // Step 1: m = 0.1 g, v = 0.001 g^2; mHat = g, vHat = g^2; w -= lr * g / |g| = lr * sign(g).
        XCTAssertEqual(p.value.array[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.value.array[1], -1.9, accuracy: 1e-6)
        p.grad.copy(from: [0.25, 0.0])
        adam.update([p])
        // Step 2, first element: m = 0.9*0.05 + 0.1*0.25 = 0.07, v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225,
        // mHat = 0.07 / 0.19, vHat = 0.00031225 / 0.001999.
        let mHat = 0.07 / 0.19, vHat = 0.00031225 / 0.001999
        XCTAssertEqual(Double(p.value.array[0]), 0.9 - 0.1 * mHat / (vHat.squareRoot() + 1e-8), accuracy: 1e-5)
        XCTAssertEqual(adam.step, 2)
    }

    func testDecoupledWeightDecayOnlyWhereAsked() {
        let weight = Parameter(name: "w", shape: [1], decays: true)
        let bias = Parameter(name: "b", shape: [1], decays: false)
        weight.value.copy(from: [2])
        bias.value.copy(from: [2])
        let adam = Adam(parameters: [weight, bias], learningRate: 0.01, weightDecay: 0.5)
        adam.update([weight, bias])  // zero gradients: only the decay moves anything
        XCTAssertEqual(weight.value.array[0], 2 - 0.01 * 0.5 * 2, accuracy: 1e-6)
        XCTAssertEqual(bias.value.array[0], 2)
    }

    func testSchedulesStartEndAndPeak() {
        let base: Float = 0.01, total = 1000
        XCTAssertEqual(LearningRateSchedule.constant.rate(step: 500, total: total, base: base), base)
        XCTAssertEqual(LearningRateSchedule.cosine.rate(step: 0, total: total, base: base), 0)
        XCTAssertEqual(LearningRateSchedule.cosine.rate(step: 50, total: total, base: base), base, accuracy: 1e-6)
        XCTAssertLessThan(LearningRateSchedule.cosine.rate(step: 999, total: total, base: base), base * 1e-3)
        XCTAssertEqual(LearningRateSchedule.onecycle.rate(step: 0, total: total, base: base), base / 25, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.onecycle.rate(step: 250, total: total, base: base), base, accuracy: 1e-6)
        let rates = (0..<total).map { LearningRateSchedule.onecycle.rate(step: $0, total: total, base: base) }
        XCTAssertEqual(rates.max()!, base, accuracy: 1e-6)
        XCTAssertLessThan(rates.last!, base / 100)
    }
}
