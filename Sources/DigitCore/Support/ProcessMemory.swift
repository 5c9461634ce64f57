// The process's memory, for the long-lived pad.

import CKernels

public enum ProcessMemory {
    /// Gives what malloc holds free back to the system. Call it after a large one-off job on a worker thread (the
    /// pad's learning loads MNIST and fine-tunes): glibc keeps that thread's freed buffers resident otherwise.
    public static func returnFreed() { digits_return_free_memory() }
}
