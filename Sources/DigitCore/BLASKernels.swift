// Makes OpenBLAS use the kernels this CPU supports, which it reads from the environment once, at load time.

import CKernels
import Foundation

public enum BLASKernels {
    static let variable = "OPENBLAS_CORETYPE"

    /// When OpenBLAS would guess its kernels and the CPU's feature bits name better ones, sets
    /// `OPENBLAS_CORETYPE` and re-executes the program so the library loads with them. Returns only when no
    /// restart is needed (already set by the user or by us, or nothing better to choose).
    public static func selectForThisCPU() {
        guard ProcessInfo.processInfo.environment[variable] == nil,
              let core = digits_blas_core_for_cpu() else { return }
        setenv(variable, core, 1)
        let arguments = CommandLine.unsafeArgv
        execv("/proc/self/exe", arguments)
        // execv returns only on failure: carry on with OpenBLAS's own choice.
    }
}
