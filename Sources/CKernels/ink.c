// The preprocessing passes' hot loops (InkLoops.swift and InkRegion's cell summaries), compiled with the vector
// clones. Contraction is off: a fused multiply-add would round differently from plain multiply and add, and a
// canvas must give the same 28x28 image on every CPU.
#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

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

DIGITS_VECTOR_CLONES
void digits_ink_cells(const float *restrict pixels, size_t width, size_t height, size_t cell, size_t grid_width,
                      size_t grid_height, float *restrict columns, float *restrict mass, float *restrict peak) {
    float *sums = columns, *peaks = columns + width;
    for (size_t band = 0; band < grid_height; band++) {
        for (size_t x = 0; x < 2 * width; x++) columns[x] = 0;
        const size_t last = band * cell + cell < height ? band * cell + cell : height;
        for (size_t y = band * cell; y < last; y++) {
            const float *row = pixels + y * width;
            for (size_t x = 0; x < width; x++) {
                const float v = row[x];
                sums[x] += v;
                peaks[x] = v > peaks[x] ? v : peaks[x];
            }
        }
        // Column k of every cell, then column k + 1: each cell still sums its columns left to right, but the
        // cells' additions are independent of each other, so they overlap instead of waiting on one long chain.
        float *total = mass + band * grid_width, *strongest = peak + band * grid_width;
        for (size_t cx = 0; cx < grid_width; cx++) total[cx] = strongest[cx] = 0;
        for (size_t k = 0; k < cell; k++) {
            for (size_t cx = 0; cx < grid_width; cx++) {
                const size_t x = cx * cell + k;
                if (x >= width) continue;  // a narrower last cell
                total[cx] += sums[x];
                strongest[cx] = peaks[x] > strongest[cx] ? peaks[x] : strongest[cx];
            }
        }
    }
}
