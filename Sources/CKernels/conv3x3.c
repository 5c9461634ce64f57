// Direct 3x3 convolution of a single-channel image, the networks' first layer, without im2col.
//
// With one input channel, K = 9: the im2col matrix is as large as nine copies of the image, and SGEMM's inner
// dimension is too short to amortize its packing. Directly, each output row needs the nine shifted input rows
// once, held in registers, and then nine broadcast multiply-adds per filter. With AVX-512 and output rows of up
// to 32 floats, a row is two vectors and masked loads do the zero padding; otherwise plain loops, which the
// compiler vectorizes.
#include "CKernels.h"
#include "dispatch.h"
#include <stdint.h>

enum { taps = 9, side = 3 };

/// Input row `i + u - pad` of a `height`-row image, or -1 outside it.
static inline ptrdiff_t input_row(size_t i, size_t u, size_t pad, size_t height) {
    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
    return iy >= 0 && iy < (ptrdiff_t)height ? iy : -1;
}

/// x[iy, j + v - pad], zero outside the image (`iy` from `input_row`).
static inline float tap(const float *x, ptrdiff_t iy, size_t j, size_t v, size_t pad, size_t width) {
    const ptrdiff_t jx = (ptrdiff_t)(j + v) - (ptrdiff_t)pad;
    return iy >= 0 && jx >= 0 && jx < (ptrdiff_t)width ? x[iy * (ptrdiff_t)width + jx] : 0;
}

DIGITS_BODY void forward(const float *restrict x, size_t height, size_t width, size_t pad, const float *restrict weight,
                         const float *restrict bias, size_t filters, float *restrict y) {
    const size_t oh = height + 2 * pad - side + 1, ow = width + 2 * pad - side + 1;
    for (size_t f = 0; f < filters; f++) {
        const float *w = weight + f * taps;
        for (size_t i = 0; i < oh; i++) {
            float *row = y + (f * oh + i) * ow;
            for (size_t j = 0; j < ow; j++) row[j] = bias[f];
            for (size_t u = 0; u < side; u++) {
                const ptrdiff_t iy = input_row(i, u, pad, height);
                for (size_t v = 0; v < side; v++) {
                    for (size_t j = 0; j < ow; j++) row[j] += w[u * side + v] * tap(x, iy, j, v, pad, width);
                }
            }
        }
    }
}

DIGITS_BODY void weight_gradient(const float *restrict x, size_t height, size_t width, size_t pad,
                                 const float *restrict dy, size_t filters, float *restrict dweight) {
    const size_t oh = height + 2 * pad - side + 1, ow = width + 2 * pad - side + 1;
    for (size_t f = 0; f < filters; f++) {
        for (size_t u = 0; u < side; u++) {
            for (size_t v = 0; v < side; v++) {
                float sum = 0;
                for (size_t i = 0; i < oh; i++) {
                    const ptrdiff_t iy = input_row(i, u, pad, height);
                    const float *g = dy + (f * oh + i) * ow;
                    for (size_t j = 0; j < ow; j++) sum += g[j] * tap(x, iy, j, v, pad, width);
                }
                dweight[f * taps + u * side + v] += sum;
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define DIGITS_CONV3X3_AVX512 1
/// The widest output row the AVX-512 kernels take: two vectors.
enum { vector_row_limit = 32 };

/// Bits lo..<hi of a 32-bit mask.
static inline uint32_t bit_range(ptrdiff_t lo, ptrdiff_t hi) {
    if (hi <= lo) return 0;
    const uint64_t ones = ((uint64_t)1 << hi) - 1, below = ((uint64_t)1 << lo) - 1;
    return (uint32_t)(ones & ~below);
}

/// The nine shifted input rows under output row `i`, two vectors each: lane j of `lo[t]` (and of `hi[t]`,
/// for j + 16) is x[i + u - pad, j + v - pad] with t = u*3+v, zero outside the image and past the row.
__attribute__((target("avx512f"), always_inline))
static inline void load_taps(const float *x, size_t height, size_t width, size_t pad, size_t ow, size_t i,
                             __m512 lo[taps], __m512 hi[taps]) {
    for (size_t u = 0; u < side; u++) {
        const ptrdiff_t iy = input_row(i, u, pad, height);
        for (size_t v = 0; v < side; v++) {
            // Output column j reads input column j + v - pad, inside for j in first..<last.
            const ptrdiff_t shift = (ptrdiff_t)v - (ptrdiff_t)pad;
            const ptrdiff_t first = shift < 0 ? -shift : 0;
            const ptrdiff_t last = (ptrdiff_t)width - shift < (ptrdiff_t)ow ? (ptrdiff_t)width - shift : (ptrdiff_t)ow;
            const uint32_t lanes = iy < 0 ? 0 : bit_range(first, last);
            // Lanes outside the mask are never read, so `src` may point before the row.
            const float *src = x + (iy < 0 ? 0 : iy) * (ptrdiff_t)width + shift;
            lo[u * side + v] = _mm512_maskz_loadu_ps((__mmask16)lanes, src);
            hi[u * side + v] = _mm512_maskz_loadu_ps((__mmask16)(lanes >> 16), src + 16);
        }
    }
}

__attribute__((target("avx512f")))
static void forward_vector(const float *restrict x, size_t height, size_t width, size_t pad,
                           const float *restrict weight, const float *restrict bias, size_t filters,
                           float *restrict y) {
    const size_t oh = height + 2 * pad - side + 1, ow = width + 2 * pad - side + 1;
    const uint32_t row_lanes = bit_range(0, (ptrdiff_t)ow);
    const __mmask16 store0 = (__mmask16)row_lanes, store1 = (__mmask16)(row_lanes >> 16);
    for (size_t i = 0; i < oh; i++) {
        __m512 lo[taps], hi[taps];
        load_taps(x, height, width, pad, ow, i, lo, hi);
        for (size_t f = 0; f < filters; f++) {
            const float *w = weight + f * taps;
            __m512 acc0 = _mm512_set1_ps(bias[f]), acc1 = acc0;
            for (size_t t = 0; t < taps; t++) {
                const __m512 wt = _mm512_set1_ps(w[t]);
                acc0 = _mm512_fmadd_ps(wt, lo[t], acc0);
                acc1 = _mm512_fmadd_ps(wt, hi[t], acc1);
            }
            float *row = y + (f * oh + i) * ow;
            _mm512_mask_storeu_ps(row, store0, acc0);
            if (store1) _mm512_mask_storeu_ps(row + 16, store1, acc1);
        }
    }
}

/// Two filters at a time: each shifted input vector, loaded once per row, feeds both filters' accumulators
/// (18 of them, plus 4 output-gradient vectors, fit the 32 registers).
__attribute__((target("avx512f")))
static void weight_gradient_vector(const float *restrict x, size_t height, size_t width, size_t pad,
                                   const float *restrict dy, size_t filters, float *restrict dweight) {
    const size_t oh = height + 2 * pad - side + 1, ow = width + 2 * pad - side + 1;
    const uint32_t row_lanes = bit_range(0, (ptrdiff_t)ow);
    const __mmask16 load0 = (__mmask16)row_lanes, load1 = (__mmask16)(row_lanes >> 16);
    for (size_t f = 0; f < filters; f += 2) {
        const size_t g = f + 1 < filters ? f + 1 : f;  // an odd last filter pairs with itself; counted once below
        __m512 acc_f[taps], acc_g[taps];
        for (size_t t = 0; t < taps; t++) acc_f[t] = acc_g[t] = _mm512_setzero_ps();
        for (size_t i = 0; i < oh; i++) {
            __m512 lo[taps], hi[taps];
            load_taps(x, height, width, pad, ow, i, lo, hi);
            const float *df = dy + (f * oh + i) * ow, *dg = dy + (g * oh + i) * ow;
            const __m512 f0 = _mm512_maskz_loadu_ps(load0, df), f1 = _mm512_maskz_loadu_ps(load1, df + 16);
            const __m512 g0 = _mm512_maskz_loadu_ps(load0, dg), g1 = _mm512_maskz_loadu_ps(load1, dg + 16);
            for (size_t t = 0; t < taps; t++) {
                acc_f[t] = _mm512_fmadd_ps(f1, hi[t], _mm512_fmadd_ps(f0, lo[t], acc_f[t]));
                acc_g[t] = _mm512_fmadd_ps(g1, hi[t], _mm512_fmadd_ps(g0, lo[t], acc_g[t]));
            }
        }
        for (size_t t = 0; t < taps; t++) dweight[f * taps + t] += _mm512_reduce_add_ps(acc_f[t]);
        if (g != f) {
            for (size_t t = 0; t < taps; t++) dweight[g * taps + t] += _mm512_reduce_add_ps(acc_g[t]);
        }
    }
}
#endif

typedef void forward_fn(const float *, size_t, size_t, size_t, const float *, const float *, size_t, float *);
typedef void weight_gradient_fn(const float *, size_t, size_t, size_t, const float *, size_t, float *);

static void forward_portable(const float *x, size_t height, size_t width, size_t pad, const float *weight,
                             const float *bias, size_t filters, float *y) {
    forward(x, height, width, pad, weight, bias, filters, y);
}

DIGITS_TARGET_AVX2
static void forward_avx2(const float *x, size_t height, size_t width, size_t pad, const float *weight,
                         const float *bias, size_t filters, float *y) {
    forward(x, height, width, pad, weight, bias, filters, y);
}

DIGITS_TARGET_AVX512
static void forward_avx512(const float *x, size_t height, size_t width, size_t pad, const float *weight,
                           const float *bias, size_t filters, float *y) {
    forward(x, height, width, pad, weight, bias, filters, y);
}

static forward_fn *const forward_variants[digits_path_count] = {forward_portable, forward_avx2, forward_avx512};

static void weight_gradient_portable(const float *x, size_t height, size_t width, size_t pad, const float *dy,
                                     size_t filters, float *dweight) {
    weight_gradient(x, height, width, pad, dy, filters, dweight);
}

DIGITS_TARGET_AVX2
static void weight_gradient_avx2(const float *x, size_t height, size_t width, size_t pad, const float *dy,
                                 size_t filters, float *dweight) {
    weight_gradient(x, height, width, pad, dy, filters, dweight);
}

DIGITS_TARGET_AVX512
static void weight_gradient_avx512(const float *x, size_t height, size_t width, size_t pad, const float *dy,
                                   size_t filters, float *dweight) {
    weight_gradient(x, height, width, pad, dy, filters, dweight);
}

static weight_gradient_fn *const weight_gradient_variants[digits_path_count] = {
    weight_gradient_portable, weight_gradient_avx2, weight_gradient_avx512};

/// Whether the two-vector AVX-512 kernels take this shape.
static inline int vector_rows(size_t width, size_t pad) {
#if DIGITS_CONV3X3_AVX512
    return digits_kernel_path() == digits_path_avx512 && width + 2 * pad - side + 1 <= vector_row_limit;
#else
    (void)width, (void)pad;
    return 0;
#endif
}

void digits_conv3x3_single_channel_forward(const float *x, size_t height, size_t width, size_t pad,
                                           const float *weight, const float *bias, size_t filters, float *y) {
#if DIGITS_CONV3X3_AVX512
    if (vector_rows(width, pad)) {
        forward_vector(x, height, width, pad, weight, bias, filters, y);
        return;
    }
#endif
    forward_variants[digits_kernel_path()](x, height, width, pad, weight, bias, filters, y);
}

void digits_conv3x3_single_channel_weight_gradient(const float *x, size_t height, size_t width, size_t pad,
                                                   const float *dy, size_t filters, float *dweight) {
#if DIGITS_CONV3X3_AVX512
    if (vector_rows(width, pad)) {
        weight_gradient_vector(x, height, width, pad, dy, filters, dweight);
        return;
    }
#endif
    weight_gradient_variants[digits_kernel_path()](x, height, width, pad, dy, filters, dweight);
}
