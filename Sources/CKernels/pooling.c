// 2x2 max pooling with stride 2 over planes of H x W floats (a ragged last row or column is dropped), optionally
// followed by ReLU in the same pass.
//
// The winner of each window is the first maximum in reading order: top-left, top-right, bottom-left, bottom-right,
// recorded as a one-byte code 0...3, or `DIGITS_POOL_NO_WINNER` when the window passes no gradient (a rectified
// maximum that is not positive). Backward needs only the codes, not the pooled input, so a convolution can pool
// each sample from scratch memory without keeping its whole output. Both loops are branch-free selects: which cell
// wins is data-dependent, and as branches these loops spent most of their time in mispredictions.
#include "CKernels.h"
#include "dispatch.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define DIGITS_POOL_AVX512 1

// AVX-512, 16 outputs at a time: the compiler's own vectorization of these loops used gathers and a branch per
// stored byte. A row's even and odd columns are split with two-source permutes, the winner is chosen with mask
// compares, and partial chunks use masked loads and stores.

/// Lanes 0..<n of 16.
static inline __mmask16 first_lanes(size_t n) { return (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1); }

__attribute__((target("avx512f")))
static void forward_avx512(const float *restrict x, size_t planes, size_t height, size_t width, int rectify,
                           float *restrict y, uint8_t *restrict winners) {
    const size_t oh = height / 2, ow = width / 2;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512 floor = _mm512_set1_ps(rectify ? 0 : -INFINITY);
    const __m512i none = _mm512_set1_epi32(DIGITS_POOL_NO_WINNER), one = _mm512_set1_epi32(1);
    const __m512i two = _mm512_set1_epi32(2);
    for (size_t p = 0; p < planes; p++) {
        const float *plane = x + p * height * width;
        for (size_t i = 0; i < oh; i++) {
            const float *top = plane + 2 * i * width, *bottom = top + width;
            float *row = y + (p * oh + i) * ow;
            uint8_t *code = winners + (p * oh + i) * ow;
            for (size_t j = 0; j < ow; j += 16) {
                const size_t n = ow - j < 16 ? ow - j : 16;
                const __mmask16 lo = first_lanes(2 * n), hi = first_lanes(2 * n > 16 ? 2 * n - 16 : 0);
                const __m512 t0 = _mm512_maskz_loadu_ps(lo, top + 2 * j);
                const __m512 t1 = _mm512_maskz_loadu_ps(hi, top + 2 * j + 16);
                const __m512 b0 = _mm512_maskz_loadu_ps(lo, bottom + 2 * j);
                const __m512 b1 = _mm512_maskz_loadu_ps(hi, bottom + 2 * j + 16);
                const __m512 tl = _mm512_permutex2var_ps(t0, even, t1), tr = _mm512_permutex2var_ps(t0, odd, t1);
                const __m512 bl = _mm512_permutex2var_ps(b0, even, b1), br = _mm512_permutex2var_ps(b0, odd, b1);
                const __mmask16 right = _mm512_cmp_ps_mask(tr, tl, _CMP_GT_OQ);
                const __mmask16 bottomRight = _mm512_cmp_ps_mask(br, bl, _CMP_GT_OQ);
                const __m512 t = _mm512_mask_blend_ps(right, tl, tr), b = _mm512_mask_blend_ps(bottomRight, bl, br);
                const __mmask16 down = _mm512_cmp_ps_mask(b, t, _CMP_GT_OQ);
                const __m512 m = _mm512_mask_blend_ps(down, t, b);
                const __mmask16 passes = _mm512_cmp_ps_mask(m, floor, _CMP_GT_OQ);
                const __mmask16 lanes = first_lanes(n);
                _mm512_mask_storeu_ps(row + j, lanes, _mm512_mask_blend_ps(passes, floor, m));
                const __mmask16 column = (__mmask16)((down & bottomRight) | (~down & right));
                const __m512i cell = _mm512_or_si512(_mm512_maskz_mov_epi32(down, two),
                                                     _mm512_maskz_mov_epi32(column, one));
                _mm512_mask_cvtepi32_storeu_epi8(code + j, lanes, _mm512_mask_mov_epi32(none, passes, cell));
            }
        }
    }
}

__attribute__((target("avx512f")))
static void backward_avx512(const uint8_t *restrict winners, const float *restrict dy, size_t planes, size_t height,
                            size_t width, float *restrict dx) {
    const size_t oh = height / 2, ow = width / 2;
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    for (size_t p = 0; p < planes; p++) {
        float *dplane = dx + p * height * width;
        for (size_t i = 0; i < oh; i++) {
            float *dtop = dplane + 2 * i * width, *dbottom = dtop + width;
            const uint8_t *code = winners + (p * oh + i) * ow;
            const float *g = dy + (p * oh + i) * ow;
            for (size_t j = 0; j < ow; j += 16) {
                const size_t n = ow - j < 16 ? ow - j : 16;
                const __mmask16 lanes = first_lanes(n);
                // The code bytes past the row are read but never used: callers leave 16 bytes of slack.
                const __m512i c = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(code + j)));
                const __m512 gradient = _mm512_maskz_loadu_ps(lanes, g + j);
                const __m512 tl = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(c, _mm512_set1_epi32(0)), gradient);
                const __m512 tr = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(c, _mm512_set1_epi32(1)), gradient);
                const __m512 bl = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(c, _mm512_set1_epi32(2)), gradient);
                const __m512 br = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(c, _mm512_set1_epi32(3)), gradient);
                // Up to 32 input columns; with an odd width the last one is a zero lane (its gradient is 0).
                const size_t columns = j + 16 >= ow ? width - 2 * j : 32;
                const __mmask16 lo = first_lanes(columns), hi = first_lanes(columns > 16 ? columns - 16 : 0);
                _mm512_mask_storeu_ps(dtop + 2 * j, lo, _mm512_permutex2var_ps(tl, low, tr));
                _mm512_mask_storeu_ps(dtop + 2 * j + 16, hi, _mm512_permutex2var_ps(tl, high, tr));
                _mm512_mask_storeu_ps(dbottom + 2 * j, lo, _mm512_permutex2var_ps(bl, low, br));
                _mm512_mask_storeu_ps(dbottom + 2 * j + 16, hi, _mm512_permutex2var_ps(bl, high, br));
            }
        }
        if (height % 2) {
            for (size_t j = 0; j < width; j++) dplane[(height - 1) * width + j] = 0;
        }
    }
}
#endif

static inline uint32_t bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

DIGITS_BODY void forward(const float *restrict x, size_t planes, size_t height, size_t width, int rectify,
                         float *restrict y, uint8_t *restrict winners) {
    const size_t oh = height / 2, ow = width / 2;
    const float floor = rectify ? 0 : -INFINITY;
    for (size_t p = 0; p < planes; p++) {
        const float *plane = x + p * height * width;
        float *out = y + p * oh * ow;
        uint8_t *codes = winners + p * oh * ow;
        for (size_t i = 0; i < oh; i++) {
            const float *top = plane + 2 * i * width, *bottom = top + width;
            float *row = out + i * ow;
            uint8_t *code = codes + i * ow;
            for (size_t j = 0; j < ow; j++) {
                const float tl = top[2 * j], tr = top[2 * j + 1], bl = bottom[2 * j], br = bottom[2 * j + 1];
                const uint32_t right = tr > tl, bottomRight = br > bl;
                const float t = right ? tr : tl, b = bottomRight ? br : bl;
                const uint32_t down = b > t;
                const float m = down ? b : t;
                const uint32_t passes = m > floor;
                row[j] = passes ? m : floor;
                const uint32_t cell = 2 * down + (down ? bottomRight : right);
                code[j] = (uint8_t)(passes ? cell : DIGITS_POOL_NO_WINNER);
            }
        }
    }
}

DIGITS_BODY void backward(const uint8_t *restrict winners, const float *restrict dy, size_t planes, size_t height,
                          size_t width, float *restrict dx) {
    const size_t oh = height / 2, ow = width / 2;
    for (size_t p = 0; p < planes; p++) {
        const uint8_t *codes = winners + p * oh * ow;
        const float *grad = dy + p * oh * ow;
        float *dplane = dx + p * height * width;
        for (size_t i = 0; i < oh; i++) {
            float *dtop = dplane + 2 * i * width, *dbottom = dtop + width;
            const uint8_t *code = codes + i * ow;
            const float *g = grad + i * ow;
            for (size_t j = 0; j < ow; j++) {
                const uint32_t gradient = bits(g[j]), c = code[j];
                // All-ones or all-zeros masks: `c == k ? g : 0` written as a select compiles to branches here.
                dtop[2 * j] = from_bits(gradient & -(uint32_t)(c == 0));
                dtop[2 * j + 1] = from_bits(gradient & -(uint32_t)(c == 1));
                dbottom[2 * j] = from_bits(gradient & -(uint32_t)(c == 2));
                dbottom[2 * j + 1] = from_bits(gradient & -(uint32_t)(c == 3));
            }
            if (width % 2) {
                dtop[width - 1] = 0;
                dbottom[width - 1] = 0;
            }
        }
        if (height % 2) {
            for (size_t j = 0; j < width; j++) dplane[(height - 1) * width + j] = 0;
        }
    }
}

typedef void forward_fn(const float *, size_t, size_t, size_t, int, float *, uint8_t *);
typedef void backward_fn(const uint8_t *, const float *, size_t, size_t, size_t, float *);

static void forward_portable(const float *x, size_t planes, size_t height, size_t width, int rectify, float *y,
                             uint8_t *winners) {
    forward(x, planes, height, width, rectify, y, winners);
}

DIGITS_TARGET_AVX2
static void forward_avx2(const float *x, size_t planes, size_t height, size_t width, int rectify, float *y,
                         uint8_t *winners) {
    forward(x, planes, height, width, rectify, y, winners);
}

static void backward_portable(const uint8_t *winners, const float *dy, size_t planes, size_t height, size_t width,
                              float *dx) {
    backward(winners, dy, planes, height, width, dx);
}

DIGITS_TARGET_AVX2
static void backward_avx2(const uint8_t *winners, const float *dy, size_t planes, size_t height, size_t width,
                          float *dx) {
    backward(winners, dy, planes, height, width, dx);
}

// On AVX-512 the hand-written kernels above run; elsewhere the compiled loops.
#if DIGITS_POOL_AVX512
static forward_fn *const forward_variants[digits_path_count] = {forward_portable, forward_avx2, forward_avx512};
static backward_fn *const backward_variants[digits_path_count] = {backward_portable, backward_avx2, backward_avx512};
#else
static forward_fn *const forward_variants[digits_path_count] = {forward_portable, forward_avx2, forward_avx2};
static backward_fn *const backward_variants[digits_path_count] = {backward_portable, backward_avx2, backward_avx2};
#endif

void digits_maxpool2x2_forward(const float *x, size_t planes, size_t height, size_t width, int rectify, float *y,
                               uint8_t *winners) {
    forward_variants[digits_kernel_path()](x, planes, height, width, rectify, y, winners);
}

void digits_maxpool2x2_backward(const uint8_t *winners, const float *dy, size_t planes, size_t height, size_t width,
                                float *dx) {
    backward_variants[digits_kernel_path()](winners, dy, planes, height, width, dx);
}
