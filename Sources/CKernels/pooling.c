// 2x2 max pooling with stride 2 over planes of H x W floats (a ragged last row or column is dropped), optionally
// followed by ReLU in the same pass.
//
// The winner of each window is the first maximum in reading order (top-left, top-right, bottom-left,
// bottom-right). Forward writes only the maxima; backward recomputes the winners from the input, so no index
// array is stored and both loops are branch-free selects that the compiler turns into vector blends. Which cell
// wins is data-dependent, and as branches these loops spent most of their time in mispredictions.
#include "CKernels.h"
#include <stdint.h>
#include <math.h>
#include <string.h>

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

DIGITS_VECTOR_CLONES
void digits_maxpool2x2_forward(const float *restrict x, size_t planes, size_t height, size_t width, int rectify,
                               float *restrict y) {
    const size_t oh = height / 2, ow = width / 2;
    const float floor = rectify ? 0 : -INFINITY;
    for (size_t p = 0; p < planes; p++) {
        const float *plane = x + p * height * width;
        float *out = y + p * oh * ow;
        for (size_t i = 0; i < oh; i++) {
            const float *top = plane + 2 * i * width, *bottom = top + width;
            float *row = out + i * ow;
            for (size_t j = 0; j < ow; j++) {
                const float tl = top[2 * j], tr = top[2 * j + 1], bl = bottom[2 * j], br = bottom[2 * j + 1];
                const float t = tr > tl ? tr : tl, b = br > bl ? br : bl;
                const float m = b > t ? b : t;
                row[j] = m > floor ? m : floor;
            }
        }
    }
}

DIGITS_VECTOR_CLONES
void digits_maxpool2x2_backward(const float *restrict x, const float *restrict dy, size_t planes, size_t height,
                                size_t width, int rectify, float *restrict dx) {
    const size_t oh = height / 2, ow = width / 2;
    const float floor = rectify ? 0 : -INFINITY;
    for (size_t p = 0; p < planes; p++) {
        const float *plane = x + p * height * width;
        const float *grad = dy + p * oh * ow;
        float *dplane = dx + p * height * width;
        for (size_t i = 0; i < oh; i++) {
            const float *top = plane + 2 * i * width, *bottom = top + width;
            float *dtop = dplane + 2 * i * width, *dbottom = dtop + width;
            const float *g = grad + i * ow;
            for (size_t j = 0; j < ow; j++) {
                const float tl = top[2 * j], tr = top[2 * j + 1], bl = bottom[2 * j], br = bottom[2 * j + 1];
                const uint32_t right = tr > tl, bottomRight = br > bl;
                const float t = right ? tr : tl, b = bottomRight ? br : bl;
                const uint32_t down = b > t;
                // A rectified window whose maximum is not positive passes no gradient.
                const uint32_t gradient = bits(g[j]) & -(uint32_t)((down ? b : t) > floor);
                // All-ones or all-zeros masks: `cond ? g : 0` written as a select compiles to branches here.
                dtop[2 * j] = from_bits(gradient & -((1 - down) & (1 - right)));
                dtop[2 * j + 1] = from_bits(gradient & -((1 - down) & right));
                dbottom[2 * j] = from_bits(gradient & -(down & (1 - bottomRight)));
                dbottom[2 * j + 1] = from_bits(gradient & -(down & bottomRight));
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
