// `digits bench`: training and inference speed and peak memory, on synthetic input.

import ArgumentParser
import CKernels
import DigitCore
import Foundation

extension Digits {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure training throughput, single-image latency, batch inference and peak memory.",
            discussion: """
            Uses synthetic images, so no dataset is needed. Latency follows the pad's own path: \
            preprocessing a 280x280 drawing, then one forward pass (median and p99 over 500 calls).

            Examples:
              digits bench
              digits bench --arch bnnet --json
            """)

        @Option(help: "Architecture to measure.")
        var arch = ArchitectureName(.convnet)

        @Option(help: "Training batches to time after warm-up.")
        var batches = 40

        @Flag(help: "Print one JSON object instead of a table.")
        var json = false

        @OptionGroup var threads: ThreadOptions

        func validate() throws {
            guard batches > 0 else { throw ValidationError("--batches must be positive") }
        }

        /// Says when the environment chose other kernels than this CPU's best, since `digits` then leaves them alone.
        static func kernelsNote(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
            let forced = environment[BLASKernels.coreVariable]
            guard let forced, let own = digits_blas_core_for_cpu().map({ String(cString: $0) }), forced != own else {
                return ""
            }
            return " (\(BLASKernels.coreVariable)=\(forced) in the environment; this CPU would run \(own))"
        }

        func run() throws {
            threads.apply()
            let result = Benchmark.run(architecture: arch.architecture, trainBatches: batches)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
                return
            }
            print("architecture      \(result.arch) (\(result.workers) workers)")
            print("training          \(Int(result.train_img_per_s)) images/s (batch \(Benchmark.batchSize))")
            print(String(format: "latency           %.0f us median, %.0f us p99 (preprocess + forward)",
                         result.latency_us, result.latency_p99_us))
            print("batch inference   \(Int(result.infer_img_per_s)) images/s")
            print(String(format: "peak memory       %.0f MB resident", result.peak_rss_mb))
            print(String(format: "SGEMM             %.0f GFLOP/s on %d workers (OpenBLAS alone, this run)",
                         result.sgemm_gflop_per_s, result.workers))
            print("BLAS kernels      \(result.blas_core)\(Self.kernelsNote())")
        }
    }
}
