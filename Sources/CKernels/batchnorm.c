// Batch normalization's passes over one channel: the batch statistics, the normalization (with ReLU), and the
// backward pass. Contraction is off. The statistics' sums run in `lanes` independent lanes, element j of a run
// going to lane j % lanes in element order, and the lanes are added up in lane order at the end: the compiler
// vectorizes that without reassociating anything, so each variant (portable, AVX2, AVX-512) gives the same bits.
// The backward pass's sums stay one chain in element order: in lanes it measured slower (bnnet training 3,017
// against 3,505 images/s, 4 alternating runs), its loads being the bound. The ReLU mask is a bit mask because,
// written as a select, the compiler branched on it and mispredicted half the time.
#include "CKernels.h"
#include "dispatch.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

/// `dy[j]` with ReLU's mask applied when `y` is given: exactly 0 where `y[j]` is not positive.
static inline float masked(const float *dy, const float *restrict y, size_t j) {
    if (!y) return dy[j];
    uint32_t bits;
    memcpy(&bits, &dy[j], sizeof bits);
    bits &= -(uint32_t)(y[j] > 0);
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

DIGITS_BODY void batchnorm_backward(const float *restrict x, const float *restrict y, const float *dy,
                                    size_t n, size_t count, size_t stride, float mean, float inverse_std,
                                    float gamma, float *dx, float *sum_dy, float *sum_dy_xhat) {
    float total = 0, moment = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        for (size_t j = at; j < at + count; j++) {
            const float d = masked(dy, y, j);
            total += d;
            moment += d * ((x[j] - mean) * inverse_std);
        }
    }
    const float m = (float)(n * count), scale = gamma * inverse_std / m;
    for (size_t i = 0; i < n; i++) {
        const size_t at = i * stride;
        for (size_t j = at; j < at + count; j++) {
            dx[j] = scale * (m * masked(dy, y, j) - total - ((x[j] - mean) * inverse_std) * moment);
        }
    }
    *sum_dy = total;
    *sum_dy_xhat = moment;
}

typedef void batchnorm_backward_fn(const float *, const float *, const float *, size_t, size_t, size_t, float,
                                   float, float, float *, float *, float *);

static void batchnorm_backward_portable(const float *x, const float *y, const float *dy, size_t n, size_t count,
                                        size_t stride, float mean, float inverse_std, float gamma, float *dx,
                                        float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, y, dy, n, count, stride, mean, inverse_std, gamma, dx, sum_dy, sum_dy_xhat);
}

DIGITS_TARGET_AVX2
static void batchnorm_backward_avx2(const float *x, const float *y, const float *dy, size_t n, size_t count,
                                    size_t stride, float mean, float inverse_std, float gamma, float *dx,
                                    float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, y, dy, n, count, stride, mean, inverse_std, gamma, dx, sum_dy, sum_dy_xhat);
}

DIGITS_TARGET_AVX512
static void batchnorm_backward_avx512(const float *x, const float *y, const float *dy, size_t n, size_t count,
                                      size_t stride, float mean, float inverse_std, float gamma, float *dx,
                                      float *sum_dy, float *sum_dy_xhat) {
    batchnorm_backward(x, y, dy, n, count, stride, mean, inverse_std, gamma, dx, sum_dy, sum_dy_xhat);
}

static batchnorm_backward_fn *const batchnorm_backward_variants[digits_path_count] = {
    batchnorm_backward_portable, batchnorm_backward_avx2, batchnorm_backward_avx512};

void digits_batchnorm_backward(const float *x, const float *y, const float *dy, size_t n, size_t count,
                               size_t stride, float mean, float inverse_std, float gamma, float *dx, float *sum_dy,
                               float *sum_dy_xhat) {
    batchnorm_backward_variants[digits_kernel_path()](x, y, dy, n, count, stride, mean, inverse_std, gamma, dx,
                                                      sum_dy, sum_dy_xhat);
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
