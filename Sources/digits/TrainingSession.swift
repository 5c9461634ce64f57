// Runs a Trainer for the command line: progress display, Ctrl-C handling, checkpoints, the final test score.

import ArgumentParser
import DigitCore
import Foundation

/// Set from the SIGINT handler; read between batches.
nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

struct TrainingSession {
    let settings: TrainingSettings
    let training: LabeledImages
    let directory: URL
    let output: URL
    let resume: Bool

    func run() throws {
        let checkpointURL = Checkpoint.url(for: output)
        let network: Network
        var restored: (file: SafeTensorsFile, position: TrainingPosition, history: [EpochReport])?
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointURL.path) else {
                throw TrainingError("no checkpoint to resume at \(checkpointURL.path)")
            }
            let loaded = try Checkpoint.load(from: checkpointURL)
            guard loaded.network.architecture == settings.architecture else {
                throw TrainingError("the checkpoint is a \(loaded.network.architecture.name), not a \(settings.architecture.name)")
            }
            network = loaded.network
            restored = (loaded.file, loaded.position, loaded.history)
        } else {
            network = Network(architecture: settings.architecture)
            network.initialize(seed: settings.seed)
        }
        let trainer = try Trainer(network: network, settings: settings, data: training)
        if let restored {
            try Checkpoint.restoreOptimizer(of: trainer, from: restored.file, name: checkpointURL.lastPathComponent)
            trainer.resume(from: restored.position, history: restored.history)
            print("resuming at epoch \(restored.position.epoch + 1), batch \(restored.position.batch + 1)")
        }
        print("\(settings.architecture.name): \(network.parameterCount) parameters; \(trainer.trainingCount) training and \(trainer.validationCount) validation images; \(Parallel.workers) workers")

        var metadata = settings.description.reduce(into: [String: String]()) { $0["training." + $1.key] = $1.value }
        metadata[ModelFile.Key.command] = CommandLine.arguments.dropFirst().joined(separator: " ")
        let bar = ProgressDisplay(epochs: settings.epochs, batchSize: settings.batchSize)
        signal(SIGINT) { _ in interruptRequested = 1 }
        let start = Date()
        let outcome = try trainer.run(
            progress: bar.update,
            epochEnded: { bar.finish($0) },
            shouldStop: { interruptRequested != 0 },
            checkpoint: { try Checkpoint.save(trainer, metadata: metadata, to: checkpointURL) })
        signal(SIGINT, SIG_DFL)
        if outcome == .interrupted {
            bar.clear()
            print("interrupted: checkpoint saved to \(checkpointURL.path); continue with --resume")
            throw ExitCode(130)
        }

        let seconds = Date().timeIntervalSince(start) + (restored.map { _ in trainer.history.reduce(0) { $0 + $1.seconds } } ?? 0)
        metadata[ModelFile.Key.trainingSeconds] = String(format: "%.0f", seconds)
        if let last = trainer.history.last {
            metadata[ModelFile.Key.validationAccuracy] = String(format: "%.4f", last.validationAccuracy)
        }
        if let test = try? LabeledImages.load(.test, from: directory) {
            let evaluation = Evaluation.run(network, on: test)
            metadata[ModelFile.Key.testAccuracy] = String(format: "%.4f", evaluation.accuracy)
            print(String(format: "test accuracy %.2f%% (%d of %d)", evaluation.accuracy * 100, evaluation.correct, evaluation.count))
        }
        try ModelFile.save(network, metadata: metadata, to: output)
        try? FileManager.default.removeItem(at: checkpointURL)
        print(String(format: "saved %@ (trained in %.0f s)", output.path, seconds))
    }
}

/// A one-line progress bar on a terminal; plain epoch lines otherwise (logs, CI).
final class ProgressDisplay {
    let epochs: Int
    let batchSize: Int
    let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast

    init(epochs: Int, batchSize: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
    }

    func update(_ p: BatchProgress) {
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 || p.batch == p.batches else { return }
        lastDraw = Date()
        let width = 24, filled = width * p.batch / p.batches
        let remaining = Double((p.batches - p.batch) * batchSize) / max(p.imagesPerSecond, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\repoch %d/%d [%@] %3d%%  %5.0f img/s  ETA %@  loss %.4f  acc %.2f%%",
                          p.epoch + 1, epochs, bar, 100 * p.batch / p.batches, p.imagesPerSecond,
                          clock(remaining), p.loss, p.accuracy * 100)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish(_ r: EpochReport) {
        clear()
        print(String(format: "epoch %d/%d  loss %.4f  acc %.2f%%  val_loss %.4f  val_acc %.2f%%  %.0f s  %.0f img/s",
                     r.epoch, epochs, r.trainLoss, r.trainAccuracy * 100, r.validationLoss,
                     r.validationAccuracy * 100, r.seconds, r.imagesPerSecond))
        fflush(stdout)
    }

    func clear() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
