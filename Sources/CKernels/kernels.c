// CPU feature detection and the choice of the kernels' compiled path; see CKernels.h and dispatch.h.
#include "CKernels.h"
#include "dispatch.h"

// Why: OpenBLAS picks its kernels from the CPU model number. A model newer than the library (or one a hypervisor
// reports generically) falls back to the SSE3 "Prescott" kernels, at half the speed or less, although the CPU has
// AVX2/AVX-512. Feature bits, unlike model numbers, are reliable, so we choose from them.
const char *digits_blas_core_for_cpu(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
        return "SkylakeX";
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return "Haswell";
    }
#endif
    return NULL;
}

_Atomic int digits_path_chosen = 0;

/// The best path this CPU runs: the features each variant was compiled for must all be present.
static digits_path best_path_for_cpu(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return digits_path_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return digits_path_avx2;
#endif
    return digits_path_portable;
}

digits_path digits_choose_path(void) {
    int unchosen = 0;
    atomic_compare_exchange_strong(&digits_path_chosen, &unchosen, (int)best_path_for_cpu() + 1);
    return (digits_path)(atomic_load(&digits_path_chosen) - 1);
}

void digits_use_portable_kernels(int on) {
    atomic_store(&digits_path_chosen, (int)(on ? digits_path_portable : best_path_for_cpu()) + 1);
}

int digits_has_avx512(void) { return digits_kernel_path() == digits_path_avx512; }
