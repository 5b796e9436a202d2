/* safetensors.h — named float32 tensors to and from safetensors files.
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 *   {"__metadata__": {"k": "v", ...},
 *    "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * (padded with spaces; we pad N to a multiple of 8), then the tensors' bytes,
 * little-endian, offsets counted from the end of the header. The tensors tile the data
 * exactly: contiguous, no overlap, no gap, nothing after the last one.
 *
 * Errors throw (error.h) with the path first and what is wrong; callers put their own
 * name in front:
 *   "PATH: header length 4096 is larger than the rest of the file (120 bytes)"
 *   "PATH: bad JSON header at byte 17: expected ':' after a key"
 *   "PATH: tensor 'w': dtype F16 is not supported (only F32)"
 *   "PATH: tensor 'b': shape [3] needs 12 bytes but data_offsets [24, 32] hold 8"
 */
#ifndef NN_SAFETENSORS_H
#define NN_SAFETENSORS_H

#include "tensor.h"

/* Write n tensors (borrowed) under the given names, with metadata as NULL-terminated
   key, value, key, value, ... pairs of strings (NULL for none). Atomic: writes
   PATH.tmp.PID, flushes and fsyncs it, then renames it over PATH; on any failure the
   temporary file is removed and PATH is untouched. Names must be non-empty, distinct,
   and not "__metadata__". */
void st_save(const char *path, int n, const char *const *names, Tensor *const *tensors,
             const char *const *metadata);

/* A loaded file: everything owned by it, released together by st_free. */
typedef struct StFile {
  int n;            /* tensors, in the header's order */
  char **names;
  Tensor **tensors;
  int n_meta;       /* "__metadata__" entries */
  char **meta_keys, **meta_vals;
} StFile;

/* Read and validate a whole file; returns an owned StFile. On any error nothing is
   left allocated. Only dtype F32 is accepted (the message names the dtype found). */
StFile *st_load(const char *path);
void st_free(StFile *f); /* NULL is fine */

#endif
