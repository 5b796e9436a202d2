/* idx.h — IDX files, the format of MNIST and Fashion-MNIST, plain or gzip'ed.
 *
 * An IDX file is: two zero bytes, the element type (0x08: unsigned byte, the only one
 * these data sets use), the number of dimensions d (1 to 8), d sizes as big-endian
 * 32-bit integers, then the elements in row-major order, nothing after them.
 *
 * Errors throw (error.h) with the path first and what is wrong; callers put their own
 * name in front ("fashion_mnist: PATH: truncated: ..."):
 *   "PATH: cannot open: No such file or directory"
 *   "PATH: not an IDX file (bad magic 1f 8b 08 00: IDX files start with 00 00 08)"
 *   "PATH: truncated: expected 7840000 bytes of image data, got 1234"
 *   "PATH: bad IDX header: sizes [4294967295, 4294967295, 4294967295] overflow"
 */
#ifndef NN_IDX_H
#define NN_IDX_H

#include "tensor.h"
#include "u8.h"

/* The file's elements as a new byte tensor with the file's dimensions, each byte b
   standing for b / divisor (255 gives [0, 1] pixels; 1 keeps labels as they are). Reads
   .gz and plain files alike (zlib's gzread), straight into the tensor's bytes. */
U8Tensor *idx_load_u8(const char *path, double divisor);
/* The same as floats: u8_to_tensor of idx_load_u8 (for labels, small). */
Tensor *idx_load(const char *path, double divisor);

#endif
