// im2col and its adjoint col2im for stride-1 convolutions.
//
// One sample [C, H, W] unfolds into [K, P] with K = C*KH*KW rows and P = OH*OW columns: row (c*KH+u)*KW+v,
// column i*OW+j holds x[c, i+u-pad, j+v-pad], zero outside the image. The matrix's rows may start further apart
// than P floats, so a convolution can unfold several samples side by side and multiply them in one SGEMM. The rows
// are short (an output row is
// 11 to 28 floats for MNIST). With AVX-512 and rows of up to 32 floats, each row is one or two masked loads and
// stores: the masks do the zero padding and suppress faults outside the image. Otherwise the copies are vectorized
// 8 wide rather than left to a 16-wide loop whose remainder would run one float at a time.
#include "CKernels.h"
#include "dispatch.h"
#include <stdint.h>

/// Output columns j of row offset v whose input column j+v-pad lies inside [0, width): lo..<hi.
static inline void valid_columns(size_t width, size_t pad, size_t v, size_t out_width, size_t *lo, size_t *hi) {
    *lo = pad > v ? pad - v : 0;
    *hi = width + pad - v < out_width ? width + pad - v : out_width;
    if (*hi < *lo) *hi = *lo;
}

#if defined(__x86_64__)
#include <immintrin.h>
#define DIGITS_MASKED_ROWS 1
/// The widest row the masked paths handle: two 16-float vectors.
enum { masked_row_limit = 32 };

/// Bits lo..<hi of a 32-bit mask.
static inline uint32_t bit_range(size_t lo, size_t hi) {
    const uint64_t ones = ((uint64_t)1 << hi) - 1, below = ((uint64_t)1 << lo) - 1;
    return (uint32_t)(ones & ~below);
}

__attribute__((target("avx512f")))
static void im2col_masked(const float *restrict x, size_t channels, size_t height, size_t width, size_t kernel,
                          size_t pad, size_t out_height, size_t out_width, size_t stride, float *restrict col) {
    const __mmask16 store0 = (__mmask16)bit_range(0, out_width), store1 = (__mmask16)(bit_range(0, out_width) >> 16);
    float *row = col;
    for (size_t c = 0; c < channels; c++) {
        const float *plane = x + c * height * width;
        for (size_t u = 0; u < kernel; u++) {
            for (size_t v = 0; v < kernel; v++, row += stride) {
                size_t lo, hi;
                valid_columns(width, pad, v, out_width, &lo, &hi);
                const uint32_t load = bit_range(lo, hi);
                const __mmask16 load0 = (__mmask16)load, load1 = (__mmask16)(load >> 16);
                for (size_t i = 0; i < out_height; i++) {
                    float *dst = row + i * out_width;
                    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
                    const int inside = iy >= 0 && iy < (ptrdiff_t)height;
                    // Lanes outside lo..<hi are never read, so `src` may point before the row.
                    const float *src = plane + iy * (ptrdiff_t)width + (ptrdiff_t)v - (ptrdiff_t)pad;
                    _mm512_mask_storeu_ps(dst, store0, _mm512_maskz_loadu_ps(inside ? load0 : 0, src));
                    if (store1) {
                        _mm512_mask_storeu_ps(dst + 16, store1, _mm512_maskz_loadu_ps(inside ? load1 : 0, src + 16));
                    }
                }
            }
        }
    }
}

/// Gathers each input row's contributions in registers, in the same (u, v) order as the scattering loop below,
/// so the sums are bit-identical to it; no read-modify-write of the output.
__attribute__((target("avx512f")))
static void col2im_masked(const float *restrict col, size_t channels, size_t height, size_t width, size_t kernel,
                          size_t pad, size_t out_height, size_t out_width, size_t stride, float *restrict x) {
    const size_t plane_rows = kernel * kernel;
    const __mmask16 store0 = (__mmask16)bit_range(0, width), store1 = (__mmask16)(bit_range(0, width) >> 16);
    __mmask16 load0[kernel], load1[kernel];
    for (size_t v = 0; v < kernel; v++) {
        // Input column jx receives output column j = jx - v + pad, for j in lo..<hi.
        size_t lo, hi;
        valid_columns(width, pad, v, out_width, &lo, &hi);
        const uint32_t lanes = bit_range(lo + v - pad, hi + v - pad);
        load0[v] = (__mmask16)lanes;
        load1[v] = (__mmask16)(lanes >> 16);
    }
    for (size_t c = 0; c < channels; c++) {
        const float *rows = col + c * plane_rows * stride;
        for (size_t r = 0; r < height; r++) {
            __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
            for (size_t u = 0; u < kernel; u++) {
                const ptrdiff_t i = (ptrdiff_t)r - (ptrdiff_t)u + (ptrdiff_t)pad;
                if (i < 0 || i >= (ptrdiff_t)out_height) continue;
                for (size_t v = 0; v < kernel; v++) {
                    const float *src = rows + (u * kernel + v) * stride + i * (ptrdiff_t)out_width + (ptrdiff_t)pad -
                                       (ptrdiff_t)v;
                    acc0 = _mm512_add_ps(acc0, _mm512_maskz_loadu_ps(load0[v], src));
                    if (store1) acc1 = _mm512_add_ps(acc1, _mm512_maskz_loadu_ps(load1[v], src + 16));
                }
            }
            float *dst = x + (c * height + r) * width;
            _mm512_mask_storeu_ps(dst, store0, acc0);
            if (store1) _mm512_mask_storeu_ps(dst + 16, store1, acc1);
        }
    }
}
#endif

DIGITS_BODY void im2col(const float *restrict x, size_t channels, size_t height, size_t width, size_t kernel,
                        size_t pad, size_t out_height, size_t out_width, size_t stride, float *restrict col) {
    float *row = col;
    for (size_t c = 0; c < channels; c++) {
        const float *plane = x + c * height * width;
        for (size_t u = 0; u < kernel; u++) {
            for (size_t v = 0; v < kernel; v++, row += stride) {
                size_t lo, hi;
                valid_columns(width, pad, v, out_width, &lo, &hi);
                for (size_t i = 0; i < out_height; i++) {
                    float *dst = row + i * out_width;
                    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
                    if (iy < 0 || iy >= (ptrdiff_t)height || lo == hi) {
                        for (size_t j = 0; j < out_width; j++) dst[j] = 0;
                        continue;
                    }
                    const float *src = plane + iy * (ptrdiff_t)width + (ptrdiff_t)v - (ptrdiff_t)pad;
                    for (size_t j = 0; j < lo; j++) dst[j] = 0;
#pragma clang loop vectorize_width(8) interleave_count(1)
                    for (size_t j = lo; j < hi; j++) dst[j] = src[j];
                    for (size_t j = hi; j < out_width; j++) dst[j] = 0;
                }
            }
        }
    }
}

DIGITS_BODY void col2im(const float *restrict col, size_t channels, size_t height, size_t width, size_t kernel,
                        size_t pad, size_t out_height, size_t out_width, size_t stride, float *restrict x) {
    for (size_t i = 0; i < channels * height * width; i++) x[i] = 0;
    const float *row = col;
    for (size_t c = 0; c < channels; c++) {
        float *plane = x + c * height * width;
        for (size_t u = 0; u < kernel; u++) {
            for (size_t v = 0; v < kernel; v++, row += stride) {
                size_t lo, hi;
                valid_columns(width, pad, v, out_width, &lo, &hi);
                for (size_t i = 0; i < out_height; i++) {
                    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
                    if (iy < 0 || iy >= (ptrdiff_t)height || lo == hi) continue;
                    const float *src = row + i * out_width;
                    float *dst = plane + iy * (ptrdiff_t)width + (ptrdiff_t)v - (ptrdiff_t)pad;
#pragma clang loop vectorize_width(8) interleave_count(1)
                    for (size_t j = lo; j < hi; j++) dst[j] += src[j];
                }
            }
        }
    }
}

typedef void im2col_fn(const float *, size_t, size_t, size_t, size_t, size_t, size_t, size_t, size_t, float *);

static void im2col_portable(const float *x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                            size_t out_height, size_t out_width, size_t stride, float *col) {
    im2col(x, channels, height, width, kernel, pad, out_height, out_width, stride, col);
}

DIGITS_TARGET_AVX2
static void im2col_avx2(const float *x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                        size_t out_height, size_t out_width, size_t stride, float *col) {
    im2col(x, channels, height, width, kernel, pad, out_height, out_width, stride, col);
}

DIGITS_TARGET_AVX512
static void im2col_avx512(const float *x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                          size_t out_height, size_t out_width, size_t stride, float *col) {
    im2col(x, channels, height, width, kernel, pad, out_height, out_width, stride, col);
}

static im2col_fn *const im2col_variants[digits_path_count] = {im2col_portable, im2col_avx2, im2col_avx512};

static void col2im_portable(const float *col, size_t channels, size_t height, size_t width, size_t kernel,
                            size_t pad, size_t out_height, size_t out_width, size_t stride, float *x) {
    col2im(col, channels, height, width, kernel, pad, out_height, out_width, stride, x);
}

DIGITS_TARGET_AVX2
static void col2im_avx2(const float *col, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                        size_t out_height, size_t out_width, size_t stride, float *x) {
    col2im(col, channels, height, width, kernel, pad, out_height, out_width, stride, x);
}

DIGITS_TARGET_AVX512
static void col2im_avx512(const float *col, size_t channels, size_t height, size_t width, size_t kernel,
                          size_t pad, size_t out_height, size_t out_width, size_t stride, float *x) {
    col2im(col, channels, height, width, kernel, pad, out_height, out_width, stride, x);
}

static im2col_fn *const col2im_variants[digits_path_count] = {col2im_portable, col2im_avx2, col2im_avx512};

void digits_im2col(const float *x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                   size_t out_height, size_t out_width, size_t stride, float *col) {
    const digits_path path = digits_kernel_path();
#if DIGITS_MASKED_ROWS
    if (path == digits_path_avx512 && out_width <= masked_row_limit) {
        im2col_masked(x, channels, height, width, kernel, pad, out_height, out_width, stride, col);
        return;
    }
#endif
    im2col_variants[path](x, channels, height, width, kernel, pad, out_height, out_width, stride, col);
}

void digits_col2im(const float *col, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                   size_t out_height, size_t out_width, size_t stride, float *x) {
    const digits_path path = digits_kernel_path();
#if DIGITS_MASKED_ROWS
    if (path == digits_path_avx512 && width <= masked_row_limit && kernel <= 16) {
        col2im_masked(col, channels, height, width, kernel, pad, out_height, out_width, stride, x);
        return;
    }
#endif
    col2im_variants[path](col, channels, height, width, kernel, pad, out_height, out_width, stride, x);
}
