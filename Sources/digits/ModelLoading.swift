// Finding and loading the model: --model when given, otherwise the one that ships in Resources/ (or the personal
// model, where a command prefers it), and the other files that ship.

import ArgumentParser
import DigitCore
import Foundation

/// `--model FILE`, defaulting to the shipped model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model file (default: the shipped Resources/\(ShippedModel.fileName)).")
    var model: String?

    /// The chosen model file: --model, else the shipped one.
    func url() throws -> URL { try model.map { URL(fileURLWithPath: $0) } ?? ShippedModel.locate() }

    /// Loads the chosen model; errors are one line.
    func load() throws -> (network: Network, metadata: [String: String], url: URL) {
        let url = try url()
        let (network, metadata) = try ModelFile.load(from: url)
        return (network, metadata, url)
    }

    /// Without --model, the personal model in `dataDirectory` when one has been learned; otherwise as `load()`.
    /// A personal model that does not load is reported in one line on stderr, and the shipped model used instead.
    func loadPreferringPersonal(in dataDirectory: URL) throws
        -> (network: Network, metadata: [String: String], url: URL) {
        guard model == nil else { return try load() }
        do {
            if let personal = try PersonalModel.locate(in: dataDirectory) { return personal }
        } catch {
            warn("\(error); using the shipped model")
        }
        return try load()
    }
}

enum ShippedModel {
    static let fileName = "digits.safetensors"
    static let environment = "DIGITS_MODEL"

    /// Where to look when $DIGITS_MODEL is not set (see `ShippedFiles.candidates`).
    static func candidates() -> [URL] {
        ShippedFiles.candidates(inRepository: "Resources/\(fileName)", installed: fileName)
    }

    /// $DIGITS_MODEL when set (used as given, so a wrong path fails loudly), else the first candidate that exists.
    static func locate() throws -> URL {
        if let path = ProcessInfo.processInfo.environment[environment] {
            return URL(fileURLWithPath: path)
        }
        guard let found = candidates().first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ModelFileError("no model found: pass --model FILE, or set \(environment), or run from the repository (Resources/\(fileName))")
        }
        return found
    }
}

/// Files that ship with the program, in the repository or installed.
enum ShippedFiles {
    /// Where to look, in order: `inRepository` in the current directory or any ancestor of the executable (a build
    /// under .build/ sits inside the repository); `installed` in share/digits/ beside an installed binary.
    static func candidates(inRepository: String, installed: String) -> [URL] {
        var result = [URL(fileURLWithPath: inRepository)]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for exe in [selfExe, executable] {
            var dir = exe.deletingLastPathComponent()
            result.append(dir.appendingPathComponent("../share/digits/\(installed)").standardized)
            while dir.path != "/" {
                result.append(dir.appendingPathComponent(inRepository))
                dir = dir.deletingLastPathComponent()
            }
        }
        return result
    }
}

/// The validation split a model was trained beside, from the seed, fraction and limit its metadata records: the
/// images it never learned from, for calibrating it or choosing between models without the test set.
enum RecordedSplit {
    static func validationIndices(of metadata: [String: String], trainingCount: Int) throws -> [Int] {
        let split = TrainingSettings.recordedSplit(in: metadata)
        guard let seed = split["split_seed"].flatMap(UInt64.init),
              let fraction = split["validation_fraction"].flatMap(Float.init) else {
            throw Failure("the model does not record the validation split it was trained with")
        }
        let limit = split["limit"].flatMap(Int.init) ?? trainingCount
        return Trainer.split(count: min(limit, trainingCount), fraction: fraction, seed: seed).validation
    }
}
