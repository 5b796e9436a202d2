/* mem.h — the one checked allocation path. Every allocation in nn goes through
 * these; on failure they throw (error.h) "out of memory" with the size asked for,
 * so callers never see NULL. */
#ifndef NN_MEM_H
#define NN_MEM_H

#include <stddef.h>

void *rt_malloc(size_t n);
void *rt_calloc(size_t count, size_t size);
void *rt_realloc(void *p, size_t n);
/* 64-byte aligned, for tensor data; release with rt_free. */
void *rt_malloc_aligned(size_t n);
char *rt_strdup(const char *s);
char *rt_strndup(const char *s, size_t n);
void rt_free(void *p);

/* The memory a new allocation can still get without swapping others out: MemAvailable
 * plus SwapFree from MEMINFO (a /proc/meminfo-format file), in bytes; SIZE_MAX when the
 * file or the field is missing (then malloc alone decides). */
size_t rt_mem_available(const char *meminfo);

#endif
