// The process's memory, for the long-lived pad.

import CKernels

public enum ProcessMemory {
    /// Gives what malloc holds free back to the system. The pad calls it after a large one-off job: a learning
    /// run (whose freed buffers glibc keeps in its worker thread's arena), or a cleared canvas (whose readings'
    /// large blocks glibc keeps in its heap once its mmap threshold has risen).
    public static func returnFreed() { digits_return_free_memory() }
}
