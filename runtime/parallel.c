/* parallel.c — the worker pool of parallel.h: T − 1 threads started on the first parallel
 * loop, kept for the life of the process, woken per loop.
 *
 * A loop is published as a job (fn, ctx, n, chunk count) under a new generation number;
 * the caller and the workers take chunk indices from one atomic counter, and the caller
 * waits until all chunks are counted done. Chunk i always covers [n·i/k, n·(i+1)/k)
 * whoever runs it, so results never depend on timing.
 *
 * Waking: a worker that finished a job spins for SPIN_NS on the generation number before
 * it sleeps on the condition variable. The ops of a training step follow each other a
 * few microseconds apart, so workers stay awake through a step (a futex wake-up costs
 * 5–50 µs, as much as the work of a 64×256 elementwise op) and sleep between steps of a
 * slow interpreter loop or at the prompt, leaving the core to others (OpenBLAS's own
 * threads, the rest of the machine).
 */
#include "parallel.h"

#include <stdlib.h>

#if defined(__EMSCRIPTEN__) || defined(NN_NO_THREADS)

int par_threads(void) { return 1; }

void par_for(int64_t n, int64_t grain, ParFn *fn, void *ctx) {
  (void)grain;
  if (n > 0) fn(ctx, 0, n);
}

#else

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 64 };
#define SPIN_NS 200000 /* 0.2 ms */

/* The job word: generation << 16 | chunks << 8 | next chunk index. A chunk is claimed by
   a compare-and-swap on the whole word, so a thread that is late for a job can neither
   claim a chunk of the job after it nor run one twice. */
#define JOB_WORD(gen, chunks, next) ((gen) << 16 | (uint64_t)(chunks) << 8 | (uint64_t)(next))

static struct {
  pthread_once_t once;
  int threads;               /* par_threads() */
  pthread_mutex_t busy;      /* one loop at a time; another caller runs serially */
  pthread_mutex_t lock;      /* guards sleeping workers' wake-up */
  pthread_cond_t wake;
  int started;               /* workers running */
  uint64_t gen;              /* the caller's count of jobs (under busy) */
  _Atomic uint64_t word;     /* JOB_WORD of the current job */
  atomic_int done;           /* chunks of the current job finished */
  /* the current job, written before its word is published */
  ParFn *fn;
  void *ctx;
  int64_t n;
} pool = {.once = PTHREAD_ONCE_INIT,
          .busy = PTHREAD_MUTEX_INITIALIZER,
          .lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER};

static _Thread_local int in_worker; /* set on pool threads: nested loops run serially */

static void init_threads(void) {
  const char *env = getenv("NN_THREADS");
  long n = 0;
  if (env && *env) {
    char *end;
    n = strtol(env, &end, 10);
    if (*end || n < 1) n = 0; /* not a positive count: ignored, as OMP_NUM_THREADS is */
  }
  if (n == 0) {
    cpu_set_t set;
    n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
  }
  pool.threads = n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int par_threads(void) {
  pthread_once(&pool.once, init_threads);
  return pool.threads;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* Runs chunks of job `gen` until none is left or another job has replaced it. */
static void run_chunks(uint64_t gen) {
  uint64_t w = atomic_load_explicit(&pool.word, memory_order_acquire);
  for (;;) {
    int chunks = (int)(w >> 8 & 0xff), i = (int)(w & 0xff);
    if (w >> 16 != gen || i >= chunks) return;
    if (!atomic_compare_exchange_weak(&pool.word, &w, w + 1)) continue;
    pool.fn(pool.ctx, pool.n * i / chunks, pool.n * (i + 1) / chunks);
    atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    w = atomic_load_explicit(&pool.word, memory_order_acquire);
  }
}

static void *worker(void *arg) {
  (void)arg;
  in_worker = 1;
  uint64_t seen = atomic_load(&pool.word) >> 16;
  for (;;) {
    uint64_t g, spin_from = now_ns();
    int spins = 0;
    while ((g = atomic_load_explicit(&pool.word, memory_order_acquire) >> 16) == seen) {
      cpu_relax();
      if (++spins % 256 == 0 && now_ns() - spin_from > SPIN_NS) {
        pthread_mutex_lock(&pool.lock);
        while ((g = atomic_load(&pool.word) >> 16) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
        pthread_mutex_unlock(&pool.lock);
        break;
      }
    }
    seen = g;
    run_chunks(g);
  }
  return NULL;
}

/* Starts the workers once; on failure (no threads allowed here) loops stay serial. */
static int start_workers(void) {
  while (pool.started < pool.threads - 1) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&t, &attr, worker, NULL);
    pthread_attr_destroy(&attr);
    if (err) break;
    pool.started++;
  }
  return pool.started;
}

void par_for(int64_t n, int64_t grain, ParFn *fn, void *ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int64_t chunks = n / grain;
  int threads = par_threads();
  if (chunks > threads) chunks = threads;
  if (chunks < 2 || in_worker || pthread_mutex_trylock(&pool.busy) != 0) {
    fn(ctx, 0, n);
    return;
  }
  if (start_workers() == 0) {
    pthread_mutex_unlock(&pool.busy);
    fn(ctx, 0, n);
    return;
  }
  pool.fn = fn;
  pool.ctx = ctx;
  pool.n = n;
  atomic_store(&pool.done, 0);
  uint64_t gen = ++pool.gen & 0xffffffffffffu;
  pthread_mutex_lock(&pool.lock);
  atomic_store_explicit(&pool.word, JOB_WORD(gen, chunks, 0), memory_order_release);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  run_chunks(gen);
  while (atomic_load_explicit(&pool.done, memory_order_acquire) < chunks) cpu_relax();
  pthread_mutex_unlock(&pool.busy);
}

#endif
