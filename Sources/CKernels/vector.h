// Internal to the kernels' C files.
#pragma once

// Hot loops are compiled for AVX-512, AVX2+FMA and baseline x86-64; the loader picks the best the CPU has, so one
// binary is fast here and still runs on CPUs without AVX2.
#if defined(__x86_64__) && defined(__linux__)
#define DIGITS_VECTOR_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define DIGITS_VECTOR_CLONES
#endif
