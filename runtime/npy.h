/* npy.h — NumPy's files: .npy (one array) and .npz (a zip of .npy members), to and from
 * plain tensors.
 *
 * A .npy file is: the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or 3.0), the
 * header's length (2 bytes little-endian in 1.0, 4 in 2.0/3.0), the header — a Python
 * dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
 * spaces and a newline so the data starts at a multiple of 64 — then the items in C
 * order, exactly Π shape × itemsize bytes, nothing after them.
 * A .npz file is a zip archive whose members NAME.npy are such files (np.savez stores
 * them, np.savez_compressed deflates them); each member's CRC-32 is checked.
 *
 * Read: dtypes f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order, become float32
 * values (i8/u8/f8 rounded to the nearest float); u1 stays bytes (a U8Tensor whose byte
 * b stands for b), a quarter of the memory, as IDX images do. Written: '<f4', C order,
 * version 1.0; .npz members stored (uncompressed) with their CRC-32, as np.savez does.
 *
 * Errors throw (error.h) with the path first, the member for a .npz, and the culprit;
 * callers put their own name in front:
 *   "PATH: fortran_order is True (column-major data): nn reads C order ..."
 *   "PATH: member 'x.npy': dtype '<c8' (complex numbers) is not supported ..."
 *   "PATH: member 'y.npy': CRC-32 mismatch (the archive says 1a2b3c4d, the data gives ...)"
 *   "PATH: shape (2, 3) of '<f4' needs 24 bytes of data but the file holds 20"
 * Ownership as tensor.h: returned tensors and files are the caller's.
 */
#ifndef NN_NPY_H
#define NN_NPY_H

#include "tensor.h"
#include "u8.h"

/* One array as read: exactly one of t (floats) and u8 (dtype u1, as bytes) is set. */
typedef struct NpyArray {
  Tensor *t;
  U8Tensor *u8;
} NpyArray;

/* Read a .npy file (whatever its name: callers check extensions). */
NpyArray npy_load(const char *path);

/* A loaded .npz: its members in the archive's order, named without ".npy"
   ("x.npy" → "x"), all owned by it and released together by npz_free. */
typedef struct NpzFile {
  int n;
  char **names;
  NpyArray *arrays;
} NpzFile;

/* Read every member of a .npz file. On any error nothing is left allocated. */
NpzFile *npz_load(const char *path);
void npz_free(NpzFile *f); /* NULL is fine */

/* Write t (borrowed) as a .npy file: '<f4', C order, version 1.0. Like every save of nn
   it is atomic: PATH.tmp.PID is written and renamed over PATH; on failure PATH is
   untouched and the temporary file removed. */
void npy_save(const char *path, const Tensor *t);

/* Write n tensors (borrowed) as the members NAMES[i].npy of a .npz file (stored, CRC-32,
   as np.savez writes), atomically as npy_save. Names are non-empty and distinct. */
void npz_save(const char *path, int n, const char *const *names, Tensor *const *ts);

#endif
