// Inverted dropout's mask and product. SplitMix64 (Steele, Lea and Flood 2014) is counter-based: its k-th output
// is a mix of `state + k * gamma`, so every group of four elements computes its own random number and the loop
// vectorizes, with exactly the numbers a sequential generator would have drawn.
#include "CKernels.h"
#include "dispatch.h"
#include <stdint.h>

static const uint64_t gamma_step = 0x9E3779B97F4A7C15ull;

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

DIGITS_BODY uint64_t dropout(uint64_t state, uint32_t threshold, float keep, const float *restrict x, size_t count,
                             float *restrict mask, float *restrict y) {
    const size_t groups = (count + 3) / 4;
    for (size_t g = 0; g < groups; g++) {
        const uint64_t bits = mix(state + (g + 1) * gamma_step);
        for (size_t k = 0; k < 4; k++) {
            const size_t i = 4 * g + k;
            if (i >= count) break;
            const float m = ((bits >> (16 * k)) & 0xFFFF) < threshold ? 0.0f : keep;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
    return state + groups * gamma_step;
}

typedef uint64_t dropout_fn(uint64_t, uint32_t, float, const float *, size_t, float *, float *);

static uint64_t dropout_portable(uint64_t state, uint32_t threshold, float keep, const float *x, size_t count,
                                 float *mask, float *y) {
    return dropout(state, threshold, keep, x, count, mask, y);
}

DIGITS_TARGET_AVX2
static uint64_t dropout_avx2(uint64_t state, uint32_t threshold, float keep, const float *x, size_t count,
                             float *mask, float *y) {
    return dropout(state, threshold, keep, x, count, mask, y);
}

DIGITS_TARGET_AVX512
static uint64_t dropout_avx512(uint64_t state, uint32_t threshold, float keep, const float *x, size_t count,
                               float *mask, float *y) {
    return dropout(state, threshold, keep, x, count, mask, y);
}

static dropout_fn *const dropout_variants[digits_path_count] = {dropout_portable, dropout_avx2, dropout_avx512};

uint64_t digits_dropout(uint64_t state, uint32_t threshold, float keep, const float *x, size_t count, float *mask,
                        float *y) {
    return dropout_variants[digits_kernel_path()](state, threshold, keep, x, count, mask, y);
}
