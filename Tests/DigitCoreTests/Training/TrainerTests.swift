// Training is reproducible, resumes exactly from a checkpoint, and learns.

import XCTest
@testable import DigitCore

final class TrainerTests: XCTestCase {
    override func setUp() { Parallel.configure(workers: 2) }

    func syntheticSet(count: Int, seed: UInt64) -> LabeledImages { barImages(count: count, seed: seed) }

    func settings(epochs: Int = 2) -> TrainingSettings {
        var s = TrainingSettings(architecture: .convnet, seed: 3)
        s.recipe.epochs = epochs
        s.recipe.batchSize = 32
        s.recipe.learningRate = 3e-3
        return s
    }

    func train(_ settings: TrainingSettings, data: LabeledImages) throws -> Trainer {
        let network = Network(architecture: settings.architecture)
        network.initialize(seed: settings.seed)
        let trainer = try Trainer(network: network, settings: settings, data: data)
        _ = try trainer.run(progress: { _ in }, epochEnded: { _ in }, shouldStop: { false }, checkpoint: {})
        return trainer
    }

    func weights(_ network: Network) -> [[Float]] { network.allTensors.map(\.value.array) }

    func testSameSeedGivesIdenticalWeightsAndLearns() throws {
        let data = syntheticSet(count: 400, seed: 1)
        let first = try train(settings(), data: data)
        let second = try train(settings(), data: data)
        XCTAssertEqual(weights(first.network), weights(second.network))
        XCTAssertGreaterThan(first.history.last!.validationAccuracy, 0.9, "the bars are easy to learn")
        var other = settings()
        other.seed = 4
        XCTAssertNotEqual(weights(try train(other, data: data).network), weights(first.network))
    }

    func testInterruptedRunResumesToTheSameWeights() throws {
        let data = syntheticSet(count: 400, seed: 2)
        let straight = try train(settings(), data: data)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digits-resume-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("run.checkpoint")

        let network = Network(architecture: .convnet)
        network.initialize(seed: settings().seed)
        let interrupted = try Trainer(network: network, settings: settings(), data: data)
        var batches = 0
        let outcome = try interrupted.run(
            progress: { _ in batches += 1 }, epochEnded: { _ in },
            shouldStop: { batches == 15 },  // stops in the second epoch (11 batches per epoch)
            checkpoint: { try Checkpoint.save(interrupted, metadata: [:], to: url) })
        XCTAssertEqual(outcome, .interrupted)

        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(loaded.position.epoch, 1)
        let resumed = try Trainer(network: loaded.network, settings: settings(), data: data)
        try Checkpoint.restoreOptimizer(of: resumed, from: loaded.file, name: "run.checkpoint")
        resumed.resume(from: loaded.position, history: loaded.history)
        XCTAssertEqual(try resumed.run(progress: { _ in }, epochEnded: { _ in }, shouldStop: { false }, checkpoint: {}),
                       .finished)
        XCTAssertEqual(weights(resumed.network), weights(straight.network))
        XCTAssertEqual(resumed.history.count, 2)
    }

    func testRefusesWrongImageSize() {
        let data = LabeledImages(count: 1, rows: 8, cols: 8, pixels: [UInt8](repeating: 0, count: 64), labels: [0])
        XCTAssertThrowsError(try Trainer(network: Network(architecture: .convnet), settings: settings(), data: data))
    }

    func testLearningNotADigitIsReproducibleAndLabelsTheNonDigits() throws {
        var s = settings(epochs: 1)
        s.architecture = Architecture.convnet.withNotADigitClass()
        s.recipe.nonDigits = 0.2
        s.recipe.styles = 0.1
        s.recipe.strokeRedraw = 0.2
        let data = syntheticSet(count: 200, seed: 5)
        func run() throws -> Trainer {
            let network = Network(architecture: s.architecture)
            network.initialize(seed: s.seed)
            let trainer = try Trainer(network: network, settings: s, data: data,
                                      nonDigits: NonDigits(kinds: NonDigitKind.training))
            _ = try trainer.run(progress: { _ in }, epochEnded: { _ in }, shouldStop: { false }, checkpoint: {})
            return trainer
        }
        let first = try run(), second = try run()
        XCTAssertEqual(weights(first.network), weights(second.network))
        XCTAssertEqual(first.network.architecture.classes, MNIST.classes + 1)
        // Without non-digits to learn from, an eleven-class run cannot start.
        XCTAssertThrowsError(try Trainer(network: Network(architecture: s.architecture), settings: s, data: data))
    }

    func testValidationSplitIsSeededAndDisjoint() {
        let (training, validation) = Trainer.split(count: 100, fraction: 0.1, seed: 7)
        XCTAssertEqual(validation.count, 10)
        XCTAssertEqual(Set(training).union(validation), Set(0..<100))
        XCTAssertTrue(Set(training).isDisjoint(with: validation))
        XCTAssertEqual(Trainer.split(count: 100, fraction: 0.1, seed: 7).validation, validation)
        XCTAssertNotEqual(Trainer.split(count: 100, fraction: 0.1, seed: 8).validation, validation)
    }
}
