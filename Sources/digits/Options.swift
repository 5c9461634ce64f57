// Options and messages shared by several subcommands.

import ArgumentParser
import DigitCore

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
