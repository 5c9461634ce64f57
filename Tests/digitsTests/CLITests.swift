// Command-line parsing, in process: defaults, overrides, and refusal of silly flags.

import ArgumentParser
import XCTest
@testable import digits
import DigitCore

final class CLITests: XCTestCase {
    func testTrainTakesArchitectureDefaultsAndOverrides() throws {
        let plain = try XCTUnwrap(Digits.parseAsRoot(["train", "--arch", "bnnet"]) as? Digits.Train)
        XCTAssertEqual(plain.settings.recipe.epochs, Architecture.bnnet.recipe.epochs)
        XCTAssertEqual(plain.settings.recipe.schedule, Architecture.bnnet.recipe.schedule)
        XCTAssertTrue(plain.settings.recipe.augment)

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

    func testEveryCommandHasHelpWithExamples() {
        for command in Digits.configuration.subcommands {
            XCTAssertTrue(command.configuration.discussion.contains("Example"), "\(command) --help lacks examples")
        }
    }
}
