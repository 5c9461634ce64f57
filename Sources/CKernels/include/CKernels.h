// The core's C kernels, for the work BLAS does not cover: im2col and col2im, the single-channel 3x3 convolution,
// Winograd's transforms, pooling, ReLU, dropout and the preprocessing passes; and CPU feature detection, for
// choosing OpenBLAS's kernels and these kernels' paths.
#pragma once
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/// The OpenBLAS core type whose kernels suit this CPU ("SkylakeX" with AVX-512, "Haswell" with AVX2 and FMA),
/// or NULL when OpenBLAS's own detection should stand.
const char *digits_blas_core_for_cpu(void);

/// Whether the AVX-512 kernels run: the CPU has AVX-512F and `digits_use_portable_kernels` is off.
int digits_has_avx512(void);

/// With `on`, every kernel runs its portable variant, compiled for baseline x86-64, even on a CPU with AVX2 or
/// AVX-512, so tests can check that both give the same results; with 0, the CPU's best variant again. The kernels
/// otherwise choose on their first call.
void digits_use_portable_kernels(int on);

/// The winner code of a pooling window that passes no gradient.
enum { DIGITS_POOL_NO_WINNER = 0xFF };

/// 2x2, stride-2 max pooling of `planes` planes of `height` x `width` floats into `planes` x (height/2) x (width/2);
/// with `rectify`, each maximum then goes through ReLU. `winners` receives one code per output: which cell held
/// the first maximum in reading order (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right), or
/// `DIGITS_POOL_NO_WINNER` where a rectified maximum was not positive.
void digits_maxpool2x2_forward(const float *x, size_t planes, size_t height, size_t width, int rectify, float *y,
                               uint8_t *winners);

/// The gradient of `digits_maxpool2x2_forward`: each output gradient goes to the cell its code names; every other
/// input position, including a dropped ragged edge, gets zero. `winners` must stay readable 16 bytes past the last
/// plane's codes.
void digits_maxpool2x2_backward(const uint8_t *winners, const float *dy, size_t planes, size_t height, size_t width,
                                float *dx);

/// Unfolds one sample `[channels, height, width]` into the `[C*K*K, OH*OW]` matrix of a stride-1 convolution with
/// a `kernel` x `kernel` window and `pad` zeros on each side: row `(c*K+u)*K+v`, column `i*OW+j` holds
/// `x[c, i+u-pad, j+v-pad]`, zero outside the image. Rows start `stride` floats apart (at least OH*OW), so several
/// samples can be unfolded side by side into one wider matrix, each at its own column offset.
void digits_im2col(const float *x, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                   size_t out_height, size_t out_width, size_t stride, float *col);

/// The adjoint of `digits_im2col`: overwrites `x` with the sum of every column entry read from each position;
/// `col`'s rows start `stride` floats apart.
void digits_col2im(const float *col, size_t channels, size_t height, size_t width, size_t kernel, size_t pad,
                   size_t out_height, size_t out_width, size_t stride, float *x);

/// A 3x3 convolution of one single-channel sample `[height, width]` with `pad` (0 or 1) zeros each side, directly:
/// `y[f, i, j] = bias[f] + sum_{u,v} weight[f, u, v] * x[i+u-pad, j+v-pad]` for `filters` filters, `y` being
/// `[filters, OH, OW]` with OH = height + 2*pad - 2 (OW likewise) and `weight` `[filters, 3, 3]`.
void digits_conv3x3_single_channel_forward(const float *x, size_t height, size_t width, size_t pad,
                                           const float *weight, const float *bias, size_t filters, float *y);

/// Its weight gradient for one sample: `dweight[f, u, v] += sum_{i,j} dy[f, i, j] * x[i+u-pad, j+v-pad]`.
void digits_conv3x3_single_channel_weight_gradient(const float *x, size_t height, size_t width, size_t pad,
                                                   const float *dy, size_t filters, float *dweight);

/// Winograd F(2x2, 3x3), for the forward pass of a 3x3 convolution with `channels` (C) inputs and `out_channels`
/// (O) filters, over T = samples * tiles_h * tiles_w tiles of 2x2 outputs (tiles_h = ceil(OH / 2), likewise
/// tiles_w). The filter transform: `weight` `[O, C, 3, 3]` into `u` `[16][O][C]`.
void digits_winograd_weights(const float *weight, size_t out_channels, size_t channels, float *u);

/// The weight gradient's filter transform, the adjoint of `digits_winograd_weights`: `dweight` `[O, C, 3, 3]` +=
/// G^T dU G of each `du` `[16][O][C]`.
void digits_winograd_weight_gradient(const float *du, size_t out_channels, size_t channels, float *dweight);

/// The adjoint of the output transform, for the weight gradient: `samples` consecutive output gradients
/// `[O, out_height, out_width]` into `dm` `[16][O][T]`, dM = A dY A^T per tile (zeros past a ragged edge).
void digits_winograd_output_gradient(const float *dy, size_t samples, size_t out_channels, size_t out_height,
                                     size_t out_width, size_t tiles_h, size_t tiles_w, float *dm);

/// The floats of scratch that `digits_winograd_input` and `digits_winograd_output_pooled` need.
size_t digits_winograd_scratch(size_t tiles_h, size_t tiles_w);

/// The input transform of `samples` consecutive samples `[C, height, width]` with `pad` zeros each side into `v`
/// `[16][C][T]`, tile (n, s, t) being column `(n * tiles_h + s) * tiles_w + t`.
void digits_winograd_input(const float *x, size_t samples, size_t channels, size_t height, size_t width, size_t pad,
                           size_t tiles_h, size_t tiles_w, float *v, float *scratch);

/// The output transform of the 16 products `m` `[16][O][T]` (M = U V, summed over channels), plus `bias`, into
/// `samples` consecutive outputs `[O, out_height, out_width]`.
void digits_winograd_output(const float *m, size_t samples, size_t out_channels, size_t out_height,
                            size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, float *y);

/// The output transform followed by 2x2 max pooling, each tile being a window: `y` `[samples, O, OH/2, OW/2]` and
/// `winners`, exactly as `digits_maxpool2x2_forward` (with `rectify`) would pool the transform's output.
void digits_winograd_output_pooled(const float *m, size_t samples, size_t out_channels, size_t out_height,
                                   size_t out_width, size_t tiles_h, size_t tiles_w, const float *bias, int rectify,
                                   float *y, uint8_t *winners, float *scratch);

/// `y = max(x, 0)` over `count` floats.
void digits_relu_forward(const float *x, size_t count, float *y);

/// `dx = y > 0 ? dy : 0` over `count` floats, where `y` is the ReLU's output; `dx` may be `dy`.
void digits_relu_backward(const float *y, const float *dy, size_t count, float *dx);

/// `mass[x] += row[x]` and `moment[x] += position * row[x]` for `x < count`.
void digits_ink_moments(const float *row, float position, float *mass, float *moment, size_t count);

/// `y[x] += weight * row[x]` for `x < count`.
void digits_ink_add_scaled(const float *row, float weight, float *y, size_t count);

/// Inverted dropout over `count` floats from SplitMix64 `state`: each 64-bit draw gives four 16-bit uniforms; an
/// element is dropped (mask 0) when its uniform is below `threshold` and kept (mask `keep`) otherwise;
/// `y = x * mask`. Returns the generator state after the `ceil(count / 4)` draws.
uint64_t digits_dropout(uint64_t state, uint32_t threshold, float keep, const float *x, size_t count, float *mask,
                        float *y);

/// Per cell of a `grid_width` x `grid_height` grid of `cell` x `cell` pixel squares over a `width` x `height`
/// canvas: the total ink (`mass`) and the strongest pixel (`peak`, at least 0). `columns` is scratch for
/// `2 * width` floats. Sums run row by row within a band of rows, then left to right within a cell.
void digits_ink_cells(const float *pixels, size_t width, size_t height, size_t cell, size_t grid_width,
                      size_t grid_height, float *columns, float *mass, float *peak);

/// Labels the 8-connected blobs of `strong` cells on a `grid_width` x `grid_height` grid, seeds in reading order
/// and each blob filled depth-first: `label` gets each cell's blob (-1 for weak cells), `blob_mass` each blob's total
/// `mass`, summed in the order the fill visits its cells. `label` and `stack` hold one entry per cell, `blob_mass`
/// one per blob (at most one per cell). Returns the number of blobs.
size_t digits_ink_blobs(const bool *strong, const float *mass, size_t grid_width, size_t grid_height, int32_t *label,
                        int32_t *stack, float *blob_mass);

/// Batch normalization's statistics for one channel: the mean and the (biased) variance of `n` runs of `count`
/// floats, `stride` floats apart, the variance from deviations from the mean (two passes). Sums run in lanes (see
/// batchnorm.c), so every kernel path gives the same bits.
void digits_batchnorm_statistics(const float *x, size_t n, size_t count, size_t stride, float *mean, float *variance);

/// Batch normalization's output for one channel, over the same runs:
/// `y = gamma * ((x - mean) * inverse_std) + beta`, then through ReLU with `rectify`.
void digits_batchnorm_normalize(const float *x, size_t n, size_t count, size_t stride, float mean, float inverse_std,
                                float gamma, float beta, int rectify, float *y);

/// Batch normalization's input gradient for one channel: `n` runs of `count` floats, `stride` floats apart, of the
/// input `x` and output gradient `dy` (with `rectify`, masked where the output `gamma * xhat + beta` was not
/// positive, recomputed as the forward pass computed it rather than read back).
/// `dx = gamma * inverse_std / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))` with `xhat = (x - mean) * inverse_std`
/// and `M = n * count`; the two sums, taken in the statistics' lanes so that every kernel path gives the same bits,
/// are returned for the parameter gradients. `dx` may be `dy` itself: each `dx` is written after every `dy` has been
/// summed, from its own `dy` only.
void digits_batchnorm_backward(const float *x, int rectify, const float *dy, size_t n, size_t count, size_t stride,
                               float mean, float inverse_std, float gamma, float beta, float *dx, float *sum_dy,
                               float *sum_dy_xhat);

/// Returns the memory malloc holds free, in every thread's arena, to the system (glibc's `malloc_trim`; nothing
/// elsewhere). A long-lived process calls it after a large one-off job: glibc shrinks a thread's arena only from
/// its top, so the freed buffers of a job run on a worker thread would otherwise stay resident.
void digits_return_free_memory(void);
