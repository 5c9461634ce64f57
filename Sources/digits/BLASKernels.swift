// How OpenBLAS loads: which kernels, and whether it starts threads of its own. OpenBLAS reads both from the
// environment once, at load time, so the executable (never the library) sets them and starts itself again.

import CKernels
import Foundation

enum BLASKernels {
    static let coreVariable = "OPENBLAS_CORETYPE"
    static let threadsVariable = "OPENBLAS_NUM_THREADS"

    /// Sets what the environment does not already say, and re-executes the program so the library loads with it:
    /// `OPENBLAS_CORETYPE` when the CPU's feature bits name better kernels than OpenBLAS would guess (it falls back
    /// to SSE3 kernels on CPU models newer than itself), and `OPENBLAS_NUM_THREADS=1`. The library's `Parallel`
    /// already keeps OpenBLAS to one thread while it runs, which is what any program using the library gets; but
    /// an OpenBLAS that loaded with threads keeps its thread pool, and training then ran 3.5% slower on two
    /// workers (`digits bench`, 11 alternating runs each). Returns only when nothing needs setting (or the restart
    /// failed).
    static func selectForThisCPU() {
        let environment = ProcessInfo.processInfo.environment
        var changed = false
        if environment[coreVariable] == nil, let core = digits_blas_core_for_cpu() {
            setenv(coreVariable, core, 1)
            changed = true
        }
        if environment[threadsVariable] == nil {
            setenv(threadsVariable, "1", 1)
            changed = true
        }
        guard changed else { return }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with OpenBLAS's own choices.
    }
}
