/* u8.h — tensors of bytes: IDX images kept as the file's uint8 values (a quarter of
 * float32's memory), each byte b standing for the float lut[b] = (float)(b / divisor).
 *
 * A U8Tensor is deliberately not a Tensor: no kernel takes one, so no kernel can read
 * bytes as floats. The one way from bytes to floats is this file's to_floats, behind
 * u8_to_tensor, u8_rows_to_tensor and u8_to_floats (below); the interpreter calls them
 * where a value is used as a tensor (interp/eval.c's ev_floats and to_tensor,
 * interp/fit.c's take_x, interp/data.c's normalize, interp/print.c).
 *
 * Ownership as tensor.h: functions returning U8Tensor * or Tensor * return a new
 * reference the caller owns; arguments are borrowed. Errors throw (error.h) with the
 * messages t_index gives for the same indices.
 */
#ifndef NN_U8_H
#define NN_U8_H

#include <stdint.h>

#include "tensor.h"

typedef struct U8Tensor {
  int rc;
  int ndim;                /* at least 0; shape as in Tensor */
  int64_t size;            /* product of shape */
  int64_t shape[T_MAXDIM];
  uint8_t *data;           /* size bytes, row-major, owned */
  float lut[256];          /* the float each byte stands for */
} U8Tensor;

/* Uninitialised bytes of shape, standing for b / divisor (255: pixels in [0, 1]).
   lut[b] = (float)(b / divisor), rounded once from double, as idx_load always did. */
U8Tensor *u8_new(int ndim, const int64_t *shape, double divisor);
U8Tensor *u8_retain(U8Tensor *a);
void u8_release(U8Tensor *a); /* NULL is fine */

/* The float tensor a stands for: out[i] = a->lut[a->data[i]]. */
Tensor *u8_to_tensor(const U8Tensor *a);
/* Elements [off, off + n) of a (in bounds) as floats into dst [n]. */
void u8_to_floats(const U8Tensor *a, int64_t off, int64_t n, float *dst);
/* Rows idx[0..n) of a (each 0 <= idx[i] < shape[0]) as floats: [n, shape[1:]...]. */
Tensor *u8_rows_to_tensor(const U8Tensor *a, const int64_t *idx, int64_t n);
/* Rows idx[0..n) of a, still bytes. */
U8Tensor *u8_take_rows(const U8Tensor *a, const int64_t *idx, int64_t n);
/* a[ix] for one index on the leading axis (an index drops the axis, a slice keeps it),
   still bytes; the same clamping and messages as t_index. a has rank >= 1. */
U8Tensor *u8_index0(const U8Tensor *a, const TIndex *ix);

#endif
