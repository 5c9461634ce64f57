// ReLU forward and backward. The backward select is written with bit masks: as `y > 0 ? dy : 0` the compiler
// emitted a branch per element, which mispredicts on half of them.
#include "CKernels.h"
#include "vector.h"
#include <stdint.h>
#include <string.h>

DIGITS_VECTOR_CLONES
void digits_relu_forward(const float *restrict x, size_t count, float *restrict y) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

DIGITS_VECTOR_CLONES
void digits_relu_backward(const float *restrict y, const float *restrict dy, size_t count, float *restrict dx) {
    for (size_t i = 0; i < count; i++) {
        uint32_t g;
        memcpy(&g, &dy[i], sizeof g);
        g &= -(uint32_t)(y[i] > 0);
        memcpy(&dx[i], &g, sizeof g);
    }
}
