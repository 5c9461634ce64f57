// The preprocessing passes' hot loops (InkLoops.swift and InkRegion's cell summaries), compiled for each of the
// kernels' paths (dispatch.h). Contraction is off: a fused multiply-add would round differently from plain
// multiply and add, and a canvas must give the same 28x28 image on every CPU.
#include "CKernels.h"
#include "dispatch.h"

#pragma STDC FP_CONTRACT OFF

DIGITS_BODY void ink_moments(const float *restrict row, float position, float *restrict mass,
                             float *restrict moment, size_t count) {
    for (size_t x = 0; x < count; x++) {
        const float v = row[x];
        mass[x] += v;
        moment[x] += position * v;
    }
}

DIGITS_BODY void ink_add_scaled(const float *restrict row, float weight, float *restrict y, size_t count) {
    for (size_t x = 0; x < count; x++) y[x] += weight * row[x];
}

typedef void ink_moments_fn(const float *, float, float *, float *, size_t);
static void ink_moments_portable(const float *row, float position, float *mass, float *moment, size_t count) {
    ink_moments(row, position, mass, moment, count);
}
DIGITS_TARGET_AVX2
static void ink_moments_avx2(const float *row, float position, float *mass, float *moment, size_t count) {
    ink_moments(row, position, mass, moment, count);
}
DIGITS_TARGET_AVX512
static void ink_moments_avx512(const float *row, float position, float *mass, float *moment, size_t count) {
    ink_moments(row, position, mass, moment, count);
}
static ink_moments_fn *const ink_moments_variants[digits_path_count] = {
    ink_moments_portable, ink_moments_avx2, ink_moments_avx512};

void digits_ink_moments(const float *row, float position, float *mass, float *moment, size_t count) {
    ink_moments_variants[digits_kernel_path()](row, position, mass, moment, count);
}

typedef void ink_add_scaled_fn(const float *, float, float *, size_t);
static void ink_add_scaled_portable(const float *row, float weight, float *y, size_t count) {
    ink_add_scaled(row, weight, y, count);
}
DIGITS_TARGET_AVX2 static void ink_add_scaled_avx2(const float *row, float weight, float *y, size_t count) {
    ink_add_scaled(row, weight, y, count);
}
DIGITS_TARGET_AVX512 static void ink_add_scaled_avx512(const float *row, float weight, float *y, size_t count) {
    ink_add_scaled(row, weight, y, count);
}
static ink_add_scaled_fn *const ink_add_scaled_variants[digits_path_count] = {
    ink_add_scaled_portable, ink_add_scaled_avx2, ink_add_scaled_avx512};

void digits_ink_add_scaled(const float *row, float weight, float *y, size_t count) {
    ink_add_scaled_variants[digits_kernel_path()](row, weight, y, count);
}

#if defined(__x86_64__)
#include <immintrin.h>
#define DIGITS_INK_AVX512 1

/// Column sums and maxima over rows `first..<last`, sixteen columns at a time, summing the rows in order in
/// registers (the compiler's version stored and reloaded the sums for every row).
__attribute__((target("avx512f")))
static void accumulate_band_avx512(const float *pixels, size_t width, size_t first, size_t last, float *sums,
                                   float *peaks) {
    for (size_t x = 0; x < width; x += 16) {
        const __mmask16 lanes = (__mmask16)(width - x >= 16 ? 0xFFFF : (1u << (width - x)) - 1);
        __m512 sum = _mm512_setzero_ps(), best = _mm512_setzero_ps();
        for (size_t y = first; y < last; y++) {
            const __m512 v = _mm512_maskz_loadu_ps(lanes, pixels + y * width + x);
            sum = _mm512_add_ps(sum, v);
            best = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, best, _CMP_GT_OQ), best, v);
        }
        _mm512_mask_storeu_ps(sums + x, lanes, sum);
        _mm512_mask_storeu_ps(peaks + x, lanes, best);
    }
}

/// Sixteen cells at a time with gathers: the compiler leaves this strided reduction scalar.
__attribute__((target("avx512f")))
static void reduce_cells_avx512(const float *sums, const float *peaks, size_t cell, size_t whole, float *total,
                                float *strongest) {
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (size_t first = 0; first < whole; first += 16) {
        const size_t n = whole - first < 16 ? whole - first : 16;
        const __mmask16 lanes = (__mmask16)(n == 16 ? 0xFFFF : (1u << n) - 1);
        const __m512i start = _mm512_mullo_epi32(_mm512_add_epi32(lane, _mm512_set1_epi32((int)first)),
                                                 _mm512_set1_epi32((int)cell));
        __m512 sum = _mm512_setzero_ps(), best = _mm512_setzero_ps();
        for (size_t k = 0; k < cell; k++) {
            const __m512i at = _mm512_add_epi32(start, _mm512_set1_epi32((int)k));
            sum = _mm512_add_ps(sum, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, at, sums, 4));
            const __m512 p = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, at, peaks, 4);
            best = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(p, best, _CMP_GT_OQ), best, p);
        }
        _mm512_mask_storeu_ps(total + first, lanes, sum);
        _mm512_mask_storeu_ps(strongest + first, lanes, best);
    }
}
#endif

/// Column sums and maxima over rows `first..<last`, the rows added in order.
DIGITS_BODY void accumulate_band(const float *restrict pixels, size_t width, size_t first, size_t last,
                                 float *restrict sums, float *restrict peaks) {
    for (size_t x = 0; x < width; x++) sums[x] = peaks[x] = 0;
    for (size_t y = first; y < last; y++) {
        const float *row = pixels + y * width;
        for (size_t x = 0; x < width; x++) {
            const float v = row[x];
            sums[x] += v;
            peaks[x] = v > peaks[x] ? v : peaks[x];
        }
    }
}

/// Each of the first `whole` cells' total and peak over its `cell` columns, the columns added left to right. Column
/// k of every cell, then column k + 1: the cells' additions are independent, so they overlap instead of waiting on
/// one long chain.
DIGITS_BODY void reduce_cells(const float *restrict sums, const float *restrict peaks, size_t cell, size_t whole,
                              float *restrict total, float *restrict strongest) {
    for (size_t cx = 0; cx < whole; cx++) total[cx] = strongest[cx] = 0;
    for (size_t k = 0; k < cell; k++) {
        for (size_t cx = 0; cx < whole; cx++) {
            total[cx] += sums[cx * cell + k];
            strongest[cx] = peaks[cx * cell + k] > strongest[cx] ? peaks[cx * cell + k] : strongest[cx];
        }
    }
}

/// One band of rows: column sums and maxima over rows `first..<last` into `sums` and `peaks`, then the first
/// `whole` cells' totals and peaks.
typedef void band_fn(const float *pixels, size_t width, size_t first, size_t last, size_t cell, size_t whole,
                     float *sums, float *peaks, float *total, float *strongest);

static void band_portable(const float *pixels, size_t width, size_t first, size_t last, size_t cell, size_t whole,
                          float *sums, float *peaks, float *total, float *strongest) {
    accumulate_band(pixels, width, first, last, sums, peaks);
    reduce_cells(sums, peaks, cell, whole, total, strongest);
}

DIGITS_TARGET_AVX2
static void band_avx2(const float *pixels, size_t width, size_t first, size_t last, size_t cell, size_t whole,
                      float *sums, float *peaks, float *total, float *strongest) {
    accumulate_band(pixels, width, first, last, sums, peaks);
    reduce_cells(sums, peaks, cell, whole, total, strongest);
}

#if DIGITS_INK_AVX512
static void band_avx512(const float *pixels, size_t width, size_t first, size_t last, size_t cell, size_t whole,
                        float *sums, float *peaks, float *total, float *strongest) {
    accumulate_band_avx512(pixels, width, first, last, sums, peaks);
    reduce_cells_avx512(sums, peaks, cell, whole, total, strongest);
}
static band_fn *const band_variants[digits_path_count] = {band_portable, band_avx2, band_avx512};
#else
static band_fn *const band_variants[digits_path_count] = {band_portable, band_avx2, band_avx2};
#endif

void digits_ink_cells(const float *pixels, size_t width, size_t height, size_t cell, size_t grid_width,
                      size_t grid_height, float *columns, float *mass, float *peak) {
    band_fn *const summarize = band_variants[digits_kernel_path()];
    float *sums = columns, *peaks = columns + width;
    const size_t whole = width / cell;  // cells that are `cell` columns wide; the last may be narrower
    for (size_t band = 0; band < grid_height; band++) {
        const size_t first = band * cell, last = first + cell < height ? first + cell : height;
        float *total = mass + band * grid_width, *strongest = peak + band * grid_width;
        summarize(pixels, width, first, last, cell, whole, sums, peaks, total, strongest);
        for (size_t cx = whole; cx < grid_width; cx++) {
            total[cx] = strongest[cx] = 0;
            for (size_t x = cx * cell; x < width; x++) {
                total[cx] += sums[x];
                strongest[cx] = peaks[x] > strongest[cx] ? peaks[x] : strongest[cx];
            }
        }
    }
}

size_t digits_ink_blobs(const bool *strong, const float *mass, size_t grid_width, size_t grid_height, int32_t *label,
                        int32_t *stack, float *blob_mass) {
    const size_t count = grid_width * grid_height;
    for (size_t i = 0; i < count; i++) label[i] = -1;
    size_t blobs = 0;
    for (size_t seed = 0; seed < count; seed++) {
        if (!strong[seed] || label[seed] >= 0) continue;
        const int32_t id = (int32_t)blobs;
        float total = 0;
        size_t top = 0;
        label[seed] = id;
        stack[top++] = (int32_t)seed;
        while (top > 0) {
            const size_t index = (size_t)stack[--top];
            total += mass[index];
            const size_t cx = index % grid_width, cy = index / grid_width;
            const size_t y0 = cy > 0 ? cy - 1 : 0, y1 = cy + 1 < grid_height ? cy + 1 : cy;
            const size_t x0 = cx > 0 ? cx - 1 : 0, x1 = cx + 1 < grid_width ? cx + 1 : cx;
            for (size_t ny = y0; ny <= y1; ny++) {
                for (size_t nx = x0; nx <= x1; nx++) {
                    const size_t n = ny * grid_width + nx;
                    if (strong[n] && label[n] < 0) {
                        label[n] = id;
                        stack[top++] = (int32_t)n;
                    }
                }
            }
        }
        blob_mass[blobs++] = total;
    }
    return blobs;
}
