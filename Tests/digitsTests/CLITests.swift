// Command-line parsing, in process: defaults, overrides, refusal of silly flags; predict's lines and errors.

import ArgumentParser
import CKernels
import Foundation
import XCTest
@testable import digits
@testable import DigitCore

final class CLITests: XCTestCase {
    func testTrainTakesArchitectureDefaultsAndOverrides() throws {
        let plain = try XCTUnwrap(Digits.parseAsRoot(["train", "--arch", "bnnet"]) as? Digits.Train)
        XCTAssertEqual(plain.settings.recipe.epochs, Architecture.bnnet.recipe.epochs)
        XCTAssertEqual(plain.settings.recipe.schedule, Architecture.bnnet.recipe.schedule)
        XCTAssertTrue(plain.settings.recipe.augment)
        XCTAssertEqual(plain.settings.architecture.classes, MNIST.classes)
        let learning = try XCTUnwrap(Digits.parseAsRoot(["train", "--arch", "bnnet", "--non-digits", "n"]) as? Digits.Train)
        XCTAssertEqual(learning.settings.architecture.classes, MNIST.classes + 1)

        let custom = try XCTUnwrap(Digits.parseAsRoot([
            "train", "--data", "d", "--arch", "convnet", "--epochs", "3", "--batch-size", "64", "--lr", "0.01",
            "--seed", "9", "--schedule", "onecycle", "--augment", "on", "--output", "o.safetensors",
        ]) as? Digits.Train)
        let s = custom.settings
        XCTAssertEqual([s.recipe.epochs, s.recipe.batchSize], [3, 64])
        XCTAssertEqual(s.recipe.learningRate, 0.01)
        XCTAssertEqual(s.seed, 9)
        XCTAssertEqual(s.recipe.schedule, .onecycle)
        XCTAssertTrue(s.recipe.augment)
        XCTAssertEqual(custom.output, "o.safetensors")
    }

    func testSillyFlagsAreRefused() {
        let silly: [[String]] = [
            ["train", "--epochs", "0"], ["train", "--epochs", "many"], ["train", "--arch", "resnet"],
            ["train", "--lr", "-1"], ["train", "--batch-size", "0"], ["train", "--schedule", "sometimes"],
            ["train", "--augment", "maybe"], ["train", "--validation-split", "1.5"], ["train", "--threads", "0"],
            ["eval"], ["eval", "--data", "d", "--images", "i", "--labels", "l"], ["eval", "--images", "i"],
            ["predict"], ["bench", "--arch", "nope"], ["robustness", "--minimum", "2"], ["frobnicate"],
            ["eval", "--data", "d", "--non-digits", "n"], ["eval", "--data", "d", "--split", "tuning"],
            ["eval", "--non-digits", "n", "--split", "validation"], ["eval", "--split", "sideways", "--data", "d"],
            ["train", "--non-digits"], ["train", "--split-seed", "-1"], ["ensemble", "--output", "o", "a"],
            ["ensemble", "--output", "o", "a", "a"], ["ensemble", "a", "b"], ["fit-segmentation", "--rounds", "0"],
            ["fit-segmentation", "--count", "0"], ["fit-segmentation", "--held-out", "-5"],
            ["stroke-numbers", "--count", "0"], ["stroke-numbers", "--lengths", "6-2"],
            ["stroke-numbers", "--lengths", "two"], ["stroke-numbers", "--split", "tuning"],
            ["stroke-numbers", "--minimum", "85"],
        ]
        for arguments in silly {
            XCTAssertThrowsError(try Digits.parseAsRoot(arguments), "\(arguments)") { error in
                XCTAssertNotEqual(Digits.exitCode(for: error), .success, "\(arguments)")
                XCTAssertFalse(Digits.message(for: error).isEmpty, "\(arguments)")
            }
        }
    }

    func testEvalAcceptsEitherSource() throws {
        XCTAssertNoThrow(try Digits.parseAsRoot(["eval", "--data", "Data/mnist", "--json"]))
        XCTAssertNoThrow(try Digits.parseAsRoot(["eval", "--images", "i", "--labels", "l", "--preprocess"]))
        XCTAssertNoThrow(try Digits.parseAsRoot(["eval", "--data", "d", "--split", "validation", "--seed", "1"]))
        XCTAssertNoThrow(try Digits.parseAsRoot(["eval", "--non-digits", "n", "--split", "tuning", "--report", "r"]))
    }

    func testTrainRefusesAMissingOutputFolderBeforeReadingAnyData() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("digits-cli-\(UUID().uuidString)")
        // Neither folder exists: the output's must be the one named, so the check comes before the data is read.
        let train = try XCTUnwrap(Digits.parseAsRoot([
            "train", "--data", scratch.appendingPathComponent("mnist").path,
            "--output", scratch.appendingPathComponent("missing/x.safetensors").path,
        ]) as? Digits.Train)
        XCTAssertThrowsError(try train.run()) { error in
            let message = Digits.message(for: error)
            XCTAssertTrue(message.contains("x.safetensors: cannot write (no such folder"), message)
            XCTAssertTrue(message.contains("missing"), message)
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertNotEqual(Digits.exitCode(for: error), .success)
        }
    }

    func testBenchSaysWhenTheEnvironmentChoseOtherKernels() throws {
        let own = try XCTUnwrap(digits_blas_core_for_cpu().map { String(cString: $0) }, "a CPU without AVX2")
        XCTAssertEqual(Digits.Bench.kernelsNote(environment: [:]), "")
        XCTAssertEqual(Digits.Bench.kernelsNote(environment: [BLASKernels.coreVariable: own]), "")
        let note = Digits.Bench.kernelsNote(environment: [BLASKernels.coreVariable: "Prescott"])
        XCTAssertTrue(note.contains("OPENBLAS_CORETYPE=Prescott"), note)
        XCTAssertTrue(note.contains(own), note)
    }

    /// A tiny MNIST-shaped training set (IDX files written here): `count` random 28x28 images and labels.
    func writeTrainingSet(count: Int, in directory: URL) throws {
        var rng = SplitMix64(seed: 5)
        func header(_ magic: UInt32, _ dims: [UInt32]) -> Data {
            Data(([magic] + dims).flatMap { value in (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
        }
        var images = header(0x0803, [UInt32(count), 28, 28]), labels = header(0x0801, [UInt32(count)])
        images.append(contentsOf: (0..<count * MNIST.pixels).map { _ in UInt8(rng.next() % 256) })
        labels.append(contentsOf: (0..<count).map { UInt8($0 % 10) })
        try images.write(to: directory.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: directory.appendingPathComponent("train-labels-idx1-ubyte"))
    }

    func testEnsembleJoinsMembersOfOneSplitAndRefusesOthers() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("digits-ensemble-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try writeTrainingSet(count: 40, in: scratch)
        func member(seed: UInt64, splitSeed: UInt64?) throws -> String {
            let network = Network(architecture: .convnet)
            network.initialize(seed: seed)
            var metadata = ["training.seed": "\(seed)", "training.validation_fraction": "0.25", "training.limit": "none",
                            ModelFile.Key.command: "train --seed \(seed)", ModelFile.Key.trainingSeconds: "100"]
            metadata["training.split_seed"] = splitSeed.map(String.init)
            let url = scratch.appendingPathComponent("m\(seed).safetensors")
            try ModelFile.save(network, metadata: metadata, to: url)
            return url.path
        }
        // Member 1 is older: it records only the seed it split with, which is member 2's split seed.
        let (one, two, other) = (try member(seed: 1, splitSeed: nil), try member(seed: 2, splitSeed: 1),
                                 try member(seed: 3, splitSeed: 3))
        let output = scratch.appendingPathComponent("pair.safetensors").path
        let join = try XCTUnwrap(Digits.parseAsRoot(["ensemble", "--data", scratch.path, "--output", output, one, two])
                                 as? Digits.Ensemble)
        try join.run()
        let (pair, metadata) = try ModelFile.load(from: URL(fileURLWithPath: output))
        XCTAssertEqual(pair.architecture.members, 2)
        XCTAssertNotEqual(pair.temperature, 1, "fitted on the split")
        XCTAssertEqual(metadata["member2.command"], "train --seed 2")
        XCTAssertEqual(metadata["training.split_seed"], "1")
        XCTAssertEqual(metadata[ModelFile.Key.trainingSeconds], "200")
        XCTAssertNotNil(metadata[ModelFile.Key.validationAccuracy])

        let mismatched = try XCTUnwrap(Digits.parseAsRoot(["ensemble", "--data", scratch.path, "--output", output, one, other])
                                       as? Digits.Ensemble)
        XCTAssertThrowsError(try mismatched.run()) { error in
            let message = Digits.message(for: error)
            XCTAssertTrue(message.contains("m3.safetensors held out other validation images"), message)
            XCTAssertTrue(message.contains("--split-seed"), message)
        }

        // Members that cannot be joined are refused before any data is read: this folder holds none.
        let bnnet = Network(architecture: .bnnet)
        let odd = scratch.appendingPathComponent("bnnet.safetensors")
        try ModelFile.save(bnnet, to: odd)
        let unfit = try XCTUnwrap(Digits.parseAsRoot(["ensemble", "--data", scratch.appendingPathComponent("none").path,
                                                     "--output", output, one, odd.path]) as? Digits.Ensemble)
        XCTAssertThrowsError(try unfit.run()) { error in
            let message = Digits.message(for: error)
            XCTAssertTrue(message.contains("cannot join these models: member 2 is a bnnet"), message)
        }
    }

    /// An output folder is made with its parents; a file in its place, or a parent that cannot hold it, is one line
    /// naming what is wrong.
    func testOutputFoldersAreMadeOrRefusedInOneLine() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("digits-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let made = try outputFolder(scratch.appendingPathComponent("a/b").path)
        var isFolder: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: made.path, isDirectory: &isFolder) && isFolder.boolValue)
        XCTAssertEqual(try outputFolder(made.path).path, made.path, "an existing folder is fine")

        let file = scratch.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        for (path, expected) in [(file.path, "is a file, not a folder"),
                                 (file.appendingPathComponent("inside").path, "(Not a directory)")] {
            XCTAssertThrowsError(try outputFolder(path)) { error in
                let message = Digits.message(for: error)
                XCTAssertTrue(message.contains(expected), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testEveryCommandHasHelpWithExamples() {
        for command in Digits.configuration.subcommands {
            XCTAssertTrue(command.configuration.discussion.contains("Example"), "\(command) --help lacks examples")
        }
    }

    func testPredictLinesSayTheNumberAndEachDigitsConfidence() throws {
        func digit(_ value: Int, _ confidence: Float) -> NumberReading.Digit {
            let rest = (1 - confidence) / Float(MNIST.classes - 1)
            let reading = DigitReading(probabilities: (0..<MNIST.classes).map { $0 == value ? confidence : rest })
            return NumberReading.Digit(reading: reading, bounds: Rect(x: 0, y: 0, width: 1, height: 1), image: [])
        }
        func parse(_ line: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let year = NumberReading(digits: [digit(2, 0.99), digit(0, 0.3), digit(2, 0.9), digit(6, 0.97)])
        let blank = NumberReading(digits: [])
        XCTAssertEqual(Digits.Predict.line(year, file: "y.png"),
                       "y.png: 2?26 (2 99.0%, ? perhaps 0 30.0%, 2 90.0%, 6 97.0%)")
        XCTAssertEqual(Digits.Predict.line(NumberReading(digits: [digit(7, 0.983)]), file: "s.png"), "s.png: 7 (98.3%)")
        XCTAssertEqual(Digits.Predict.line(blank, file: "b.png"), "b.png: no digit found (the image is blank)")
        let json = try parse(Digits.Predict.json(year, file: "y.png"))
        XCTAssertEqual(json["file"] as? String, "y.png")
        XCTAssertEqual(json["number"] as? String, "2?26")
        XCTAssertEqual(json["digit"] as? Int, 2)
        XCTAssertEqual((json["digits"] as? [Any])?.count, 4)
        XCTAssertEqual(try parse(Digits.Predict.json(blank, file: "b.png"))["error"] as? String, "no ink found")
    }

    func testPredictRefusesATruncatedJPEGInOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digits-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gray = GrayImage(width: 40, height: 30, pixels: (0..<1200).map { UInt8($0 % 251) })
        let jpeg = try JPEG.encode(gray)
        let cut = directory.appendingPathComponent("cut.jpg")
        try jpeg.prefix(jpeg.count / 2).write(to: cut)
        let predict = try XCTUnwrap(Digits.parseAsRoot(["predict", cut.path]) as? Digits.Predict)
        XCTAssertThrowsError(try predict.run()) { error in
            let message = Digits.message(for: error)
            XCTAssertTrue(message.contains("cut.jpg") && message.contains("broken JPEG"), message)
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertNotEqual(Digits.exitCode(for: error), .success)
        }
    }
}
