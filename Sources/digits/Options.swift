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

func unknownArchitecture(_ name: String) -> String {
    "unknown architecture '\(name)'; choose one of: \(Architecture.all.map(\.name).joined(separator: ", "))"
}
