// im2col and its adjoint col2im for stride-1 convolutions.
//
// One sample [C, H, W] unfolds into [K, P] with K = C*KH*KW rows and P = OH*OW columns: row (c*KH+u)*KW+v,
// column i*OW+j holds x[c, i+u-pad, j+v-pad], zero outside the image. The rows are short (an output row is
// 11 to 28 floats for MNIST), so the copies are vectorized 8 wide rather than left to a 16-wide loop whose
// remainder would run one float at a time.
#include "CKernels.h"

DIGITS_VECTOR_CLONES
void digits_im2col(const float *restrict x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                   size_t out_height, size_t out_width, float *restrict col) {
    float *row = col;
    for (size_t c = 0; c < channels; c++) {
        const float *plane = x + c * height * width;
        for (size_t u = 0; u < kernel; u++) {
            for (size_t v = 0; v < kernel; v++, row += out_height * out_width) {
                // Output columns j whose input column j+v-pad lies inside [0, width).
                const size_t lo = pad > v ? pad - v : 0;
                const size_t hi = width + pad - v < out_width ? width + pad - v : out_width;
                for (size_t i = 0; i < out_height; i++) {
                    float *dst = row + i * out_width;
                    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
                    if (iy < 0 || iy >= (ptrdiff_t)height || lo >= hi) {
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

DIGITS_VECTOR_CLONES
void digits_col2im(const float *restrict col, size_t channels, size_t height, size_t width, size_t kernel,
                   size_t pad, size_t out_height, size_t out_width, float *restrict x) {
    for (size_t i = 0; i < channels * height * width; i++) x[i] = 0;
    const float *row = col;
    for (size_t c = 0; c < channels; c++) {
        float *plane = x + c * height * width;
        for (size_t u = 0; u < kernel; u++) {
            for (size_t v = 0; v < kernel; v++, row += out_height * out_width) {
                const size_t lo = pad > v ? pad - v : 0;
                const size_t hi = width + pad - v < out_width ? width + pad - v : out_width;
                for (size_t i = 0; i < out_height; i++) {
                    const ptrdiff_t iy = (ptrdiff_t)(i + u) - (ptrdiff_t)pad;
                    if (iy < 0 || iy >= (ptrdiff_t)height || lo >= hi) continue;
                    const float *src = row + i * out_width;
                    float *dst = plane + iy * (ptrdiff_t)width + (ptrdiff_t)v - (ptrdiff_t)pad;
#pragma clang loop vectorize_width(8) interleave_count(1)
                    for (size_t j = lo; j < hi; j++) dst[j] += src[j];
                }
            }
        }
    }
}
