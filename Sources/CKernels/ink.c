// Row loops of the preprocessing passes (see InkLoops.swift), compiled with the vector clones. Contraction is off:
// a fused multiply-add would round differently from the plain Swift loops these replace, and a canvas must give the
// same 28x28 image on every CPU.
#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

DIGITS_VECTOR_CLONES
void digits_ink_sum_and_peak(const float *restrict row, float *restrict sums, float *restrict peaks, size_t count) {
    for (size_t x = 0; x < count; x++) {
        const float v = row[x];
        sums[x] += v;
        peaks[x] = v > peaks[x] ? v : peaks[x];
    }
}

DIGITS_VECTOR_CLONES
void digits_ink_moments(const float *restrict row, float position, float *restrict mass, float *restrict moment,
                        size_t count) {
    for (size_t x = 0; x < count; x++) {
        const float v = row[x];
        mass[x] += v;
        moment[x] += position * v;
    }
}

DIGITS_VECTOR_CLONES
void digits_ink_add_scaled(const float *restrict row, float weight, float *restrict y, size_t count) {
    for (size_t x = 0; x < count; x++) y[x] += weight * row[x];
}
