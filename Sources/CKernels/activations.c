// ReLU forward and backward. The backward select is written with bit masks: as `y > 0 ? dy : 0` the compiler
// emitted a branch per element, which mispredicts on half of them.
#include "CKernels.h"
#include "dispatch.h"
#include <stdint.h>
#include <string.h>

DIGITS_BODY void relu_forward(const float *restrict x, size_t count, float *restrict y) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

// `dx` may be `dy` itself (the gradient masked where it stands), so neither is `restrict`.
DIGITS_BODY void relu_backward(const float *restrict y, const float *dy, size_t count, float *dx) {
    for (size_t i = 0; i < count; i++) {
        uint32_t g;
        memcpy(&g, &dy[i], sizeof g);
        g &= -(uint32_t)(y[i] > 0);
        memcpy(&dx[i], &g, sizeof g);
    }
}

typedef void relu_forward_fn(const float *, size_t, float *);
static void relu_forward_portable(const float *x, size_t count, float *y) { relu_forward(x, count, y); }
DIGITS_TARGET_AVX2 static void relu_forward_avx2(const float *x, size_t count, float *y) { relu_forward(x, count, y); }
DIGITS_TARGET_AVX512 static void relu_forward_avx512(const float *x, size_t count, float *y) {
    relu_forward(x, count, y);
}
static relu_forward_fn *const relu_forward_variants[digits_path_count] = {
    relu_forward_portable, relu_forward_avx2, relu_forward_avx512};

void digits_relu_forward(const float *x, size_t count, float *y) {
    relu_forward_variants[digits_kernel_path()](x, count, y);
}

typedef void relu_backward_fn(const float *, const float *, size_t, float *);
static void relu_backward_portable(const float *y, const float *dy, size_t count, float *dx) {
    relu_backward(y, dy, count, dx);
}
DIGITS_TARGET_AVX2 static void relu_backward_avx2(const float *y, const float *dy, size_t count, float *dx) {
    relu_backward(y, dy, count, dx);
}
DIGITS_TARGET_AVX512 static void relu_backward_avx512(const float *y, const float *dy, size_t count, float *dx) {
    relu_backward(y, dy, count, dx);
}
static relu_backward_fn *const relu_backward_variants[digits_path_count] = {
    relu_backward_portable, relu_backward_avx2, relu_backward_avx512};

void digits_relu_backward(const float *y, const float *dy, size_t count, float *dx) {
    relu_backward_variants[digits_kernel_path()](y, dy, count, dx);
}
