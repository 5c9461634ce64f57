// Ensembles: members trained apart, joined into one network whose logits are their average.

import XCTest
@testable import DigitCore

final class EnsembleTests: XCTestCase {
    override func setUp() { Parallel.configure(workers: 2) }

    func member(_ architecture: Architecture, seed: UInt64) -> Network {
        let network = Network(architecture: architecture)
        network.initialize(seed: seed)
        for case let bn as BatchNorm in network.layers {
            bn.runningMean.value.copy(from: randomTensor(bn.runningMean.shape, seed: seed + 100))
        }
        return network
    }

    func logits(_ network: Network, _ images: [Float], count: Int) -> [Float] {
        images.withUnsafeBufferPointer { network.logits($0.baseAddress!, count: count) }
    }

    func testJoinedEnsembleAveragesItsMembersLogits() throws {
        let architecture = Architecture.bnnet.withNotADigitClass()
        let members = (1...3).map { member(architecture, seed: UInt64($0)) }
        let ensemble = try Network.joining(members)
        XCTAssertEqual(ensemble.architecture.members, 3)
        XCTAssertEqual(ensemble.architecture.classes, MNIST.classes + 1)
        XCTAssertEqual(ensemble.parameterCount, 3 * members[0].parameterCount)
        XCTAssertEqual(Set(ensemble.allTensors.map(\.name)).count, ensemble.allTensors.count, "names are unique")
        XCTAssertTrue(ensemble.allTensors.map(\.name).contains("m3.conv1.weight"))
        let count = 5
        let images = randomTensor([count, MNIST.pixels], seed: 7).array.map(abs)
        let each = members.map { logits($0, images, count: count) }
        let joined = logits(ensemble, images, count: count)
        XCTAssertEqual(joined.count, count * (MNIST.classes + 1))
        for i in joined.indices {
            XCTAssertEqual(joined[i], (each[0][i] + each[1][i] + each[2][i]) / 3, accuracy: 1e-4)
        }
        // The members disagree, so the average is not any one of them.
        XCTAssertNotEqual(each[0], each[1])
    }

    func testTemperatureScalesTheAveragedLogits() throws {
        let ensemble = try Network.joining([member(.convnet, seed: 1), member(.convnet, seed: 2)])
        XCTAssertEqual(ensemble.temperature, 1)
        ensemble.temperature = 0.5
        let images = randomTensor([2, MNIST.pixels], seed: 8).array.map(abs)
        let scores = logits(ensemble, images, count: 2)
        let probabilities = images.withUnsafeBufferPointer { ensemble.predict($0.baseAddress!, count: 2) }
        for row in 0..<2 {
            let scaled = scores[row * 10..<(row + 1) * 10].map { Double($0) / 0.5 }
            let top = scaled.max()!, total = scaled.map { exp($0 - top) }.reduce(0, +)
            for (k, value) in scaled.enumerated() {
                XCTAssertEqual(Double(probabilities[row * 10 + k]), exp(value - top) / total, accuracy: 1e-5)
            }
        }
    }

    func testJoiningRefusesMismatchedMembers() {
        XCTAssertThrowsError(try Network.joining([])) { XCTAssertTrue("\($0)".contains("at least one")) }
        XCTAssertThrowsError(try Network.joining([member(.convnet, seed: 1), member(.bnnet, seed: 2)])) {
            XCTAssertTrue("\($0)".contains("member 2 is a bnnet"), "\($0)")
        }
        XCTAssertThrowsError(try Network.joining([member(.bnnet, seed: 1), member(.bnnet.withNotADigitClass(), seed: 2)])) {
            XCTAssertTrue("\($0)".contains("11 classes"), "\($0)")
        }
        let pair = try! Network.joining([member(.convnet, seed: 1), member(.convnet, seed: 2)])
        XCTAssertThrowsError(try Network.joining([pair, member(.convnet, seed: 3)])) {
            XCTAssertTrue("\($0)".contains("itself an ensemble"), "\($0)")
        }
    }

    /// Members start from different weights: one seed stream initializes them in turn.
    func testAFreshEnsembleInitializesEachMemberDifferently() {
        let network = Network(architecture: Architecture.convnet.ensemble(of: 2))
        network.initialize(seed: 3)
        let weights = network.parameters.filter { $0.name.hasSuffix("conv1.weight") }
        XCTAssertEqual(weights.map(\.name), ["m1.conv1.weight", "m2.conv1.weight"])
        XCTAssertNotEqual(weights[0].value.array, weights[1].value.array)
        let single = Network(architecture: .convnet)
        single.initialize(seed: 3)
        XCTAssertEqual(single.parameters[0].value.array, weights[0].value.array, "member 1 starts as a single network would")
    }
}
