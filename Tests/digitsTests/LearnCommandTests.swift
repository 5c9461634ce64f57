// Parsing of the commands around the personal dataset: learn, samples and learn-bench.

import ArgumentParser
import XCTest
@testable import digits
import DigitCore

final class LearnCommandTests: XCTestCase {
    func testLearnTakesEitherTheDataFolderOrAnIDXPairWithAnOutput() throws {
        let personal = try XCTUnwrap(Digits.parseAsRoot(["learn"]) as? Digits.Learn)
        XCTAssertEqual(personal.tuning(sampleCount: 100).steps, FineTuningSettings.standard(sampleCount: 100).steps)
        XCTAssertEqual(personal.dataDirectory.url, DataDirectory.standard())

        let arguments = ["learn", "--data-dir", "/x/mine", "--steps", "7", "--seed", "4"]
        let elsewhere = try XCTUnwrap(Digits.parseAsRoot(arguments) as? Digits.Learn)
        XCTAssertEqual(elsewhere.dataDirectory.url.path, "/x/mine")
        XCTAssertEqual(elsewhere.tuning(sampleCount: 100).steps, 7)
        XCTAssertEqual(elsewhere.tuning(sampleCount: 100).seed, 4)

        let pair = try XCTUnwrap(Digits.parseAsRoot([
            "learn", "--images", "i", "--labels", "l", "--preprocess", "--model", "base.safetensors", "--output", "o",
            "--mnist", "Data/mnist",
        ]) as? Digits.Learn)
        XCTAssertEqual([pair.images, pair.labels, pair.output], ["i", "l", "o"])
        XCTAssertTrue(pair.preprocess)
        XCTAssertEqual(try pair.replay.directory(), URL(fileURLWithPath: "Data/mnist"))
    }

    func testSillyCombinationsAreRefused() {
        let silly: [[String]] = [
            ["learn", "--images", "i"], ["learn", "--images", "i", "--labels", "l"], ["learn", "--output", "o"],
            ["learn", "--preprocess"], ["learn", "--steps", "0"],
            ["learn", "--data-dir", "d", "--images", "i", "--labels", "l", "--output", "o"],
            ["samples", "--add-images", "i"], ["samples", "--preprocess"],
            ["learn-bench", "--per-class", "0"], ["learn-bench", "--steps", "-1"],
        ]
        for arguments in silly {
            XCTAssertThrowsError(try Digits.parseAsRoot(arguments), "\(arguments)") { error in
                XCTAssertNotEqual(Digits.exitCode(for: error), .success, "\(arguments)")
                XCTAssertFalse(Digits.message(for: error).isEmpty, "\(arguments)")
            }
        }
    }

    func testSamplesAndDrawTakeTheDataFolder() throws {
        let samples = try XCTUnwrap(Digits.parseAsRoot(["samples", "--data-dir", "/x/mine"]) as? Digits.Samples)
        XCTAssertEqual(samples.dataDirectory.url.path, "/x/mine")
        let draw = try XCTUnwrap(Digits.parseAsRoot(["draw", "--data-dir", "/x/mine"]) as? Digits.Draw)
        XCTAssertEqual(draw.dataDirectory.url.path, "/x/mine")
    }

    func testDrawReadsWithThePersonalModelWhenThereIsOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digits-draw-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = try XCTUnwrap(Digits.parseAsRoot(["draw", "--data-dir", folder.path]) as? Digits.Draw)
        let network = Network(architecture: .convnet)
        try ModelFile.save(network, metadata: [PersonalModel.Key.personal: "true"], to: PersonalModel.url(in: folder))
        let loaded = try options.model.loadPreferringPersonal(in: folder)
        XCTAssertEqual(loaded.url, PersonalModel.url(in: folder))
        XCTAssertEqual(loaded.network.architecture, .convnet)

        // An explicit --model wins over the personal one.
        let base = folder.appendingPathComponent("base.safetensors")
        try ModelFile.save(Network(architecture: .convnet), to: base)
        let chosen = try XCTUnwrap(Digits.parseAsRoot(["draw", "--model", base.path, "--data-dir", folder.path])
                                   as? Digits.Draw)
        XCTAssertEqual(try chosen.model.loadPreferringPersonal(in: folder).url, base)
    }
}
