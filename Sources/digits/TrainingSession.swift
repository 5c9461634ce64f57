// Runs a training run for the command line: the progress display and Ctrl-C handling.

import ArgumentParser
import DigitCore
import Foundation
import Synchronization

/// Set from the SIGINT handler, read between batches. A lock-free atomic store is safe in a signal handler.
private let interruptRequested = Atomic<Int>(0)

/// Runs a `TrainingRun` for the command line: the progress display, Ctrl-C, and what it prints.
struct TrainingSession {
    let run: TrainingRun

    func start() throws {
        let trainer = run.trainer
        if let position = run.resumedAt {
            print("resuming at epoch \(position.epoch + 1), batch \(position.batch + 1)")
        }
        print("\(run.settings.architecture.name): \(trainer.network.parameterCount) parameters; \(trainer.trainingCount) training and \(trainer.validationCount) validation images; \(Parallel.workers) workers")
        let bar = ProgressDisplay(epochs: run.settings.recipe.epochs, batchSize: run.settings.recipe.batchSize)
        _ = interruptRequested.load(ordering: .relaxed)  // initialized before the handler can run
        signal(SIGINT) { _ in interruptRequested.store(1, ordering: .relaxed) }
        let result = try run.run(progress: bar.update, epochEnded: { bar.finish($0) },
                                 shouldStop: { interruptRequested.load(ordering: .relaxed) != 0 })
        signal(SIGINT, SIG_DFL)
        guard let result else {
            bar.clear()
            print("interrupted: checkpoint saved to \(run.checkpointURL.path); continue with --resume")
            throw ExitCode(130)
        }
        print(String(format: "temperature %.3f (fitted on the validation split)", result.temperature))
        if let test = result.test {
            print(String(format: "test accuracy %.2f%% (%d of %d)", test.accuracy * 100, test.correct, test.count))
        }
        print(String(format: "saved %@ (trained in %.0f s)", run.output.path, result.seconds))
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
        fflush(nil)
    }

    func clear() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
