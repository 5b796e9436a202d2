/* mem.c — checked allocation: failures throw a ready-made message, never return NULL;
 * the count of calls that reached malloc; the block cache of tensors and autograd nodes. */
#include "mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Relaxed: a count, not a synchronisation; any thread may allocate through here. */
static atomic_uint_fast64_t n_allocs;

uint64_t rt_alloc_count(void) { return (uint64_t)atomic_load_explicit(&n_allocs, memory_order_relaxed); }

static void counted(void) { atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed); }

static _Noreturn void oom(size_t n) {
  /* Formats no more than a number: safe to call when memory is exhausted. */
  rt_throw_kind(RT_ERR_OOM, "out of memory (allocating %zu bytes)", n);
}

void *rt_malloc(size_t n) {
  counted();
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *rt_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) oom(SIZE_MAX);
  counted();
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) oom(count * size);
  return p;
}

void *rt_realloc(void *p, size_t n) {
  counted();
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

void *rt_malloc_aligned(size_t n) {
  size_t rounded = (n + 63) & ~(size_t)63;
  if (rounded < n) oom(n);
  counted();
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p) oom(n);
  return p;
}

char *rt_strndup(const char *s, size_t n) {
  char *p = rt_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *rt_strdup(const char *s) { return rt_strndup(s, strlen(s)); }

void rt_free(void *p) { free(p); }

/* ---- the block cache (mem.h) ----
 * Each size in use has a class: a stack of free blocks of exactly that many bytes,
 * linked through their first bytes. Classes sit in a hash table of N_SLOTS slots; a size
 * lives in one of the PROBE slots from its hash on, so a lookup is a few compares. When
 * all PROBE slots hold other sizes that have blocks waiting, a freed block of a new size
 * goes back to malloc (with hundreds of slots and a step using a few dozen sizes, that
 * does not happen in practice). */
#if defined(__SANITIZE_ADDRESS__)
#define CACHE_BUILT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CACHE_BUILT 0
#endif
#endif
#ifndef CACHE_BUILT
#define CACHE_BUILT 1
#endif

enum { N_SLOTS = 1024, PROBE = 4 };
/* Larger blocks go back to malloc: a step has few of them and malloc serves them from
   its own free lists for little next to the work on their data, while a few kept after
   a one-off use (loading, a whole-test-set forward) would add tens of MB to the peak. */
#define BLOCK_MAX ((size_t)4 << 20)
#define SLACK_MIN ((size_t)16 << 20) /* the least headroom above the peak in use */

typedef struct Block {
  struct Block *next;
} Block;

typedef struct Class {
  size_t bytes;  /* the size of its blocks; 0: a free slot */
  Block *head;   /* its waiting blocks, or NULL */
  uint64_t used; /* the tick of its last alloc or free: the least recent goes first */
} Class;

static struct {
  int on; /* -1: not decided yet (NN_ALLOC_CACHE is read on first use) */
  Class slot[N_SLOTS];
  size_t cached, live, peak;
  uint64_t tick;
} cache = {.on = -1};

static bool cache_on(void) {
  if (cache.on < 0) {
    const char *e = getenv("NN_ALLOC_CACHE");
    cache.on = CACHE_BUILT && !(e && !strcmp(e, "0"));
  }
  return cache.on;
}

/* Requests are served in whole 64-byte lines (aligned_alloc wants a multiple of 64). */
static size_t lines(size_t n) {
  size_t r = (n + 63) & ~(size_t)63;
  if (r < n) oom(n);
  return r ? r : 64;
}

static size_t slot_of(size_t bytes) {
  return (size_t)(((uint64_t)(bytes >> 6) * 0x9E3779B97F4A7C15ull) >> 54) % N_SLOTS;
}

/* The class of `bytes`; with make, a slot for it when it has none (an empty slot, or one
   whose size has no blocks waiting); NULL when there is none. */
static Class *class_of(size_t bytes, bool make) {
  size_t h = slot_of(bytes);
  Class *spare = NULL;
  for (int i = 0; i < PROBE; i++) {
    Class *c = &cache.slot[(h + (size_t)i) % N_SLOTS];
    if (c->bytes == bytes) return c;
    if (!spare && !c->head) spare = c;
  }
  if (!make || !spare) return NULL;
  spare->bytes = bytes;
  return spare;
}

static void class_drain(Class *c) {
  while (c->head) {
    Block *b = c->head;
    c->head = b->next;
    cache.cached -= c->bytes;
    free(b);
  }
}

/* Before malloc gives `bytes` more: while in use + cached + bytes would pass the bound
   (the peak in use, counting this request, plus max(peak/4, SLACK_MIN)), return the least
   recently used size's blocks to malloc. */
static void make_room(size_t bytes) {
  size_t peak = cache.live + bytes > cache.peak ? cache.live + bytes : cache.peak;
  size_t slack = peak / 4 > SLACK_MIN ? peak / 4 : SLACK_MIN;
  while (cache.cached && cache.live + cache.cached + bytes > peak + slack) {
    Class *lru = NULL;
    for (int i = 0; i < N_SLOTS; i++)
      if (cache.slot[i].head && (!lru || cache.slot[i].used < lru->used)) lru = &cache.slot[i];
    class_drain(lru);
  }
}

void *rt_cache_alloc(size_t n) {
  size_t bytes = lines(n);
  if (cache_on()) {
    Class *c = class_of(bytes, false);
    if (c && c->head) {
      Block *b = c->head;
      c->head = b->next;
      c->used = ++cache.tick;
      cache.cached -= bytes;
      cache.live += bytes;
      return b;
    }
    make_room(bytes);
  }
  void *p = rt_malloc_aligned(bytes);
  cache.live += bytes;
  if (cache.live > cache.peak) cache.peak = cache.live;
  return p;
}

void rt_cache_free(void *p, size_t n) {
  if (!p) return;
  size_t bytes = lines(n);
  cache.live -= bytes;
  Class *c = cache_on() && bytes <= BLOCK_MAX ? class_of(bytes, true) : NULL;
  if (!c) {
    free(p);
    return;
  }
  Block *b = p;
  b->next = c->head;
  c->head = b;
  c->used = ++cache.tick;
  cache.cached += bytes;
}

void rt_cache_trim(void) {
  for (int i = 0; i < N_SLOTS; i++) {
    class_drain(&cache.slot[i]);
    cache.slot[i].bytes = 0;
  }
}

bool rt_cache_set(bool on) {
  cache.on = CACHE_BUILT && on;
  if (!cache.on) rt_cache_trim();
  return cache.on;
}

RtCacheStats rt_cache_stats(void) { return (RtCacheStats){cache.cached, cache.live, cache.peak}; }

size_t rt_mem_available(const char *meminfo) {
  FILE *f = fopen(meminfo, "r");
  if (!f) return SIZE_MAX;
  char line[256];
  unsigned long long kb, avail_kb = 0, swap_kb = 0;
  int have_avail = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) avail_kb = kb, have_avail = 1;
    else if (sscanf(line, "SwapFree: %llu kB", &kb) == 1) swap_kb = kb;
  }
  fclose(f);
  if (!have_avail) return SIZE_MAX; /* kernels before 3.14 */
  double bytes = ((double)avail_kb + (double)swap_kb) * 1024.0;
  return bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}
