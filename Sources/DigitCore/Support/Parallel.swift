// One threading model: Dispatch workers each take a fixed slice of the batch; BLAS itself runs single-threaded.

import CBLAS
import Foundation
import Synchronization

@_silgen_name("openblas_set_num_threads")
private func openblas_set_num_threads(_ n: Int32)

/// How many workers split a batch. Fixed slices per worker make every reduction happen in the same order, so the
/// same seed and worker count give bit-identical weights.
public enum Parallel {
    private static let workerCount = Atomic(max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// OpenBLAS runs single-threaded inside our workers, so its own threads never compete with them. This is the
    /// one place the library sets OpenBLAS's threading; it happens once, before the first use of any worker. (The
    /// `digits` executable also has OpenBLAS load without its thread pool, which only the environment at load
    /// time can do; the library leaves its host's environment alone.)
    private static let blasIsSingleThreaded: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Worker count; set once at start-up (`--threads`). Defaults to the machine's active cores.
    public static var workers: Int {
        _ = blasIsSingleThreaded
        return workerCount.load(ordering: .relaxed)
    }

    /// Sets the worker count (nil keeps the machine's active cores).
    public static func configure(workers requested: Int?) {
        _ = blasIsSingleThreaded
        if let requested { workerCount.store(max(1, requested), ordering: .relaxed) }
    }

    /// Elementwise work below this many floats per worker costs less than waking a worker (a few microseconds), so
    /// a single image's layers run on the calling thread.
    public static let elementsPerWorker = 16_384

    /// Splits `0..<count` into at most `workers` contiguous slices of at least `minimumSlice` items and runs
    /// `body(slice, worker)` concurrently. Slices depend only on `count`, `minimumSlice` and `workers`. Returns how
    /// many slices ran.
    @discardableResult
    public static func forSlices(_ count: Int, minimumSlice: Int = 1, _ body: (Range<Int>, Int) -> Void) -> Int {
        let n = min(workers, count / max(1, minimumSlice), count)
        if n <= 1 {
            guard count > 0 else { return 0 }
            body(0..<count, 0)
            return 1
        }
        withoutActuallyEscaping(body) { body in
            let work = DisjointSliceWork(body: body)
            DispatchQueue.concurrentPerform(iterations: n) { w in
                let lo = count * w / n, hi = count * (w + 1) / n
                work.body(lo..<hi, w)
            }
        }
        return n
    }
}

/// The one place where the package waives Swift's concurrency checking, and why it is safe to.
///
/// The kernels hand raw buffers (activations, per-worker scratch, gradient partials) to the workers of
/// `Parallel.forSlices`, which the compiler cannot prove race-free. The promise that makes it so: worker `w` gets
/// the slice `count * w / n ..< count * (w + 1) / n` of the index space, slices never overlap, and each body writes
/// only the elements of its own slice (or its own worker's scratch, indexed by `w`) and reads what no worker
/// writes. `concurrentPerform` returns only after every worker has finished, so nothing outlives the call.
private struct DisjointSliceWork: @unchecked Sendable {
    let body: (Range<Int>, Int) -> Void
}

/// Per-worker scratch for parameter gradients: each worker accumulates its slice of the batch into its own
/// buffer, then `reduce` adds them in worker order, keeping results deterministic.
final class GradientPartials {
    private var storage: [Tensor] = []

    /// Makes one zeroed buffer of `count` floats per worker; call before the parallel region (growing the list
    /// from inside it would race).
    func prepare(count: Int) {
        while storage.count < Parallel.workers { storage.append(Tensor(shape: [count])) }
        for t in storage {
            if t.count != count { t.reshape([count]) }
            t.fill(0)
        }
    }

    func buffer(_ worker: Int) -> UnsafeMutablePointer<Float> { storage[worker].data }

    /// Adds the first `workers` partial buffers into `target` in worker order.
    func reduce(into target: Tensor, workers: Int) {
        for w in 0..<workers {
            let src = storage[w].data
            for i in 0..<target.count { target.data[i] += src[i] }
        }
    }
}
