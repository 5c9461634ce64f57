// The benchmark's figures: every one measured, and the kernels named.

import XCTest
@testable import DigitCore

final class BenchmarkTests: XCTestCase {
    func testAShortRunMeasuresEveryFigureAndNamesTheKernels() {
        let result = Benchmark.run(architecture: .convnet, trainBatches: 1, warmupBatches: 0, latencyCalls: 10,
                                   inferenceImages: Benchmark.batchSize)
        XCTAssertEqual(result.arch, "convnet")
        XCTAssertEqual(result.workers, Parallel.workers)
        for (name, value) in [("training", result.train_img_per_s), ("inference", result.infer_img_per_s),
                              ("latency", result.latency_us), ("memory", result.peak_rss_mb),
                              ("SGEMM", result.sgemm_gflop_per_s)] {
            XCTAssertTrue(value.isFinite && value > 0, "\(name): \(value)")
        }
        XCTAssertGreaterThanOrEqual(result.latency_p99_us, result.latency_us)
        XCTAssertFalse(result.blas_core.isEmpty)
        XCTAssertEqual(result.blas_core, result.blas_core.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
