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
}
