// Internal to the kernels' C files: which compiled path the kernels run.
//
// Hot loops are compiled three times, for AVX-512, for AVX2 with FMA and for baseline x86-64, and each public
// kernel calls the variant for the path chosen once at run time from the CPU's feature bits. One binary is fast
// here and still runs on CPUs without AVX2.
//
// Why not `target_clones`: its ifunc resolvers run while the dynamic loader relocates the program, before a
// sanitizer's runtime is up, and ThreadSanitizer's interceptors then crash there. An ordinary first call has no
// such constraint.
#pragma once
#include <stdatomic.h>

/// The compiled paths, in the order of each kernel's table of variants.
typedef enum { digits_path_portable, digits_path_avx2, digits_path_avx512, digits_path_count } digits_path;

#if defined(__x86_64__)
#define DIGITS_TARGET_AVX512 __attribute__((target("avx512f")))
#define DIGITS_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define DIGITS_TARGET_AVX512
#define DIGITS_TARGET_AVX2
#endif

/// A loop body shared by a kernel's variants: inlined into each, so each compiles it for its own target.
#define DIGITS_BODY static inline __attribute__((always_inline))

/// The chosen path plus one; 0 until the first kernel call (or `digits_use_portable_kernels`) chooses it.
extern _Atomic int digits_path_chosen;

/// Chooses the path from the CPU's feature bits; safe to race, every caller chooses the same.
digits_path digits_choose_path(void);

/// The path the kernels run: one relaxed load after the first call.
static inline digits_path digits_kernel_path(void) {
    const int chosen = atomic_load_explicit(&digits_path_chosen, memory_order_relaxed);
    return chosen ? (digits_path)(chosen - 1) : digits_choose_path();
}
