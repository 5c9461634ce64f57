// Makes OpenBLAS use the kernels this CPU supports and no threads of its own. It reads both from the environment
// once, at load time.

import CKernels
import Foundation

public enum BLASKernels {
    static let coreVariable = "OPENBLAS_CORETYPE"
    static let threadsVariable = "OPENBLAS_NUM_THREADS"

    /// Sets what the environment does not already say, and re-executes the program so the library loads with it:
    /// `OPENBLAS_CORETYPE` when the CPU's feature bits name better kernels than OpenBLAS would guess, and
    /// `OPENBLAS_NUM_THREADS=1`, because the workers in `Parallel` do the threading and an OpenBLAS server thread
    /// would only spin beside them. Returns only when nothing needs setting (or the restart failed).
    public static func selectForThisCPU() {
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
