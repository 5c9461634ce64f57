// Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray 2016) for the forward pass of a 3x3, stride-1
// convolution: each 2x2 block of outputs (a tile) comes from the 4x4 block of inputs under it, with 16
// multiplications per input channel instead of 36.
//
//   U = G g G^T per filter and channel, V = B^T d B per tile and channel, M = sum over channels of U . V (16
//   matrix products, one per position in the 4x4 block, which SGEMM does), y = A^T M A.
//
// Here are the three transforms. Position (i, j) of the 4x4 block is matrix i*4+j; i runs down, j across. Tiles
// are numbered sample by sample, then row by row: tile (n, s, t) is column (n*tiles_h + s)*tiles_w + t of the
// [16][C][T] and [16][O][T] matrices and covers output rows 2s, 2s+1 and columns 2t, 2t+1, cropped at a ragged
// edge. A row of tiles is short (6 for an 11x11 output), so with AVX-512 it is one vector: the transforms take a
// row's even and odd columns apart, and put them together again, with two-source permutes.
#include "CKernels.h"
#include "dispatch.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { positions = 16 };

void digits_winograd_weights(const float *weight, size_t out_channels, size_t channels, float *u) {
    const size_t count = out_channels * channels;
    for (size_t k = 0; k < count; k++) {
        const float *g = weight + k * 9;
        float gg[4][3];  // G g, down the kernel's rows: g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2
        for (size_t j = 0; j < 3; j++) {
            gg[0][j] = g[j];
            gg[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
            gg[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
            gg[3][j] = g[6 + j];
        }
        for (size_t i = 0; i < 4; i++) {  // then G^T, across
            const float a = gg[i][0], b = gg[i][1], c = gg[i][2];
            const float row[4] = {a, 0.5f * (a + b + c), 0.5f * (a - b + c), c};
            for (size_t j = 0; j < 4; j++) u[(i * 4 + j) * count + k] = row[j];
        }
    }
}

void digits_winograd_weight_gradient(const float *du, size_t out_channels, size_t channels, float *dweight) {
    const size_t count = out_channels * channels;
    for (size_t k = 0; k < count; k++) {
        float down[3][4];  // G^T down: u0 + (u1 + u2) / 2, (u1 - u2) / 2, (u1 + u2) / 2 + u3, per column j
        for (size_t j = 0; j < 4; j++) {
            const float u0 = du[j * count + k], u1 = du[(4 + j) * count + k];
            const float u2 = du[(8 + j) * count + k], u3 = du[(12 + j) * count + k];
            down[0][j] = u0 + 0.5f * (u1 + u2);
            down[1][j] = 0.5f * (u1 - u2);
            down[2][j] = 0.5f * (u1 + u2) + u3;
        }
        float *g = dweight + k * 9;
        for (size_t a = 0; a < 3; a++) {  // then G across
            const float *r = down[a];
            g[a * 3] += r[0] + 0.5f * (r[1] + r[2]);
            g[a * 3 + 1] += 0.5f * (r[1] - r[2]);
            g[a * 3 + 2] += 0.5f * (r[1] + r[2]) + r[3];
        }
    }
}

/// `plane` gets input plane `src` with `pad` zeros before it and zeros after it, out to whole tiles.
static inline void pad_plane(const float *src, size_t height, size_t width, size_t pad, size_t padded_h,
                             size_t padded_w, float *plane) {
    memset(plane, 0, sizeof(float) * padded_h * padded_w);
    const size_t rows = height < padded_h - pad ? height : padded_h - pad;
    const size_t columns = width < padded_w - pad ? width : padded_w - pad;
    for (size_t r = 0; r < rows; r++) {
        memcpy(plane + (r + pad) * padded_w + pad, src + r * width, sizeof(float) * columns);
    }
}

DIGITS_BODY void input_transform(const float *restrict x, size_t samples, size_t channels, size_t height,
                                 size_t width, size_t pad, size_t tiles_h, size_t tiles_w, float *restrict v,
                                 float *restrict plane) {
    const size_t padded_h = 2 * tiles_h + 2, padded_w = 2 * tiles_w + 2, tiles = samples * tiles_h * tiles_w;
    const size_t stride = channels * tiles;  // between the 16 matrices
    for (size_t n = 0; n < samples; n++) {
        for (size_t c = 0; c < channels; c++) {
            pad_plane(x + (n * channels + c) * height * width, height, width, pad, padded_h, padded_w, plane);
            for (size_t s = 0; s < tiles_h; s++) {
                float *out = v + c * tiles + (n * tiles_h + s) * tiles_w;
                for (size_t t = 0; t < tiles_w; t++) {
                    float a[4][4];  // B^T across each of the 4 rows: d0 - d2, d1 + d2, d2 - d1, d1 - d3
                    for (size_t r = 0; r < 4; r++) {
                        const float *d = plane + (2 * s + r) * padded_w + 2 * t;
                        a[r][0] = d[0] - d[2];
                        a[r][1] = d[1] + d[2];
                        a[r][2] = d[2] - d[1];
                        a[r][3] = d[1] - d[3];
                    }
                    for (size_t j = 0; j < 4; j++) {  // then down
                        out[j * stride + t] = a[0][j] - a[2][j];
                        out[(4 + j) * stride + t] = a[1][j] + a[2][j];
                        out[(8 + j) * stride + t] = a[2][j] - a[1][j];
                        out[(12 + j) * stride + t] = a[1][j] - a[3][j];
                    }
                }
            }
        }
    }
}

DIGITS_BODY void output_transform(const float *restrict m, size_t samples, size_t out_channels, size_t out_height,
                                  size_t out_width, size_t tiles_h, size_t tiles_w, const float *restrict bias,
                                  float *restrict y) {
    const size_t tiles = samples * tiles_h * tiles_w, stride = out_channels * tiles;
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            float *plane = y + (n * out_channels + o) * out_height * out_width;
            for (size_t s = 0; s < tiles_h; s++) {
                const float *in = m + o * tiles + (n * tiles_h + s) * tiles_w;
                for (size_t t = 0; t < tiles_w; t++) {
                    float e[2][4];  // A^T down: m0 + m1 + m2 and m1 - m2 - m3 of each column j
                    for (size_t j = 0; j < 4; j++) {
                        const float m0 = in[j * stride + t], m1 = in[(4 + j) * stride + t];
                        const float m2 = in[(8 + j) * stride + t], m3 = in[(12 + j) * stride + t];
                        e[0][j] = m0 + m1 + m2;
                        e[1][j] = m1 - m2 - m3;
                    }
                    for (size_t a = 0; a < 2 && 2 * s + a < out_height; a++) {  // then across, plus the bias
                        float *row = plane + (2 * s + a) * out_width;
                        row[2 * t] = bias[o] + (e[a][0] + e[a][1] + e[a][2]);
                        if (2 * t + 1 < out_width) row[2 * t + 1] = bias[o] + (e[a][1] - e[a][2] - e[a][3]);
                    }
                }
            }
        }
    }
}

/// The pooling of one window, as `digits_maxpool2x2_forward` does it: the first maximum in reading order, then
/// the floor (0 with ReLU, else -infinity); the winner's code, or none where the maximum does not pass the floor.
static inline void pool_window(float tl, float tr, float bl, float br, float floor, float *value, uint8_t *code) {
    const uint32_t right = tr > tl, bottom_right = br > bl;
    const float t = right ? tr : tl, b = bottom_right ? br : bl;
    const uint32_t down = b > t;
    const float m = down ? b : t;
    const uint32_t passes = m > floor;
    *value = passes ? m : floor;
    *code = (uint8_t)(passes ? 2 * down + (down ? bottom_right : right) : DIGITS_POOL_NO_WINNER);
}

DIGITS_BODY void output_pooled(const float *restrict m, size_t samples, size_t out_channels, size_t out_height,
                               size_t out_width, size_t tiles_h, size_t tiles_w, const float *restrict bias,
                               int rectify, float *restrict y, uint8_t *restrict winners) {
    const size_t tiles = samples * tiles_h * tiles_w, stride = out_channels * tiles;
    const size_t pooled_h = out_height / 2, pooled_w = out_width / 2;
    const float floor = rectify ? 0 : -INFINITY;
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            const size_t plane = (n * out_channels + o) * pooled_h * pooled_w;
            for (size_t s = 0; s < pooled_h; s++) {
                const float *in = m + o * tiles + (n * tiles_h + s) * tiles_w;
                for (size_t t = 0; t < pooled_w; t++) {
                    float e[2][4];
                    for (size_t j = 0; j < 4; j++) {
                        const float m0 = in[j * stride + t], m1 = in[(4 + j) * stride + t];
                        const float m2 = in[(8 + j) * stride + t], m3 = in[(12 + j) * stride + t];
                        e[0][j] = m0 + m1 + m2;
                        e[1][j] = m1 - m2 - m3;
                    }
                    float cell[2][2];
                    for (size_t a = 0; a < 2; a++) {
                        cell[a][0] = bias[o] + (e[a][0] + e[a][1] + e[a][2]);
                        cell[a][1] = bias[o] + (e[a][1] - e[a][2] - e[a][3]);
                    }
                    pool_window(cell[0][0], cell[0][1], cell[1][0], cell[1][1], floor, y + plane + s * pooled_w + t,
                                winners + plane + s * pooled_w + t);
                }
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define DIGITS_WINOGRAD_AVX512 1
/// The most tiles across that one vector holds; the padded row, 2 * tiles + 2 floats, then fits in two vectors.
enum { vector_tiles = 15 };

static inline __mmask16 first_lanes(size_t n) { return (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1); }

/// B^T across padded row `r` of one input plane (`rows` x `width`, `pad` zeros before it): lane t of `a[k]` is
/// tile t's k-th value (d0 - d2, d1 + d2, d2 - d1, d1 - d3 of the row's floats 2t .. 2t + 3). `load0` and `load1`
/// mark the lanes of the row's first and second 16 floats that hold input rather than padding.
__attribute__((target("avx512f")))
static inline void across_row(const float *src, size_t r, size_t pad, size_t rows, size_t width, __mmask16 load0,
                              __mmask16 load1, __m512 a[4]) {
    if (r < pad || r - pad >= rows) {
        for (size_t k = 0; k < 4; k++) a[k] = _mm512_setzero_ps();
        return;
    }
    // Lane t of d_k is the row's float 2t + k (indices past 31 wrap; those lanes lie beyond the tiles).
    const __m512i at0 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i at1 = _mm512_add_epi32(at0, _mm512_set1_epi32(1));
    const __m512i at2 = _mm512_and_si512(_mm512_add_epi32(at0, _mm512_set1_epi32(2)), _mm512_set1_epi32(31));
    const __m512i at3 = _mm512_and_si512(_mm512_add_epi32(at0, _mm512_set1_epi32(3)), _mm512_set1_epi32(31));
    // Lane j reads input column j - pad; masked-off lanes are never read, so nothing before the row is touched.
    const float *line = src + (r - pad) * width - pad;
    const __m512 lo = _mm512_maskz_loadu_ps(load0, line), hi = _mm512_maskz_loadu_ps(load1, line + 16);
    const __m512 d0 = _mm512_permutex2var_ps(lo, at0, hi), d1 = _mm512_permutex2var_ps(lo, at1, hi);
    const __m512 d2 = _mm512_permutex2var_ps(lo, at2, hi), d3 = _mm512_permutex2var_ps(lo, at3, hi);
    a[0] = _mm512_sub_ps(d0, d2);
    a[1] = _mm512_add_ps(d1, d2);
    a[2] = _mm512_sub_ps(d2, d1);
    a[3] = _mm512_sub_ps(d1, d3);
}

/// The input transform with rows read straight from the input (the padding comes from masked loads, so no padded
/// copy of the plane is made), each row transformed across once: a tile row's last two rows are the next one's
/// first two. The same operations in the same order as `input_transform`, so the same bits.
__attribute__((target("avx512f")))
static void input_vector(const float *restrict x, size_t samples, size_t channels, size_t height, size_t width,
                         size_t pad, size_t tiles_h, size_t tiles_w, float *restrict v) {
    const size_t padded_h = 2 * tiles_h + 2, padded_w = 2 * tiles_w + 2, tiles = samples * tiles_h * tiles_w;
    const size_t stride = channels * tiles;
    const size_t rows = height < padded_h - pad ? height : padded_h - pad;
    const size_t columns = width < padded_w - pad ? width : padded_w - pad;
    const uint32_t inside = (uint32_t)((((uint64_t)1 << columns) - 1) << pad);  // padded_w <= 32 lanes
    const __mmask16 load0 = (__mmask16)(inside & 0xFFFF), load1 = (__mmask16)(inside >> 16);
    const __mmask16 lanes = first_lanes(tiles_w);
    for (size_t n = 0; n < samples; n++) {
        for (size_t c = 0; c < channels; c++) {
            const float *src = x + (n * channels + c) * height * width;
            __m512 a[4][4];
            across_row(src, 0, pad, rows, width, load0, load1, a[2]);
            across_row(src, 1, pad, rows, width, load0, load1, a[3]);
            // The next plane, a little of it per tile row, so its rows are in cache when it is read.
            const float *next = src + height * width;
            const size_t plane_bytes = sizeof(float) * height * width, share = (plane_bytes + tiles_h - 1) / tiles_h;
            for (size_t s = 0; s < tiles_h; s++) {
                if (n + 1 < samples || c + 1 < channels) {
                    for (size_t b = s * share; b < (s + 1) * share && b < plane_bytes; b += 64) {
                        _mm_prefetch((const char *)next + b, _MM_HINT_T0);
                    }
                }
                memcpy(a[0], a[2], sizeof a[0]);
                memcpy(a[1], a[3], sizeof a[1]);
                across_row(src, 2 * s + 2, pad, rows, width, load0, load1, a[2]);
                across_row(src, 2 * s + 3, pad, rows, width, load0, load1, a[3]);
                float *out = v + c * tiles + (n * tiles_h + s) * tiles_w;
                for (size_t j = 0; j < 4; j++) {  // then down
                    _mm512_mask_storeu_ps(out + j * stride, lanes, _mm512_sub_ps(a[0][j], a[2][j]));
                    _mm512_mask_storeu_ps(out + (4 + j) * stride, lanes, _mm512_add_ps(a[1][j], a[2][j]));
                    _mm512_mask_storeu_ps(out + (8 + j) * stride, lanes, _mm512_sub_ps(a[2][j], a[1][j]));
                    _mm512_mask_storeu_ps(out + (12 + j) * stride, lanes, _mm512_sub_ps(a[1][j], a[3][j]));
                }
            }
        }
    }
}

__attribute__((target("avx512f")))
static void output_vector(const float *restrict m, size_t samples, size_t out_channels, size_t out_height,
                          size_t out_width, size_t tiles_h, size_t tiles_w, const float *restrict bias,
                          float *restrict y) {
    const size_t tiles = samples * tiles_h * tiles_w, stride = out_channels * tiles;
    const __mmask16 lanes = first_lanes(tiles_w), store0 = first_lanes(out_width);
    const __mmask16 store1 = first_lanes(out_width > 16 ? out_width - 16 : 0);
    // Interleaving the even columns (first source) with the odd ones (second source).
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_add_epi32(low, _mm512_set1_epi32(8));
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            float *plane = y + (n * out_channels + o) * out_height * out_width;
            const __m512 b = _mm512_set1_ps(bias[o]);
            for (size_t s = 0; s < tiles_h; s++) {
                const float *in = m + o * tiles + (n * tiles_h + s) * tiles_w;
                __m512 e[2][4];
                for (size_t j = 0; j < 4; j++) {
                    const __m512 m0 = _mm512_maskz_loadu_ps(lanes, in + j * stride);
                    const __m512 m1 = _mm512_maskz_loadu_ps(lanes, in + (4 + j) * stride);
                    const __m512 m2 = _mm512_maskz_loadu_ps(lanes, in + (8 + j) * stride);
                    const __m512 m3 = _mm512_maskz_loadu_ps(lanes, in + (12 + j) * stride);
                    e[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
                    e[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
                }
                for (size_t a = 0; a < 2 && 2 * s + a < out_height; a++) {
                    const __m512 even = _mm512_add_ps(b, _mm512_add_ps(_mm512_add_ps(e[a][0], e[a][1]), e[a][2]));
                    const __m512 odd = _mm512_add_ps(b, _mm512_sub_ps(_mm512_sub_ps(e[a][1], e[a][2]), e[a][3]));
                    float *row = plane + (2 * s + a) * out_width;
                    _mm512_mask_storeu_ps(row, store0, _mm512_permutex2var_ps(even, low, odd));
                    if (store1) _mm512_mask_storeu_ps(row + 16, store1, _mm512_permutex2var_ps(even, high, odd));
                }
            }
        }
    }
}

__attribute__((target("avx512f")))
static void output_gradient_vector(const float *restrict dy, size_t samples, size_t out_channels, size_t out_height,
                                   size_t out_width, size_t tiles_h, size_t tiles_w, float *restrict dm) {
    const size_t tiles = samples * tiles_h * tiles_w, stride = out_channels * tiles;
    const __mmask16 lanes = first_lanes(tiles_w), load0 = first_lanes(out_width);
    const __mmask16 load1 = first_lanes(out_width > 16 ? out_width - 16 : 0);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i sign = _mm512_set1_epi32((int)0x80000000);  // negation, exactly as the portable `-x`
#define NEGATE(x) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), sign))
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            const float *plane = dy + (n * out_channels + o) * out_height * out_width;
            for (size_t s = 0; s < tiles_h; s++) {
                // The tile row's two output rows split into even and odd columns; zeros past a ragged edge.
                const float *row0 = plane + 2 * s * out_width, *row1 = row0 + out_width;
                const int lower = 2 * s + 1 < out_height;
                const __m512 a0 = _mm512_maskz_loadu_ps(load0, row0), a1 = _mm512_maskz_loadu_ps(load1, row0 + 16);
                const __m512 b0 = _mm512_maskz_loadu_ps(lower ? load0 : 0, row1);
                const __m512 b1 = _mm512_maskz_loadu_ps(lower ? load1 : 0, row1 + 16);
                const __m512 d00 = _mm512_permutex2var_ps(a0, even, a1), d01 = _mm512_permutex2var_ps(a0, odd, a1);
                const __m512 d10 = _mm512_permutex2var_ps(b0, even, b1), d11 = _mm512_permutex2var_ps(b0, odd, b1);
                const __m512 r0[4] = {d00, _mm512_add_ps(d00, d01), _mm512_sub_ps(d00, d01), NEGATE(d01)};
                const __m512 r1[4] = {d10, _mm512_add_ps(d10, d11), _mm512_sub_ps(d10, d11), NEGATE(d11)};
                float *out = dm + o * tiles + (n * tiles_h + s) * tiles_w;
                for (size_t j = 0; j < 4; j++) {
                    _mm512_mask_storeu_ps(out + j * stride, lanes, r0[j]);
                    _mm512_mask_storeu_ps(out + (4 + j) * stride, lanes, _mm512_add_ps(r0[j], r1[j]));
                    _mm512_mask_storeu_ps(out + (8 + j) * stride, lanes, _mm512_sub_ps(r0[j], r1[j]));
                    _mm512_mask_storeu_ps(out + (12 + j) * stride, lanes, NEGATE(r1[j]));
                }
            }
        }
    }
#undef NEGATE
}

/// The output transform and pooling over a plane's tiles in reading order, 16 at a time whatever the rows, into
/// `scratch` (values, then codes); then the whole windows' rows go out.
__attribute__((target("avx512f")))
static void output_pooled_vector(const float *restrict m, size_t samples, size_t out_channels, size_t out_height,
                                 size_t out_width, size_t tiles_h, size_t tiles_w, const float *restrict bias,
                                 int rectify, float *restrict y, uint8_t *restrict winners, float *restrict scratch) {
    const size_t plane_tiles = tiles_h * tiles_w, tiles = samples * plane_tiles, stride = out_channels * tiles;
    const size_t pooled_h = out_height / 2, pooled_w = out_width / 2;
    float *values = scratch;
    uint8_t *codes = (uint8_t *)(scratch + plane_tiles);
    const __m512 floor = _mm512_set1_ps(rectify ? 0 : -INFINITY);
    const __m512i none = _mm512_set1_epi32(DIGITS_POOL_NO_WINNER), one = _mm512_set1_epi32(1);
    const __m512i two = _mm512_set1_epi32(2);
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            const float *in = m + o * tiles + n * plane_tiles;
            const __m512 b = _mm512_set1_ps(bias[o]);
            for (size_t k = 0; k < plane_tiles; k += 16) {
                const __mmask16 lanes = first_lanes(plane_tiles - k);
                __m512 e[2][4];
                for (size_t j = 0; j < 4; j++) {
                    const __m512 m0 = _mm512_maskz_loadu_ps(lanes, in + j * stride + k);
                    const __m512 m1 = _mm512_maskz_loadu_ps(lanes, in + (4 + j) * stride + k);
                    const __m512 m2 = _mm512_maskz_loadu_ps(lanes, in + (8 + j) * stride + k);
                    const __m512 m3 = _mm512_maskz_loadu_ps(lanes, in + (12 + j) * stride + k);
                    e[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
                    e[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
                }
                __m512 cell[2][2];
                for (size_t a = 0; a < 2; a++) {
                    cell[a][0] = _mm512_add_ps(b, _mm512_add_ps(_mm512_add_ps(e[a][0], e[a][1]), e[a][2]));
                    cell[a][1] = _mm512_add_ps(b, _mm512_sub_ps(_mm512_sub_ps(e[a][1], e[a][2]), e[a][3]));
                }
                // As digits_maxpool2x2_forward: the first maximum in reading order, then the floor.
                const __mmask16 right = _mm512_cmp_ps_mask(cell[0][1], cell[0][0], _CMP_GT_OQ);
                const __mmask16 bottom_right = _mm512_cmp_ps_mask(cell[1][1], cell[1][0], _CMP_GT_OQ);
                const __m512 t = _mm512_mask_blend_ps(right, cell[0][0], cell[0][1]);
                const __m512 bt = _mm512_mask_blend_ps(bottom_right, cell[1][0], cell[1][1]);
                const __mmask16 down = _mm512_cmp_ps_mask(bt, t, _CMP_GT_OQ);
                const __m512 best = _mm512_mask_blend_ps(down, t, bt);
                const __mmask16 passes = _mm512_cmp_ps_mask(best, floor, _CMP_GT_OQ);
                _mm512_mask_storeu_ps(values + k, lanes, _mm512_mask_blend_ps(passes, floor, best));
                const __mmask16 column = (__mmask16)((down & bottom_right) | (~down & right));
                const __m512i winner = _mm512_or_si512(_mm512_maskz_mov_epi32(down, two),
                                                       _mm512_maskz_mov_epi32(column, one));
                _mm512_mask_cvtepi32_storeu_epi8(codes + k, lanes, _mm512_mask_mov_epi32(none, passes, winner));
            }
            const size_t plane = (n * out_channels + o) * pooled_h * pooled_w;
            for (size_t s = 0; s < pooled_h; s++) {
                memcpy(y + plane + s * pooled_w, values + s * tiles_w, sizeof(float) * pooled_w);
                memcpy(winners + plane + s * pooled_w, codes + s * tiles_w, pooled_w);
            }
        }
    }
}
#endif

DIGITS_BODY void output_gradient_transform(const float *restrict dy, size_t samples, size_t out_channels,
                                           size_t out_height, size_t out_width, size_t tiles_h, size_t tiles_w,
                                           float *restrict dm) {
    const size_t tiles = samples * tiles_h * tiles_w, stride = out_channels * tiles;
    for (size_t n = 0; n < samples; n++) {
        for (size_t o = 0; o < out_channels; o++) {
            const float *plane = dy + (n * out_channels + o) * out_height * out_width;
            for (size_t s = 0; s < tiles_h; s++) {
                float *out = dm + o * tiles + (n * tiles_h + s) * tiles_w;
                const int lower = 2 * s + 1 < out_height;
                const float *row0 = plane + 2 * s * out_width, *row1 = lower ? row0 + out_width : row0;
                for (size_t t = 0; t < tiles_w; t++) {
                    const int right = 2 * t + 1 < out_width;
                    const float d00 = row0[2 * t], d01 = right ? row0[2 * t + 1] : 0;
                    const float d10 = lower ? row1[2 * t] : 0, d11 = lower && right ? row1[2 * t + 1] : 0;
                    // A across each row, (d0, d1) -> (d0, d0 + d1, d0 - d1, -d1), then A down.
                    const float r0[4] = {d00, d00 + d01, d00 - d01, -d01}, r1[4] = {d10, d10 + d11, d10 - d11, -d11};
                    for (size_t j = 0; j < 4; j++) {
                        out[j * stride + t] = r0[j];
                        out[(4 + j) * stride + t] = r0[j] + r1[j];
                        out[(8 + j) * stride + t] = r0[j] - r1[j];
                        out[(12 + j) * stride + t] = -r1[j];
                    }
                }
            }
        }
    }
}

typedef void output_gradient_fn(const float *, size_t, size_t, size_t, size_t, size_t, size_t, float *);

static void output_gradient_portable(const float *dy, size_t samples, size_t out_channels, size_t out_height,
                                     size_t out_width, size_t tiles_h, size_t tiles_w, float *dm) {
    output_gradient_transform(dy, samples, out_channels, out_height, out_width, tiles_h, tiles_w, dm);
}

DIGITS_TARGET_AVX2
static void output_gradient_avx2(const float *dy, size_t samples, size_t out_channels, size_t out_height,
                                 size_t out_width, size_t tiles_h, size_t tiles_w, float *dm) {
    output_gradient_transform(dy, samples, out_channels, out_height, out_width, tiles_h, tiles_w, dm);
}

DIGITS_TARGET_AVX512
static void output_gradient_avx512(const float *dy, size_t samples, size_t out_channels, size_t out_height,
                                   size_t out_width, size_t tiles_h, size_t tiles_w, float *dm) {
    output_gradient_transform(dy, samples, out_channels, out_height, out_width, tiles_h, tiles_w, dm);
}

static output_gradient_fn *const output_gradient_variants[digits_path_count] = {
    output_gradient_portable, output_gradient_avx2, output_gradient_avx512};

void digits_winograd_output_gradient(const float *dy, size_t samples, size_t out_channels, size_t out_height,
                                     size_t out_width, size_t tiles_h, size_t tiles_w, float *dm) {
#if DIGITS_WINOGRAD_AVX512
    if (digits_kernel_path() == digits_path_avx512 && tiles_w <= vector_tiles) {
        output_gradient_vector(dy, samples, out_channels, out_height, out_width, tiles_h, tiles_w, dm);
        return;
    }
#endif
    output_gradient_variants[digits_kernel_path()](dy, samples, out_channels, out_height, out_width, tiles_h, tiles_w,
                                                   dm);
}

typedef void input_fn(const float *, size_t, size_t, size_t, size_t, size_t, size_t, size_t, float *, float *);
typedef void output_fn(const float *, size_t, size_t, size_t, size_t, size_t, size_t, const float *, float *);

static void input_portable(const float *x, size_t samples, size_t channels, size_t height, size_t width, size_t pad,
                           size_t tiles_h, size_t tiles_w, float *v, float *plane) {
    input_transform(x, samples, channels, height, width, pad, tiles_h, tiles_w, v, plane);
}

DIGITS_TARGET_AVX2
static void input_avx2(const float *x, size_t samples, size_t channels, size_t height, size_t width, size_t pad,
                       size_t tiles_h, size_t tiles_w, float *v, float *plane) {
    input_transform(x, samples, channels, height, width, pad, tiles_h, tiles_w, v, plane);
}

DIGITS_TARGET_AVX512
static void input_avx512(const float *x, size_t samples, size_t channels, size_t height, size_t width, size_t pad,
                         size_t tiles_h, size_t tiles_w, float *v, float *plane) {
    input_transform(x, samples, channels, height, width, pad, tiles_h, tiles_w, v, plane);
}

static input_fn *const input_variants[digits_path_count] = {input_portable, input_avx2, input_avx512};

static void output_portable(const float *m, size_t samples, size_t out_channels, size_t out_height, size_t out_width,
                            size_t tiles_h, size_t tiles_w, const float *bias, float *y) {
    output_transform(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, y);
}

DIGITS_TARGET_AVX2
static void output_avx2(const float *m, size_t samples, size_t out_channels, size_t out_height, size_t out_width,
                        size_t tiles_h, size_t tiles_w, const float *bias, float *y) {
    output_transform(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, y);
}

DIGITS_TARGET_AVX512
static void output_avx512(const float *m, size_t samples, size_t out_channels, size_t out_height, size_t out_width,
                          size_t tiles_h, size_t tiles_w, const float *bias, float *y) {
    output_transform(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, y);
}

static output_fn *const output_variants[digits_path_count] = {output_portable, output_avx2, output_avx512};

typedef void output_pooled_fn(const float *, size_t, size_t, size_t, size_t, size_t, size_t, const float *, int,
                              float *, uint8_t *);

static void output_pooled_portable(const float *m, size_t samples, size_t out_channels, size_t out_height,
                                   size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, int rectify,
                                   float *y, uint8_t *winners) {
    output_pooled(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, rectify, y, winners);
}

DIGITS_TARGET_AVX2
static void output_pooled_avx2(const float *m, size_t samples, size_t out_channels, size_t out_height,
                               size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, int rectify,
                               float *y, uint8_t *winners) {
    output_pooled(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, rectify, y, winners);
}

DIGITS_TARGET_AVX512
static void output_pooled_avx512(const float *m, size_t samples, size_t out_channels, size_t out_height,
                                 size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, int rectify,
                                 float *y, uint8_t *winners) {
    output_pooled(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, rectify, y, winners);
}

static output_pooled_fn *const output_pooled_variants[digits_path_count] = {
    output_pooled_portable, output_pooled_avx2, output_pooled_avx512};

size_t digits_winograd_scratch(size_t tiles_h, size_t tiles_w) { return (2 * tiles_h + 2) * (2 * tiles_w + 2); }

void digits_winograd_input(const float *x, size_t samples, size_t channels, size_t height, size_t width, size_t pad,
                           size_t tiles_h, size_t tiles_w, float *v, float *scratch) {
    const digits_path path = digits_kernel_path();
#if DIGITS_WINOGRAD_AVX512
    if (path == digits_path_avx512 && tiles_w <= vector_tiles) {
        input_vector(x, samples, channels, height, width, pad, tiles_h, tiles_w, v);
        return;
    }
#endif
    input_variants[path](x, samples, channels, height, width, pad, tiles_h, tiles_w, v, scratch);
}

void digits_winograd_output(const float *m, size_t samples, size_t out_channels, size_t out_height,
                            size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, float *y) {
    const digits_path path = digits_kernel_path();
#if DIGITS_WINOGRAD_AVX512
    if (path == digits_path_avx512 && tiles_w <= vector_tiles) {
        output_vector(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, y);
        return;
    }
#endif
    output_variants[path](m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, y);
}

void digits_winograd_output_pooled(const float *m, size_t samples, size_t out_channels, size_t out_height,
                                   size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, int rectify,
                                   float *y, uint8_t *winners, float *scratch) {
    const digits_path path = digits_kernel_path();
#if DIGITS_WINOGRAD_AVX512
    if (path == digits_path_avx512) {
        output_pooled_vector(m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, rectify, y,
                             winners, scratch);
        return;
    }
#endif
    (void)scratch;
    output_pooled_variants[path](m, samples, out_channels, out_height, out_width, tiles_h, tiles_w, bias, rectify, y,
                                 winners);
}
