/* conv.h — kernels of the convolutional layers: conv2d by im2col + gemm, max pooling,
 * batch normalisation. Plain float arrays and shape integers, layout NCHW; they
 * allocate nothing and never throw (callers check shapes and provide scratch).
 * The differentiable ops built on them are ad_conv2d, ad_maxpool2d and ad_batchnorm
 * (autograd.h). Backward kernels accumulate (+=) into their gradients.
 */
#ifndef NN_CONV_H
#define NN_CONV_H

#include <stdint.h>

/* One convolution: x [B, C, H, W], w [F, C, k, k], b [F] → y [B, F, OH, OW] with
   OH = floor((H + 2·pad − k)/stride) + 1 (OW alike). */
typedef struct ConvShape {
  int64_t B, C, H, W, F, k, stride, pad, OH, OW;
} ConvShape;

/* Output size of one axis, floor((n + 2·pad − k)/stride) + 1; < 1 when k does not fit. */
int64_t conv_out_size(int64_t n, int64_t k, int64_t stride, int64_t pad);
/* How the fast kernels go (measured on the Fashion CNN, see conv.c). One sample's
   column matrix [C·k·k, OH·OW] is col[(c·k + i)·k + j][oh·OW + ow] =
   x[c][oh·s − p + i][ow·s − p + j], 0 in the padding; im2col over a
   block of conv_block(s) samples (the whole batch unless its matrices pass 16 MiB),
   then, when conv_batched(s), one gemm per block: col [C·k·k, m·OH·OW] holds the samples
   side by side, yt [F, m·OH·OW] = w [F, C·k·k] · col is scattered to y with the bias;
   backward dw += dyt · colᵀ and dcol = wᵀ · dyt, one gemm each. Small layers (few
   filters × taps: a first layer) keep col per sample [m, C·k·k, OH·OW] and one gemm per
   sample, which OpenBLAS runs faster there. dx by col2im. im2col, col2im, scatter and
   gather are split over samples by par_for. (Direct summation for one input channel
   was measured too: 3.5× slower than im2col + gemm on the first layer.) */
int64_t conv_block(const ConvShape *s);
int conv_batched(const ConvShape *s);
/* Floats of the scratch conv2d_forward and conv2d_backward take: col, a block's column
   matrix, and yt, a block's output or dy in gemm layout (0: not used, yt may be NULL). */
int64_t conv_col_floats(const ConvShape *s);
int64_t conv_out_floats(const ConvShape *s);

/* y [B, F, OH, OW] = conv(x, w) + b. col, yt: scratch (above); when conv_block(s) == B,
   col holds on return the whole batch's column matrix, which conv2d_backward can take
   as `kept`. */
void conv2d_forward(const ConvShape *s, const float *x, const float *w, const float *b,
                    float *y, float *col, float *yt);
/* The same by direct summation in double: the oracle of the tests. */
void conv2d_forward_naive(const ConvShape *s, const float *x, const float *w, const float *b,
                          float *y);
/* Gradients from dy [B, F, OH, OW], each optional (NULL: not wanted), accumulated:
     dw += Σ_b dy_b · col_bᵀ        [F, C·k·k]
     dx_b += col2im(wᵀ · dy_b)      [C, H, W]
     db += Σ_b Σ_pixels dy_b        [F]
   kept: the forward's col, or NULL (then recomputed). col, yt: scratch as for the
   forward (col needed with dx, or dw without kept; yt with dx or dw when
   conv_out_floats(s) > 0). */
void conv2d_backward(const ConvShape *s, const float *x, const float *w, const float *dy,
                     float *dx, float *dw, float *db, const float *kept, float *col,
                     float *yt);
/* The same, straight from the definition (dw and db summed in double): the oracle. */
void conv2d_backward_naive(const ConvShape *s, const float *x, const float *w, const float *dy,
                           float *dx, float *dw, float *db);

/* Max pooling of P planes [H, W] with a k×k window every `stride` pixels, no padding:
   y [P, OH, OW], OH = floor((H − k)/stride) + 1; arg holds, per output, the index
   h·W + w of its window's maximum in the plane: the first one in row-major order, or
   the last NaN if there is one (PyTorch's rule, so the gradient goes where torch's does).
   The 2×2 window with stride 2 has a vectorised path. */
void maxpool2d_forward(int64_t P, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t OH,
                       int64_t OW, const float *x, float *y, int32_t *arg);
/* The same window by window, in the rule's own words: the oracle. */
void maxpool2d_forward_naive(int64_t P, int64_t H, int64_t W, int64_t k, int64_t stride,
                             int64_t OH, int64_t OW, const float *x, float *y, int32_t *arg);
/* dx [P, H·W] += dy [P, OH·OW] at the saved argmax positions. */
void maxpool2d_backward(int64_t P, int64_t HW, int64_t OHW, const int32_t *arg, const float *dy,
                        float *dx);

/* Batch normalisation of x viewed as [B, C, S] (S = H·W, or 1 for [B, C]), per channel c
   over its N = B·S values:
     mean_c = Σ x / N,  var_c = Σ (x − mean_c)² / N (biased; two passes, each row summed
   in 16 float partial sums, the rows added in double). Channels split by par_for. */
void bn_stats(int64_t B, int64_t C, int64_t S, const float *x, float *mean, float *var);
/* The same wholly in double: the oracle. */
void bn_stats_naive(int64_t B, int64_t C, int64_t S, const float *x, float *mean, float *var);
/* y = gamma_c · (x − mean_c) · istd_c + beta_c, istd_c = 1/√(var_c + eps). */
void bn_forward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                const float *istd, const float *gamma, const float *beta, float *y);
/* With x̂ = (x − mean)·istd, per channel: dbeta += Σ dy, dgamma += Σ dy·x̂ and
     batch statistics (training): dx += gamma·istd/N · (N·dy − Σ dy − x̂·Σ dy·x̂)
     fixed statistics (eval):     dx += gamma·istd · dy
   Each of dx, dgamma, dbeta may be NULL. */
void bn_backward(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                 const float *istd, const float *gamma, const float *dy, int batch_stats,
                 float *dx, float *dgamma, float *dbeta);
/* The same in double, element by element: the oracle. */
void bn_backward_naive(int64_t B, int64_t C, int64_t S, const float *x, const float *mean,
                       const float *istd, const float *gamma, const float *dy, int batch_stats,
                       float *dx, float *dgamma, float *dbeta);

#endif
