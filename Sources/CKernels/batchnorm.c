// Batch normalization's passes over one channel: the batch statistics, the normalization (with ReLU), and the
// backward pass. Contraction is off. The sums run in `lanes` independent lanes, element j of a run going to lane
// j % lanes in element order, and the lanes are added up in lane order at the end, so each variant (portable,
// AVX2, AVX-512) gives the same bits. The compiler vectorizes the statistics' lanes itself; the backward pass has
// hand-written AVX-512 beside its portable body (with the sums as one chain in element order, the compiler's code
// waited on each add in turn: 16.6% of bnnet training's time; in lanes, 6.7%, and training 1.15-1.20x as fast). The
// backward pass recomputes the ReLU mask from the input instead of reading the output back. The portable mask is a
// bit mask because, written as a select, the compiler branched on it and mispredicted half the time.
#include "CKernels.h"
#include "dispatch.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

/// `dy[j]` with ReLU's mask applied when `rectify` is set: exactly 0 where the layer's output
/// `gamma * xhat + beta` (recomputed the way the forward pass computed it, so the same bits) was not positive.
static inline float masked(const float *dy, size_t j, int rectify, float xhat, float gamma, float beta) {
    if (!rectify) return dy[j];
    uint32_t bits;
    memcpy(&bits, &dy[j], sizeof bits);
    bits &= -(uint32_t)(gamma * xhat + beta > 0);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

// `dy` and `dx` are not `restrict`: they may be one buffer (the gradient written over itself).
enum { lanes = 32 };

/// The sum of the lanes, in lane order.
static inline float lane_total(const float *acc) {
    float total = 0;
    for (size_t l = 0; l < lanes; l++) total += acc[l];
    return total;
}

DIGITS_BODY void batchnorm_statistics(const float *restrict x, size_t n, size_t count, size_t stride, float *mean,
                                      float *variance) {
    float acc[lanes] = {0};
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * stride;
        size_t j = 0;
        for (; j + lanes <= count; j += lanes) {
            for (size_t l = 0; l < lanes; l++) acc[l] += row[j + l];
        }
        for (size_t l = 0; j < count; j++, l++) acc[l] += row[j];
    }
    const float m = (float)(n * count), mu = lane_total(acc) / m;
    float squares[lanes] = {0};
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * stride;
        size_t j = 0;
        for (; j + lanes <= count; j += lanes) {
            for (size_t l = 0; l < lanes; l++) {
                const float d = row[j + l] - mu;
                squares[l] += d * d;
            }
        }
        for (size_t l = 0; j < count; j++, l++) {
            const float d = row[j] - mu;
            squares[l] += d * d;
        }
    }
    *mean = mu;
    *variance = lane_total(squares) / m;
}

DIGITS_BODY void batchnorm_normalize(const float *restrict x, size_t n, size_t count, size_t stride, float mean,
                                     float inverse_std, float gamma, float beta, int rectify, float *restrict y) {
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * stride;
        float *out = y + i * stride;
        if (rectify) {
            for (size_t j = 0; j < count; j++) {
                const float v = gamma * ((row[j] - mean) * inverse_std) + beta;
                out[j] = v > 0 ? v : 0;
            }
        } else {
            for (size_t j = 0; j < count; j++) out[j] = gamma * ((row[j] - mean) * inverse_std) + beta;
        }
    }
}

DIGITS_BODY void batchnorm_backward(const float *restrict x, int rectify, const float *dy, size_t n, size_t count,
                                    size_t stride, float mean, float inverse_std, float gamma, float beta, float *dx,
                                    float *sum_dy, float *sum_dy_xhat) {
    float totals[lanes] = {0}, moments[lanes] = {0};
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        size_t j = 0;
        for (; j + lanes <= count; j += lanes) {
            for (size_t l = 0; l < lanes; l++) {
                const float xhat = (x[at + j + l] - mean) * inverse_std;
                const float d = masked(dy, at + j + l, rectify, xhat, gamma, beta);
                totals[l] += d;
                moments[l] += d * xhat;
            }
        }
        for (size_t l = 0; j < count; j++, l++) {
            const float xhat = (x[at + j] - mean) * inverse_std;
            const float d = masked(dy, at + j, rectify, xhat, gamma, beta);
            totals[l] += d;
            moments[l] += d * xhat;
        }
    }
    const float total = lane_total(totals), moment = lane_total(moments);
    const float m = (float)(n * count), scale = gamma * inverse_std / m;
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        for (size_t j = at; j < at + count; j++) {
            const float xhat = (x[j] - mean) * inverse_std;
            dx[j] = scale * (m * masked(dy, j, rectify, xhat, gamma, beta) - total - xhat * moment);
        }
    }
    *sum_dy = total;
    *sum_dy_xhat = moment;
}

typedef void batchnorm_backward_fn(const float *, int, const float *, size_t, size_t, size_t, float, float, float,
                                   float, float *, float *, float *);

static void batchnorm_backward_portable(const float *x, int rectify, const float *dy, size_t n, size_t count,
                                        size_t stride, float mean, float inverse_std, float gamma, float beta,
                                        float *dx, float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, rectify, dy, n, count, stride, mean, inverse_std, gamma, beta, dx, sum_dy, sum_dy_xhat);
}

DIGITS_TARGET_AVX2
static void batchnorm_backward_avx2(const float *x, int rectify, const float *dy, size_t n, size_t count,
                                    size_t stride, float mean, float inverse_std, float gamma, float beta,
                                    float *dx, float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, rectify, dy, n, count, stride, mean, inverse_std, gamma, beta, dx, sum_dy, sum_dy_xhat);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The same sums and gradient as `batchnorm_backward`, lane for lane and operation for operation (lanes 0-15 in
/// one vector, 16-31 in another, a ragged tail in the low lanes), so the bits are the same.
DIGITS_TARGET_AVX512
static void batchnorm_backward_avx512(const float *x, int rectify, const float *dy, size_t n, size_t count,
                                      size_t stride, float mean, float inverse_std, float gamma, float beta,
                                      float *dx, float *sum_dy, float *sum_dy_xhat) {
    const __m512 vmean = _mm512_set1_ps(mean), vinv = _mm512_set1_ps(inverse_std), zero = _mm512_setzero_ps();
    const __m512 vgamma = _mm512_set1_ps(gamma), vbeta = _mm512_set1_ps(beta);
    __m512 total_lo = zero, total_hi = zero, moment_lo = zero, moment_hi = zero;
    /// dy where the output `gamma * xhat + beta` was positive (every lane without the rectifier), else +0, for the
    /// lanes in `lanes_on`.
    #define MASKED_DY(at, lanes_on, xh) \
        (rectify ? _mm512_maskz_loadu_ps(_mm512_mask_cmp_ps_mask((lanes_on), \
                       _mm512_add_ps(_mm512_mul_ps(vgamma, (xh)), vbeta), zero, _CMP_GT_OQ), dy + (at)) \
                 : _mm512_maskz_loadu_ps((lanes_on), dy + (at)))
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        size_t j = 0;
        for (; j + lanes <= count; j += lanes) {
            const __m512 xh_lo = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + at + j), vmean), vinv);
            const __m512 xh_hi = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + at + j + 16), vmean), vinv);
            const __m512 d_lo = MASKED_DY(at + j, 0xFFFF, xh_lo), d_hi = MASKED_DY(at + j + 16, 0xFFFF, xh_hi);
            total_lo = _mm512_add_ps(total_lo, d_lo);
            total_hi = _mm512_add_ps(total_hi, d_hi);
            moment_lo = _mm512_add_ps(moment_lo, _mm512_mul_ps(d_lo, xh_lo));
            moment_hi = _mm512_add_ps(moment_hi, _mm512_mul_ps(d_hi, xh_hi));
        }
        const size_t rest = count - j;
        if (rest) {
            const __mmask16 lo = (__mmask16)(rest >= 16 ? 0xFFFF : (1u << rest) - 1);
            const __mmask16 hi = (__mmask16)(rest > 16 ? (1u << (rest - 16)) - 1 : 0);
            const __m512 xh_lo = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(lo, x + at + j), vmean), vinv);
            const __m512 xh_hi = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(hi, x + at + j + 16), vmean), vinv);
            const __m512 d_lo = MASKED_DY(at + j, lo, xh_lo), d_hi = MASKED_DY(at + j + 16, hi, xh_hi);
            total_lo = _mm512_mask_add_ps(total_lo, lo, total_lo, d_lo);
            total_hi = _mm512_mask_add_ps(total_hi, hi, total_hi, d_hi);
            moment_lo = _mm512_mask_add_ps(moment_lo, lo, moment_lo, _mm512_mul_ps(d_lo, xh_lo));
            moment_hi = _mm512_mask_add_ps(moment_hi, hi, moment_hi, _mm512_mul_ps(d_hi, xh_hi));
        }
    }
    float totals[lanes], moments[lanes];
    _mm512_storeu_ps(totals, total_lo);
    _mm512_storeu_ps(totals + 16, total_hi);
    _mm512_storeu_ps(moments, moment_lo);
    _mm512_storeu_ps(moments + 16, moment_hi);
    const float total = lane_total(totals), moment = lane_total(moments);
    const float m = (float)(n * count), scale = gamma * inverse_std / m;
    const __m512 vm = _mm512_set1_ps(m), vtotal = _mm512_set1_ps(total), vmoment = _mm512_set1_ps(moment),
                 vscale = _mm512_set1_ps(scale);
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        for (size_t j = 0; j < count; j += 16) {
            const __mmask16 on = (__mmask16)(count - j >= 16 ? 0xFFFF : (1u << (count - j)) - 1);
            const __m512 xh = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(on, x + at + j), vmean), vinv);
            const __m512 d = MASKED_DY(at + j, on, xh);
            const __m512 v = _mm512_mul_ps(vscale, _mm512_sub_ps(_mm512_sub_ps(_mm512_mul_ps(vm, d), vtotal),
                                                                 _mm512_mul_ps(xh, vmoment)));
            _mm512_mask_storeu_ps(dx + at + j, on, v);
        }
    }
    #undef MASKED_DY
    *sum_dy = total;
    *sum_dy_xhat = moment;
}
#else
static void batchnorm_backward_avx512(const float *x, int rectify, const float *dy, size_t n, size_t count,
                                      size_t stride, float mean, float inverse_std, float gamma, float beta,
                                      float *dx, float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, rectify, dy, n, count, stride, mean, inverse_std, gamma, beta, dx, sum_dy, sum_dy_xhat);
}
#endif

static batchnorm_backward_fn *const batchnorm_backward_variants[digits_path_count] = {
    batchnorm_backward_portable, batchnorm_backward_avx2, batchnorm_backward_avx512};

void digits_batchnorm_backward(const float *x, int rectify, const float *dy, size_t n, size_t count, size_t stride,
                               float mean, float inverse_std, float gamma, float beta, float *dx, float *sum_dy,
                               float *sum_dy_xhat) {
    batchnorm_backward_variants[digits_kernel_path()](x, rectify, dy, n, count, stride, mean, inverse_std, gamma,
                                                      beta, dx, sum_dy, sum_dy_xhat);
}

typedef void batchnorm_statistics_fn(const float *, size_t, size_t, size_t, float *, float *);

static void batchnorm_statistics_portable(const float *x, size_t n, size_t count, size_t stride, float *mean,
                                          float *variance) {
    batchnorm_statistics(x, n, count, stride, mean, variance);
}

DIGITS_TARGET_AVX2
static void batchnorm_statistics_avx2(const float *x, size_t n, size_t count, size_t stride, float *mean,
                                      float *variance) {
    batchnorm_statistics(x, n, count, stride, mean, variance);
}

DIGITS_TARGET_AVX512
static void batchnorm_statistics_avx512(const float *x, size_t n, size_t count, size_t stride, float *mean,
                                        float *variance) {
    batchnorm_statistics(x, n, count, stride, mean, variance);
}

static batchnorm_statistics_fn *const batchnorm_statistics_variants[digits_path_count] = {
    batchnorm_statistics_portable, batchnorm_statistics_avx2, batchnorm_statistics_avx512};

void digits_batchnorm_statistics(const float *x, size_t n, size_t count, size_t stride, float *mean,
                                 float *variance) {
    batchnorm_statistics_variants[digits_kernel_path()](x, n, count, stride, mean, variance);
}

typedef void batchnorm_normalize_fn(const float *, size_t, size_t, size_t, float, float, float, float, int, float *);

static void batchnorm_normalize_portable(const float *x, size_t n, size_t count, size_t stride, float mean,
                                         float inverse_std, float gamma, float beta, int rectify, float *y) {
    batchnorm_normalize(x, n, count, stride, mean, inverse_std, gamma, beta, rectify, y);
}

DIGITS_TARGET_AVX2
static void batchnorm_normalize_avx2(const float *x, size_t n, size_t count, size_t stride, float mean,
                                     float inverse_std, float gamma, float beta, int rectify, float *y) {
    batchnorm_normalize(x, n, count, stride, mean, inverse_std, gamma, beta, rectify, y);
}

DIGITS_TARGET_AVX512
static void batchnorm_normalize_avx512(const float *x, size_t n, size_t count, size_t stride, float mean,
                                       float inverse_std, float gamma, float beta, int rectify, float *y) {
    batchnorm_normalize(x, n, count, stride, mean, inverse_std, gamma, beta, rectify, y);
}

static batchnorm_normalize_fn *const batchnorm_normalize_variants[digits_path_count] = {
    batchnorm_normalize_portable, batchnorm_normalize_avx2, batchnorm_normalize_avx512};

void digits_batchnorm_normalize(const float *x, size_t n, size_t count, size_t stride, float mean, float inverse_std,
                                float gamma, float beta, int rectify, float *y) {
    batchnorm_normalize_variants[digits_kernel_path()](x, n, count, stride, mean, inverse_std, gamma, beta, rectify,
                                                       y);
}
