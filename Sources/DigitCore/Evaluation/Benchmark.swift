// Speed and memory of an architecture on synthetic input: training throughput, the pad's single-image latency,
// batch inference throughput and peak resident memory, all measured in one process.

import CBLAS
import Foundation

/// Figures from one benchmark run; JSON keys are the snake_case names.
public struct BenchmarkResult: Sendable, Codable {
    public var arch: String
    public var workers: Int
    public var train_img_per_s: Double
    public var latency_us: Double
    public var latency_p99_us: Double
    public var infer_img_per_s: Double
    public var peak_rss_mb: Double
    /// What OpenBLAS SGEMM itself reaches on all workers at once during this run (512x512x512 products), the
    /// bound the network's figures are best read against on a machine whose speed varies.
    public var sgemm_gflop_per_s: Double
    /// The kernels OpenBLAS loaded ("SkylakeX", "Haswell", ...): an `OPENBLAS_CORETYPE` already in the environment
    /// overrides the choice `digits` makes from the CPU, and halves SGEMM when it names AVX2 kernels on an AVX-512
    /// CPU, so a figure says which kernels it was measured with.
    public var blas_core: String
}

/// Runs the measurements. Synthetic images are enough: the cost of every layer does not depend on pixel values.
public enum Benchmark {
    public static let batchSize = 128
    /// The square drawing the latency path preprocesses: ten canvas pixels per network pixel. (The pad's canvas is
    /// larger; preprocessing cost grows with the inked area.)
    public static let canvasSide = 280

    public static func run(architecture: Architecture, trainBatches: Int = 40, warmupBatches: Int = 3,
                           latencyCalls: Int = 500, inferenceImages: Int = 20_000) -> BenchmarkResult {
        let network = Network(architecture: architecture)
        network.initialize(seed: 1)
        var rng = SplitMix64(seed: 7)
        let input = Tensor(shape: [batchSize, 1, MNIST.side, MNIST.side])
        for i in 0..<input.count { input.data[i] = rng.nextUnit() }
        let labels = (0..<batchSize).map { UInt8($0 % MNIST.classes) }

        // Training: forward, loss, backward and AdamW update on full batches.
        let optimizer = Adam(parameters: network.parameters)
        let loss = SoftmaxCrossEntropy()
        let probabilities = Tensor(shape: [0]), dLogits = Tensor(shape: [0])
        func step() {
            _ = network.learningStep(input, labels: labels, loss: loss, optimizer: optimizer,
                                     probabilities: probabilities, dLogits: dLogits)
        }
        for _ in 0..<warmupBatches { step() }
        let trainSeconds = time { for _ in 0..<trainBatches { step() } }
        let peak = peakResidentMegabytes()

        // Latency: a drawn canvas through the pad's path, preprocessing plus one forward pass.
        let canvas = syntheticDrawing(side: canvasSide)
        var latencies: [Double] = []
        for call in 0..<(latencyCalls + latencyCalls / 10) {
            let seconds = time {
                let image = DigitPreprocessor.mnistImage(from: canvas, width: canvasSide, height: canvasSide)!
                _ = network.probabilities(for: image)
            }
            if call >= latencyCalls / 10 { latencies.append(seconds * 1e6) }
        }
        latencies.sort()

        // Batch inference.
        let batches = max(1, inferenceImages / batchSize)
        _ = network.forward(input, mode: .inference)
        let inferSeconds = time { for _ in 0..<batches { _ = network.forward(input, mode: .inference) } }

        // Read before the SGEMM measurement, whose matrices are no part of the network's footprint.
        let finalPeak = max(peak, peakResidentMegabytes())
        let sgemm = sgemmThroughput()

        return BenchmarkResult(
            arch: architecture.name, workers: Parallel.workers,
            train_img_per_s: Double(trainBatches * batchSize) / trainSeconds,
            latency_us: latencies[latencies.count / 2],
            latency_p99_us: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            infer_img_per_s: Double(batches * batchSize) / inferSeconds,
            peak_rss_mb: finalPeak, sgemm_gflop_per_s: sgemm, blas_core: blasCoreName())
    }

    /// The name of the kernels OpenBLAS loaded.
    static func blasCoreName() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name).trimmingCharacters(in: .whitespaces)
    }

    /// GFLOP/s of every worker multiplying its own 512x512 matrices at once, best of five rounds.
    static func sgemmThroughput(side: Int = 512, products: Int = 4, rounds: Int = 5) -> Double {
        let workers = Parallel.workers, count = side * side
        let a = Tensor(shape: [workers, count]), b = Tensor(shape: [workers, count])
        let c = Tensor(shape: [workers, count])
        var rng = SplitMix64(seed: 3)
        for i in 0..<a.count { a.data[i] = rng.nextUnit(); b.data[i] = rng.nextUnit() }
        let (pa, pb, pc) = (a.data, b.data, c.data)
        var best = Double.infinity
        for _ in 0..<rounds {
            best = min(best, time {
                Parallel.forSlices(workers) { range, _ in
                    for w in range {
                        for _ in 0..<products {
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(side), Int32(side),
                                        Int32(side), 1, pa + w * count, Int32(side), pb + w * count, Int32(side),
                                        0, pc + w * count, Int32(side))
                        }
                    }
                }
            })
        }
        return Double(2 * side * side * side * products * workers) / best / 1e9
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// A ring of ink, as a person draws a 0, on a black canvas.
    static func syntheticDrawing(side: Int) -> [Float] {
        var canvas = InkCanvas(width: side, height: side)
        let c = Float(side) / 2, steps = 48
        let points = (0...steps).map { i -> InkPoint in
            let t = Float(i) / Float(steps) * 2 * .pi
            return InkPoint(x: c + 0.25 * Float(side) * sinf(t), y: c + 0.35 * Float(side) * cosf(t))
        }
        canvas.draw(Stroke(points: points, radius: Float(side) / 28))
        return canvas.pixels
    }

    /// The process's peak resident set (VmHWM) in MiB, from /proc; 0 where unavailable.
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
