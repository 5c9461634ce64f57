// Batch normalization's backward pass for one channel. Contraction is off and the sums run in element order, so
// the results are those of the plain loops this replaces; the ReLU mask is a bit mask because, written as a
// select, the compiler branched on it and mispredicted half the time.
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
