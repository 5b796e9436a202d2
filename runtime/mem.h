/* mem.h — the one checked allocation path. Every allocation in nn goes through
 * these; on failure they throw (error.h) "out of memory" with the size asked for,
 * so callers never see NULL. */
#ifndef NN_MEM_H
#define NN_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *rt_malloc(size_t n);
void *rt_calloc(size_t count, size_t size);
void *rt_realloc(void *p, size_t n);
/* 64-byte aligned, for tensor data; release with rt_free. */
void *rt_malloc_aligned(size_t n);
char *rt_strdup(const char *s);
char *rt_strndup(const char *s, size_t n);
void rt_free(void *p);

/* Calls that reached the system allocator (malloc, calloc, realloc, aligned_alloc) since
   the start, from any thread: a test that counts them across training steps proves that
   a step allocates nothing (tests/embed/test_alloc_steps.c). Frees are not counted. */
uint64_t rt_alloc_count(void);

/* ---- the block cache: the memory every training step takes and gives back ----
 * A step of the same shapes as the last one makes and frees the same tensors and
 * autograd nodes in the same order; rather than return each block to malloc and ask for
 * it again, a freed block waits in a list of blocks of its exact size (rounded up to 64
 * bytes) for the next request of that size, so from the second step on nothing reaches
 * malloc. Blocks are 64-byte aligned, uninitialised, and released with rt_cache_free
 * given the size they were asked for.
 *
 * Bounds: blocks over 4 MiB are never kept (a batch-64 Fashion-MNIST CNN's largest
 * activation is 3.2 MB; a one-off block kept — a whole test set's activations — would
 * only add to the peak); and the bytes held — in use plus cached — never exceed the
 * largest amount ever in use at once plus a quarter of it (at least 16 MiB): a request
 * the cache cannot serve first returns the least recently used sizes to malloc. A
 * training loop's blocks are the same ones every step; train() trims the cache when it
 * ends, so that what runs next gets that memory back from malloc.
 *
 * Threads: the cache is the interpreter thread's: tensors and nodes are made and freed
 * there only (kernels on worker threads never allocate, parallel.h).
 *
 * It is off (every call goes to malloc and free) under AddressSanitizer, where reuse
 * would hide a use after free, and when the environment sets NN_ALLOC_CACHE=0 (make
 * valgrind does, for the same reason). Cached blocks stay reachable, so at exit they
 * are not leaks; rt_cache_trim returns them. */
void *rt_cache_alloc(size_t n);
void rt_cache_free(void *p, size_t n); /* NULL is fine */
void rt_cache_trim(void);              /* free every cached block */
/* Turn the cache on or off (off trims it); returns whether it is on now: always false
   when compiled with AddressSanitizer, where it stays off. */
bool rt_cache_set(bool on);
/* What the cache holds now: bytes cached (free, waiting for reuse), bytes in use (handed
   out, not yet freed) and the most ever in use at once. */
typedef struct RtCacheStats {
  size_t cached, live, peak;
} RtCacheStats;
RtCacheStats rt_cache_stats(void);

/* The memory a new allocation can still get without swapping others out: MemAvailable
   plus SwapFree from MEMINFO (a /proc/meminfo-format file), in bytes; SIZE_MAX when the
   file or the field is missing (then malloc alone decides). */
size_t rt_mem_available(const char *meminfo);

#endif
