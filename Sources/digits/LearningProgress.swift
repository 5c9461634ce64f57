// Learning on the command line: a progress line on a terminal, and Ctrl-C to stop.

import DigitCore
import Foundation

/// Set from the SIGINT handler; read between steps.
nonisolated(unsafe) private var learningInterrupted: sig_atomic_t = 0

/// Shows a fine-tuning run's progress on stderr (when it is a terminal) and turns Ctrl-C into a stop request.
final class LearningProgress {
    let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast

    /// Runs `body` with a progress callback and a stop check to hand to the learning code.
    func whileRunning<T>(_ body: (_ progress: (FineTuningProgress) -> Void, _ shouldStop: () -> Bool) throws -> T)
        rethrows -> T {
        learningInterrupted = 0
        signal(SIGINT) { _ in learningInterrupted = 1 }
        defer {
            signal(SIGINT, SIG_DFL)
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
        return try body(update, { learningInterrupted != 0 })
    }

    private func update(_ p: FineTuningProgress) {
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 || p.step == p.steps else { return }
        lastDraw = Date()
        let width = 24, filled = Int(Double(width) * p.fraction)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\rlearning [%@] %3d%%  step %d/%d  loss %.4f", bar, Int(p.fraction * 100),
                          p.step, p.steps, p.loss)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
