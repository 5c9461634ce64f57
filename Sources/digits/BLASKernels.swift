// Makes OpenBLAS use the kernels this CPU supports. OpenBLAS reads its kernel choice from the environment once, at
// load time, so the executable (never the library) sets it and starts itself again.

import CKernels
import Foundation

enum BLASKernels {
    static let coreVariable = "OPENBLAS_CORETYPE"

    /// Sets `OPENBLAS_CORETYPE` when the CPU's feature bits name better kernels than OpenBLAS would guess (it falls
    /// back to SSE3 kernels on CPU models newer than itself), and re-executes the program so the library loads with
    /// it. Returns only when nothing needs setting (or the restart failed).
    static func selectForThisCPU() {
        guard ProcessInfo.processInfo.environment[coreVariable] == nil, let core = digits_blas_core_for_cpu() else {
            return
        }
        setenv(coreVariable, core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with OpenBLAS's own choice.
    }
}
