// CPU feature detection; see CKernels.h.
#include "CKernels.h"

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

int digits_portable_only = 0;

void digits_use_portable_kernels(int on) { digits_portable_only = on; }

int digits_has_avx512(void) {
#if defined(__x86_64__)
    return !digits_portable_only && __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}
