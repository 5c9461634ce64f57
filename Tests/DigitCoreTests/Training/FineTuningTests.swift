// Fine-tuning learns a new hand from a few samples without forgetting the old one, reproducibly, and stops when
// asked; learning from the personal dataset saves a personal model only when it finishes.

import XCTest
@testable import DigitCore

final class FineTuningTests: XCTestCase {
    override func setUp() { Parallel.configure(workers: 2) }

    /// Digit d as a bar across the image: in row band d (the hand the base learns), or in column band d (a new
    /// hand the base has never seen).
    func bars(count: Int, seed: UInt64, vertical: Bool = false) -> LabeledImages {
        var rng = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * MNIST.pixels)
        var labels = [UInt8]()
        for i in 0..<count {
            let label = i % MNIST.classes
            labels.append(UInt8(label))
            let band = 2 + label * 2 + Int(rng.next() % 2)
            for along in 4..<24 {
                let (row, col) = vertical ? (along, band) : (band, along)
                pixels[i * MNIST.pixels + row * MNIST.side + col] = UInt8(200 + rng.next() % 56)
            }
        }
        return LabeledImages(count: count, rows: MNIST.side, cols: MNIST.side, pixels: pixels, labels: labels)
    }

    /// A small network that reads horizontal bars.
    func base() throws -> Network {
        var settings = TrainingSettings(architecture: .convnet, seed: 3)
        settings.recipe.epochs = 2
        settings.recipe.batchSize = 32
        settings.recipe.learningRate = 3e-3
        let network = Network(architecture: .convnet)
        network.initialize(seed: settings.seed)
        let trainer = try Trainer(network: network, settings: settings, data: bars(count: 400, seed: 1))
        _ = try trainer.run(progress: { _ in }, epochEnded: { _ in }, shouldStop: { false }, checkpoint: {})
        return network
    }

    func settings(steps: Int = 40) -> FineTuningSettings {
        var s = FineTuningSettings(steps: steps, seed: 5)
        s.batchSize = 32
        s.personalPerBatch = 16
        s.learningRate = 3e-3
        // The bands are two pixels apart, so shifted bars would change class: no distortions here.
        s.augmentation.probability = 0
        return s
    }

    func testLearnsANewHandFromAFewSamplesAndKeepsTheOldOne() throws {
        let network = try base()
        let mine = bars(count: 30, seed: 2, vertical: true), old = bars(count: 200, seed: 3)
        XCTAssertGreaterThan(Evaluation.run(network, on: old).accuracy, 0.9, "the base reads the old hand")
        XCTAssertLessThan(Evaluation.run(network, on: mine).accuracy, 0.5, "and not the new one")

        let tuner = try FineTuner(network: network, personal: mine, replay: bars(count: 400, seed: 1),
                                  settings: settings())
        var fractions: [Double] = []
        XCTAssertTrue(tuner.run(progress: { fractions.append($0.fraction) }, shouldStop: { false }))
        XCTAssertEqual(fractions.count, 40)
        XCTAssertEqual(fractions.last, 1)

        let losses = tuner.personalLosses
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(late, early / 4, "the loss on the samples falls (\(early) -> \(late))")
        XCTAssertEqual(Evaluation.run(network, on: mine).accuracy, 1, "the learned samples are read right")
        XCTAssertGreaterThan(Evaluation.run(network, on: bars(count: 100, seed: 9, vertical: true)).accuracy, 0.9,
                             "and other digits of the new hand")
        XCTAssertGreaterThan(Evaluation.run(network, on: old).accuracy, 0.9, "the old hand is not forgotten")
    }

    func testTheSameSeedGivesTheSameWeights() throws {
        let mine = bars(count: 20, seed: 2, vertical: true), replay = bars(count: 200, seed: 1)
        var runs: [[[Float]]] = []
        for _ in 0..<2 {
            let network = Network(architecture: .convnet)
            network.initialize(seed: 1)
            var s = settings(steps: 6)
            s.augmentation.probability = 1
            _ = try FineTuner(network: network, personal: mine, replay: replay, settings: s)
                .run(progress: { _ in }, shouldStop: { false })
            runs.append(network.allTensors.map(\.value.array))
        }
        XCTAssertEqual(runs[0], runs[1])
    }

    func testStopsWhenAskedAndRefusesWhatItCannotUse() throws {
        let network = Network(architecture: .convnet)
        let mine = bars(count: 20, seed: 2), replay = bars(count: 50, seed: 1)
        var steps = 0
        let finished = try FineTuner(network: network, personal: mine, replay: replay, settings: settings())
            .run(progress: { _ in steps += 1 }, shouldStop: { steps == 3 })
        XCTAssertFalse(finished)
        XCTAssertEqual(steps, 3)

        let empty = LabeledImages(count: 0, rows: MNIST.side, cols: MNIST.side, pixels: [], labels: [])
        let small = LabeledImages(count: 1, rows: 8, cols: 8, pixels: [UInt8](repeating: 0, count: 64), labels: [1])
        assertFails(try FineTuner(network: network, personal: empty, replay: replay, settings: settings()),
                    mentioning: ["no samples"])
        assertFails(try FineTuner(network: network, personal: small, replay: replay, settings: settings()),
                    mentioning: ["8x8"])
        assertFails(try FineTuner(network: network, personal: mine, replay: empty, settings: settings()),
                    mentioning: ["replay"])
    }

    func testLearningFromTheDatasetSavesAPersonalModelOnlyWhenItFinishes() throws {
        let directory = try makeTemporaryDirectory("learn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseURL = directory.appendingPathComponent("base.safetensors")
        try ModelFile.save(try base(), metadata: [ModelFile.Key.testAccuracy: "0.9900"], to: baseURL)
        let dataset = try PersonalDataset.open(directory.appendingPathComponent("data"))
        let mine = bars(count: 30, seed: 2, vertical: true)
        try dataset.append(contentsOf: PersonalSample.all(in: mine))
        let replay = bars(count: 400, seed: 1)

        let stopped = try PersonalLearning.learn(from: dataset, base: baseURL, replay: replay, settings: settings(),
                                                 command: "test", progress: { _ in }, shouldStop: { true })
        XCTAssertNil(stopped)
        XCTAssertNil(try PersonalModel.locate(in: dataset.directory), "a stopped run saves nothing")

        let outcome = try XCTUnwrap(try PersonalLearning.learn(
            from: dataset, base: baseURL, replay: replay, test: bars(count: 100, seed: 3), settings: settings(),
            command: "test", progress: { _ in }, shouldStop: { false }))
        XCTAssertEqual(outcome.samples, 30)
        XCTAssertLessThan(outcome.samplesReadBefore, 15)
        XCTAssertEqual(outcome.samplesReadAfter, 30)
        let saved = try XCTUnwrap(try PersonalModel.locate(in: dataset.directory))
        XCTAssertEqual(saved.url, outcome.savedTo)
        XCTAssertTrue(PersonalModel.isPersonal(saved.metadata))
        XCTAssertEqual(saved.metadata[PersonalModel.Key.base], "base.safetensors")
        XCTAssertEqual(saved.metadata[PersonalModel.Key.baseTestAccuracy], "0.9900")
        XCTAssertEqual(saved.metadata[PersonalModel.Key.samples], "30")
        XCTAssertEqual(saved.metadata[PersonalModel.Key.tuning + ".steps"], "40")
        XCTAssertNotNil(saved.metadata[ModelFile.Key.testAccuracy])
        let reading = outcome.recognizer.reading(for: Array(mine.pixels[0..<MNIST.pixels]).map(MNIST.intensity))
        XCTAssertEqual(reading.digit, Int(mine.labels[0]), "the recognizer handed back reads with the learned model")
    }
}
