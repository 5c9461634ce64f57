// Finding and loading the model: --model when given, otherwise the one that ships in Resources/.

import ArgumentParser
import DigitCore
import Foundation

/// `--model FILE`, defaulting to the shipped model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model file (default: the shipped Resources/\(ShippedModel.fileName)).")
    var model: String?

    /// Loads the chosen model; errors are one line.
    func load() throws -> (network: Network, metadata: [String: String], url: URL) {
        let url = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModel.locate()
        let (network, metadata) = try ModelFile.load(from: url)
        return (network, metadata, url)
    }
}

enum ShippedModel {
    static let fileName = "digits.safetensors"
    static let environment = "DIGITS_MODEL"

    /// Where to look when $DIGITS_MODEL is not set, in order: Resources/ in the current directory or any ancestor
    /// of the executable (a build under .build/ sits inside the repository); share/digits/ beside an installed
    /// binary.
    static func candidates() -> [URL] {
        var result = [URL(fileURLWithPath: "Resources/\(fileName)")]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for exe in [selfExe, executable] {
            var dir = exe.deletingLastPathComponent()
            result.append(dir.appendingPathComponent("../share/digits/\(fileName)").standardized)
            while dir.path != "/" {
                result.append(dir.appendingPathComponent("Resources/\(fileName)"))
                dir = dir.deletingLastPathComponent()
            }
        }
        return result
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
