// A whole run: it refuses an output it cannot write before training, keeps its checkpoint when interrupted, and a
// resumed run records its time once (the time before the checkpoint plus this session's).

import XCTest
@testable import DigitCore

final class TrainingRunTests: XCTestCase {
    override func setUp() { Parallel.configure(workers: 2) }

    func settings() -> TrainingSettings {
        var s = TrainingSettings(architecture: .convnet, seed: 5)
        s.recipe.epochs = 2
        s.recipe.batchSize = 32
        return s
    }

    func data() -> LabeledImages { barImages(count: 300, seed: 8) }

    func testRefusesAnOutputItCannotWriteBeforeTraining() throws {
        let dir = try makeTemporaryDirectory("run-output")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing/model.safetensors")
        assertFails(try TrainingRun(settings: settings(), training: data(), test: nil, output: missing, resume: false,
                                    command: "test"), mentioning: ["missing/model.safetensors", "no such folder"])
        assertFails(try TrainingRun(settings: settings(), training: data(), test: nil, output: dir, resume: false,
                                    command: "test"), mentioning: ["is a folder"])
    }

    func testResumedRunRecordsItsTimeOnce() throws {
        let dir = try makeTemporaryDirectory("run-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("model.safetensors")
        let first = try TrainingRun(settings: settings(), training: data(), test: nil, output: output, resume: false,
                                    command: "test")
        var batches = 0
        let stopped = try first.run(progress: { _ in batches += 1 }, epochEnded: { _ in },
                                    shouldStop: { batches == 10 })
        XCTAssertNil(stopped, "an interrupted run has no result")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))

        // Pretend the first session took 1000 s, as a long run would have.
        var checkpoint = try SafeTensorsFile.read(from: first.checkpointURL)
        XCTAssertNotNil(checkpoint.metadata[ModelFile.Key.elapsed].flatMap(Double.init))
        checkpoint.metadata[ModelFile.Key.elapsed] = "1000"
        try checkpoint.write(to: first.checkpointURL)

        let resumed = try TrainingRun(settings: settings(), training: data(), test: data(), output: output,
                                      resume: true, command: "test")
        XCTAssertEqual(resumed.resumedAt?.epoch, 1, "8 batches per epoch: 10 done is 2 into the second")
        XCTAssertEqual(resumed.resumedAt?.batch, 2)
        let start = Date()
        let result = try XCTUnwrap(try resumed.run(progress: { _ in }, epochEnded: { _ in }, shouldStop: { false }))
        let session = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(result.seconds, 1000)
        XCTAssertLessThanOrEqual(result.seconds, 1000 + session, "this session counted once")
        let (_, metadata) = try ModelFile.load(from: output)
        XCTAssertEqual(metadata[ModelFile.Key.trainingSeconds], String(format: "%.0f", result.seconds))
        XCTAssertEqual(metadata[ModelFile.Key.testAccuracy], String(format: "%.4f", result.test!.accuracy))
        XCTAssertFalse(FileManager.default.fileExists(atPath: resumed.checkpointURL.path), "checkpoint removed")
    }

    /// A run started from a ten-class model keeps every one of its weights, the ten digits' output rows included, and
    /// adds the "not a digit" row as a fresh run would initialize it.
    func testStartsFromATrainedModelAndGainsTheNotADigitClass() throws {
        let dir = try makeTemporaryDirectory("run-start")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = Network(architecture: .convnet)
        base.initialize(seed: 77)
        let baseMetadata = settings().description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        var wider = settings()
        wider.architecture = Architecture.convnet.withNotADigitClass()
        let run = try TrainingRun(settings: wider, training: data(), test: nil,
                                  output: dir.appendingPathComponent("model.safetensors"), resume: false,
                                  command: "test", nonDigits: NonDigits(kinds: NonDigitKind.training),
                                  start: (base, baseMetadata))
        let fresh = Network(architecture: wider.architecture)
        fresh.initialize(seed: wider.seed)
        let started = run.trainer.network.allTensors, given = base.allTensors, random = fresh.allTensors
        XCTAssertEqual(started.map(\.name), given.map(\.name))
        for (index, tensor) in started.enumerated() where index < started.count - 2 {
            XCTAssertEqual(Array(tensor.value.buffer), Array(given[index].value.buffer), tensor.name)
        }
        for index in started.count - 2..<started.count {
            let (tensor, digits) = (started[index].value, given[index].value)
            XCTAssertEqual(tensor.shape[0], Architecture.notADigitClass + 1, started[index].name)
            XCTAssertEqual(Array(tensor.buffer.prefix(digits.count)), Array(digits.buffer), "the ten digits' rows")
            XCTAssertEqual(Array(tensor.buffer.dropFirst(digits.count)),
                           Array(random[index].value.buffer.dropFirst(digits.count)), "the new row as initialized")
        }
        let newRow = started[started.count - 2].value.buffer.dropFirst(given[started.count - 2].value.count)
        XCTAssertTrue(newRow.contains { $0 != 0 }, "the new class's weights are drawn, not left at zero")
    }

    /// A starting model trained on another split would have trained on this run's validation images; a model of
    /// another shape cannot be started from.
    func testRefusesAStartingModelOfAnotherSplitOrShape() throws {
        let dir = try makeTemporaryDirectory("run-start-refused")
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("model.safetensors")
        let base = Network(architecture: .convnet)
        var other = settings()
        other.seed = 6
        let otherMetadata = other.description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        assertFails(try TrainingRun(settings: settings(), training: data(), test: nil, output: output, resume: false,
                                    command: "test", start: (base, otherMetadata)),
                    mentioning: ["seed 6", "validation images"])
        // Another seed on the same split is fine, and so is an older model that records only the seed it split with.
        var sameSplit = settings()
        sameSplit.seed = 6
        sameSplit.splitSeed = settings().seed
        var older = settings().description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        older["training.split_seed"] = nil
        for starting in [sameSplit.description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value },
                         older] {
            XCTAssertNoThrow(try TrainingRun(settings: settings(), training: data(), test: nil, output: output,
                                             resume: false, command: "test", start: (base, starting)))
        }
        let metadata = settings().description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        assertFails(try TrainingRun(settings: settings(), training: data(), test: nil, output: output, resume: false,
                                    command: "test", start: (Network(architecture: .bnnet), metadata)),
                    mentioning: ["bnnet"])
    }
}
