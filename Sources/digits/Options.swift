// Options and messages shared by several subcommands.

import ArgumentParser
import DigitCore
import Foundation

/// `--threads`: how many workers split each batch.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). The same seed and thread count give identical weights.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
    }

    func apply() { Parallel.configure(workers: threads) }
}

/// `--arch`: one of the architectures the core knows, by name.
struct ArchitectureName: ExpressibleByArgument, Sendable {
    let architecture: Architecture

    init(_ architecture: Architecture) { self.architecture = architecture }

    init?(argument: String) {
        guard let architecture = Architecture.named(argument) else { return nil }
        self.architecture = architecture
    }

    var defaultValueDescription: String { architecture.name }
    static var allValueStrings: [String] { Architecture.all.map(\.name) }
}

extension LearningRateSchedule: ExpressibleByArgument {}

/// `--augment on|off`.
enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable {
    case on, off
}

/// A one-line notice on stderr that does not stop the command, e.g. what the dataset repaired.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("digits: \(message)\n".utf8))
}

/// `--data-dir`: the folder of the person's samples and personal model.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Where your samples and personal model are (default: $XDG_DATA_HOME/digits, ~/.local/share/digits).")
    var dataDirectory: String?

    var url: URL { dataDirectory.map { URL(fileURLWithPath: $0) } ?? DataDirectory.standard() }
}

/// `--mnist`: the MNIST files learning replays so the network does not forget.
struct ReplayOptions: ParsableArguments {
    @Option(help: "Directory with the MNIST training (and test) files (default: Data/mnist, or the installed copy).")
    var mnist: String?

    /// --mnist, else Data/mnist in the repository, else share/digits/mnist beside an installed binary.
    func directory() throws -> URL {
        if let mnist { return URL(fileURLWithPath: mnist) }
        let candidates = ShippedFiles.candidates(inRepository: "Data/mnist", installed: "mnist")
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw Failure("no MNIST files to replay: pass --mnist DIR, or run scripts/fetch-mnist.sh")
        }
        return found
    }
}
