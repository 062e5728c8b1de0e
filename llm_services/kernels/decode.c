/* Decoding kernels for the CPU: matrix-vector products and one Gemma 3 decoder layer.
 *
 * Products (1 <= rows <= 8 activation rows, the shapes of single-stream and small-batch
 * decoding, which read every weight once per token and are bound by memory bandwidth):
 *   int8:    y[r, j] = xs[r] * scale[j] * sum_k w[j, k] * xq[r, k]  (+ bias[j])
 *            Weights int8 with one float32 scale per output channel (quantization.py).
 *            Each activation row is rounded to int16 with its own scale (|x| max -> 32767),
 *            so the products are exact integers: vpmovsxbw + vpmaddwd + vpaddd, 16 weights a
 *            step, half the instructions of converting weights to float32.  A step's int32
 *            lane adds 2 products of at most 127 * 32767, so k <= 4096 cannot overflow.
 *   float32: y[r, j] = sum_k w[j, k] * x[r, k]  (+ bias[j]), plain FMA.
 *
 * Threads: torch's OpenMP pool runs with OMP_WAIT_POLICY=PASSIVE in this project (spinning
 * threads take the cores web workers need), and waking a passive pool costs ~150 us, more
 * than a whole small product takes.  The helpers here spin for a short, bounded time after
 * each call (decode calls come every few microseconds), then sleep on a condition variable,
 * so an idle process uses no CPU.
 *
 * gemma3_layer runs one decoder layer of Gemma 3 for one new token per row, on the calling
 * thread except its four products: the same arithmetic as transformers' Gemma3DecoderLayer
 * (tests/llm_services/test_decoding.py compares them token for token).
 */
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define MAX_THREADS 64
#define MAX_ROWS 8
#define MAX_K 4096

enum { FORMAT_F32 = 0, FORMAT_INT8 = 1 };

/* A weight matrix as Python hands it over (llm_services/kernels/__init__.py: Matrix). */
typedef struct {
    int64_t format, n, k;
    const void *w;
    const float *scale; /* int8 only */
    const float *bias;  /* or NULL */
} matrix_t;

typedef struct {
    const matrix_t *m;
    const float *x;     /* float32 rows (FORMAT_F32) */
    const int16_t *xq;  /* int16 rows (FORMAT_INT8) */
    const float *xs;
    float *y;
    int64_t rows;
} job_t;

static inline float hsum_ps(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_hadd_ps(lo, lo);
    lo = _mm_hadd_ps(lo, lo);
    return _mm_cvtss_f32(lo);
}

static inline int32_t hsum_epi32(__m256i v) {
    __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
    lo = _mm_add_epi32(lo, hi);
    lo = _mm_hadd_epi32(lo, lo);
    lo = _mm_hadd_epi32(lo, lo);
    return _mm_cvtsi128_si32(lo);
}

/* Prefetching: 4 KB beyond the next channels' weights, into L2 rather than L1.  On a Zen 4 that
 * streams the LM head (168 MB, far more than L3) at 30 GB/s single-row instead of 16 with
 * the next channels into L1 (docs/benchmarks.md): L1 prefetches take fill buffers the loads
 * need, and the next channels are too close to hide DRAM latency. */

/* J output channels at a time for R input rows: J * R independent accumulators.  Up to 4
 * rows the activation vectors stay in registers for all J channels; with more, J is 1 and
 * they are loaded again per product (16 ymm registers hold no more). */
#define INT8_KERNEL(R, J)                                                                     \
    static void int8_##R(const job_t *t, int64_t n0, int64_t n1) {                             \
        const int64_t k = t->m->k, n = t->m->n;                                               \
        const int8_t *w = (const int8_t *)t->m->w;                                            \
        for (int64_t j = n0; j < n1; j += J) {                                                \
            const int64_t m = j + J <= n1 ? J : n1 - j;                                       \
            __m256i acc[J][R];                                                                \
            for (int a = 0; a < J; a++)                                                       \
                for (int r = 0; r < R; r++) acc[a][r] = _mm256_setzero_si256();               \
            for (int64_t i = 0; i < k; i += 16) {                                             \
                if (J == 1) {                                                                 \
                    const int8_t *p = w + j * k + i;                                          \
                    _mm_prefetch((const char *)(p + k + 4096), _MM_HINT_T1);                  \
                    __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));   \
                    for (int r = 0; r < R; r++)                                               \
                        acc[0][r] = _mm256_add_epi32(                                         \
                            acc[0][r],                                                        \
                            _mm256_madd_epi16(                                                \
                                wv, _mm256_loadu_si256((const __m256i *)(t->xq + r * k + i)))); \
                    continue;                                                                 \
                }                                                                             \
                __m256i xv[R];                                                                \
                for (int r = 0; r < R; r++)                                                   \
                    xv[r] = _mm256_loadu_si256((const __m256i *)(t->xq + r * k + i));         \
                for (int a = 0; a < J; a++) {                                                 \
                    if (a >= m) break;                                                        \
                    const int8_t *p = w + (j + a) * k + i;                                    \
                    _mm_prefetch((const char *)(p + J * k + 4096), _MM_HINT_T1);              \
                    __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));   \
                    for (int r = 0; r < R; r++)                                               \
                        acc[a][r] = _mm256_add_epi32(acc[a][r], _mm256_madd_epi16(wv, xv[r])); \
                }                                                                             \
            }                                                                                 \
            for (int a = 0; a < m; a++) {                                                     \
                const float s = t->m->scale[j + a];                                           \
                const float b = t->m->bias ? t->m->bias[j + a] : 0.0f;                        \
                for (int r = 0; r < R; r++)                                                   \
                    t->y[r * n + j + a] = (float)hsum_epi32(acc[a][r]) * t->xs[r] * s + b;    \
            }                                                                                 \
        }                                                                                     \
    }

#define F32_KERNEL(R, J)                                                                      \
    static void f32_##R(const job_t *t, int64_t n0, int64_t n1) {                              \
        const int64_t k = t->m->k, n = t->m->n;                                               \
        const float *w = (const float *)t->m->w;                                              \
        for (int64_t j = n0; j < n1; j += J) {                                                \
            const int64_t m = j + J <= n1 ? J : n1 - j;                                       \
            __m256 acc[J][R];                                                                 \
            for (int a = 0; a < J; a++)                                                       \
                for (int r = 0; r < R; r++) acc[a][r] = _mm256_setzero_ps();                  \
            for (int64_t i = 0; i < k; i += 8) {                                              \
                __m256 xv[R];                                                                 \
                for (int r = 0; r < R; r++) xv[r] = _mm256_loadu_ps(t->x + r * k + i);        \
                for (int a = 0; a < J; a++) {                                                 \
                    if (a >= m) break;                                                        \
                    const float *p = w + (j + a) * k + i;                                     \
                    _mm_prefetch((const char *)(p + J * k) + 4096, _MM_HINT_T1);              \
                    __m256 wv = _mm256_loadu_ps(p);                                           \
                    for (int r = 0; r < R; r++) acc[a][r] = _mm256_fmadd_ps(wv, xv[r], acc[a][r]); \
                }                                                                             \
            }                                                                                 \
            for (int a = 0; a < m; a++) {                                                     \
                const float b = t->m->bias ? t->m->bias[j + a] : 0.0f;                        \
                for (int r = 0; r < R; r++) t->y[r * n + j + a] = hsum_ps(acc[a][r]) + b;     \
            }                                                                                 \
        }                                                                                     \
    }

INT8_KERNEL(1, 2) INT8_KERNEL(2, 2) INT8_KERNEL(3, 2) INT8_KERNEL(4, 2)
INT8_KERNEL(5, 1) INT8_KERNEL(6, 1) INT8_KERNEL(7, 1) INT8_KERNEL(8, 1)
F32_KERNEL(1, 4) F32_KERNEL(2, 2) F32_KERNEL(3, 2) F32_KERNEL(4, 2)
F32_KERNEL(5, 1) F32_KERNEL(6, 1) F32_KERNEL(7, 1) F32_KERNEL(8, 1)

typedef void (*kernel_t)(const job_t *, int64_t, int64_t);

#if defined(__AVX512BW__) && defined(__AVX512VNNI__)
/* AVX-512 VNNI (built where the CPU has it, kernels/__init__.py): the same exact integer
 * products with vpdpwssd, 32 weights a step and no separate add: 2 instructions per 32
 * weights and row instead of 3 per 16.  32 zmm registers hold the activations of all 8 rows
 * and two channels' accumulators, so no row count needs the two-pass blocking below.  A
 * 16-column tail (k % 32 == 16) runs one half-width step. */
static inline __m512i load_w16_tail(const int8_t *p) {
    return _mm512_zextsi256_si512(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p)));
}

static inline __m512i load_x16_tail(const int16_t *p) {
    return _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)p));
}

#define INT8_KERNEL512(R, J)                                                                  \
    static void int8w_##R(const job_t *t, int64_t n0, int64_t n1) {                            \
        const int64_t k = t->m->k, n = t->m->n, body = k / 32 * 32;                           \
        const int8_t *w = (const int8_t *)t->m->w;                                            \
        for (int64_t j = n0; j < n1; j += J) {                                                \
            const int64_t m = j + J <= n1 ? J : n1 - j;                                       \
            __m512i acc[J][R];                                                                \
            for (int a = 0; a < J; a++)                                                       \
                for (int r = 0; r < R; r++) acc[a][r] = _mm512_setzero_si512();               \
            for (int64_t i = 0; i <= k - 16; i += 32) {                                       \
                const int tail = i == body;                                                   \
                __m512i xv[R];                                                                \
                for (int r = 0; r < R; r++)                                                   \
                    xv[r] = tail ? load_x16_tail(t->xq + r * k + i)                           \
                                 : _mm512_loadu_si512((const void *)(t->xq + r * k + i));     \
                for (int a = 0; a < J; a++) {                                                 \
                    if (a >= m) break;                                                        \
                    const int8_t *p = w + (j + a) * k + i;                                    \
                    _mm_prefetch((const char *)(p + J * k + 4096), _MM_HINT_T1);              \
                    const __m512i wv =                                                        \
                        tail ? load_w16_tail(p)                                               \
                             : _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)p));  \
                    for (int r = 0; r < R; r++)                                               \
                        acc[a][r] = _mm512_dpwssd_epi32(acc[a][r], wv, xv[r]);                \
                }                                                                             \
            }                                                                                 \
            for (int a = 0; a < m; a++) {                                                     \
                const float s = t->m->scale[j + a];                                           \
                const float b = t->m->bias ? t->m->bias[j + a] : 0.0f;                        \
                for (int r = 0; r < R; r++)                                                   \
                    t->y[r * n + j + a] =                                                     \
                        (float)_mm512_reduce_add_epi32(acc[a][r]) * t->xs[r] * s + b;         \
            }                                                                                 \
        }                                                                                     \
    }

INT8_KERNEL512(1, 4) INT8_KERNEL512(2, 4) INT8_KERNEL512(3, 4) INT8_KERNEL512(4, 4)
INT8_KERNEL512(5, 2) INT8_KERNEL512(6, 2) INT8_KERNEL512(7, 2) INT8_KERNEL512(8, 2)

#define ISA "avx512-vnni"
#define INT8_DIRECT_ROWS MAX_ROWS
static const kernel_t INT8_KERNELS[MAX_ROWS + 1] = {0,       int8w_1, int8w_2, int8w_3, int8w_4,
                                                    int8w_5, int8w_6, int8w_7, int8w_8};
#else
#define ISA "avx2"
#define INT8_DIRECT_ROWS 4
static const kernel_t INT8_KERNELS[MAX_ROWS + 1] = {0,      int8_1, int8_2, int8_3, int8_4,
                                                    int8_5, int8_6, int8_7, int8_8};
#endif

/* Which instruction set the int8 products use ("avx2" or "avx512-vnni"). */
const char *decode_isa(void) { return ISA; }
static const kernel_t F32_KERNELS[MAX_ROWS + 1] = {0,     f32_1, f32_2, f32_3, f32_4,
                                                   f32_5, f32_6, f32_7, f32_8};

/* -- the thread pool ---------------------------------------------------------------------- */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static int pool_threads = 1;          /* the caller plus pool_threads - 1 helpers */
static int64_t pool_spin_ns = 200000; /* how long a helper spins after a call before sleeping */
static atomic_int pool_generation;
static atomic_int pool_pending;
static atomic_int pool_sleepers;
/* The pool runs one task at a time: task(arg, part, parts) on every part. */
typedef void (*task_t)(const void *arg, int part, int parts);
static task_t pool_task;
static const void *pool_arg;
static int64_t pool_spin_after; /* this task's spin time (pool_spin_ns, or 0: sleep at once) */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void run_part(const job_t *t, int part, int parts) {
    /* Contiguous ranges of channels, a multiple of 16 each, so that no two threads write
     * one cache line of an output row. */
    const int64_t n = t->m->n;
    int64_t per = (n + parts - 1) / parts;
    per = (per + 15) / 16 * 16;
    const int64_t n0 = part * per, n1 = n0 + per < n ? n0 + per : n;
    if (n0 >= n1) return;
    if (t->m->format != FORMAT_INT8) {
        F32_KERNELS[t->rows](t, n0, n1);
        return;
    }
    if (t->rows <= INT8_DIRECT_ROWS) {
        INT8_KERNELS[t->rows](t, n0, n1);
        return;
    }
    /* More than 4 rows: two passes of at most 4 rows (their activations fit in registers
     * with two channels at a time) over each block of 64 channels, so the second pass reads
     * the block's weights from L1/L2 instead of memory. */
    job_t low = *t, high = *t;
    low.rows = 4;
    high.rows = t->rows - 4;
    high.xq = t->xq + 4 * t->m->k;
    high.xs = t->xs + 4;
    high.y = t->y + 4 * t->m->n;
    for (int64_t b = n0; b < n1; b += 64) {
        const int64_t e = b + 64 < n1 ? b + 64 : n1;
        INT8_KERNELS[4](&low, b, e);
        INT8_KERNELS[high.rows](&high, b, e);
    }
}

/* The generation the helpers were started at. A helper must not read the current one when
 * it first runs: on a busy machine it may first run after the caller has already handed out
 * its first task, and would then wait for the next one while the caller waits for it. */
static int pool_start_generation;

static void *helper(void *arg) {
    const int part = (int)(intptr_t)arg;
    int seen = pool_start_generation;
    for (;;) {
        const int64_t until = now_ns() + pool_spin_after;
        while (atomic_load_explicit(&pool_generation, memory_order_acquire) == seen) {
            _mm_pause();
            if (now_ns() > until) {
                pthread_mutex_lock(&pool_lock);
                atomic_fetch_add(&pool_sleepers, 1);
                while (atomic_load(&pool_generation) == seen)
                    pthread_cond_wait(&pool_wake, &pool_lock);
                atomic_fetch_sub(&pool_sleepers, 1);
                pthread_mutex_unlock(&pool_lock);
                break;
            }
        }
        seen = atomic_load(&pool_generation);
        pool_task(pool_arg, part, pool_threads);
        atomic_fetch_sub_explicit(&pool_pending, 1, memory_order_release);
    }
    return 0;
}

static int pool_started = 0;

/* A forked child has none of the helpers: until decode_init starts new ones, every task runs
 * on the calling thread (a task handed to helpers that do not exist would never finish). */
static void pool_forget_helpers(void) {
    pool_started = 0;
    pool_threads = 1;
    atomic_store(&pool_pending, 0);
    atomic_store(&pool_sleepers, 0);
    pthread_mutex_init(&pool_lock, NULL);
    pthread_cond_init(&pool_wake, NULL);
}

/* Start the helpers once per process; later calls only change the spin time. */
int decode_init(int threads, int64_t spin_ns) {
    static int registered = 0;
    pthread_mutex_lock(&pool_lock);
    pool_spin_ns = spin_ns;
    if (!registered) {
        registered = 1;
        pthread_atfork(NULL, NULL, pool_forget_helpers);
    }
    if (!pool_started) {
        pool_started = 1;
        pool_start_generation = atomic_load(&pool_generation);
        if (threads < 1) threads = 1;
        if (threads > MAX_THREADS) threads = MAX_THREADS;
        for (int i = 1; i < threads; i++) {
            pthread_t id;
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            const int failed = pthread_create(&id, &attr, helper, (void *)(intptr_t)i);
            pthread_attr_destroy(&attr);
            if (failed) break;
            pool_threads = i + 1;
        }
    }
    const int result = pool_threads;
    pthread_mutex_unlock(&pool_lock);
    return result;
}

/* Runs task(arg, part, parts) for parts 0..pool_threads-1 on the caller and the helpers and
 * returns when all are done.  Helpers spin `spin_ns` afterwards before they sleep: decode
 * calls come microseconds apart, but a spinning helper takes a core from torch's own
 * threads, so work between torch's products (the encoder's) lets them sleep at once. */
void pool_run(task_t task, const void *arg, int64_t spin_ns) {
    if (pool_threads == 1) {
        task(arg, 0, 1);
        return;
    }
    pool_task = task;
    pool_arg = arg;
    pool_spin_after = spin_ns;
    atomic_store(&pool_pending, pool_threads - 1);
    atomic_fetch_add_explicit(&pool_generation, 1, memory_order_release);
    if (atomic_load(&pool_sleepers) > 0) {
        pthread_mutex_lock(&pool_lock);
        pthread_cond_broadcast(&pool_wake);
        pthread_mutex_unlock(&pool_lock);
    }
    task(arg, 0, pool_threads);
    while (atomic_load_explicit(&pool_pending, memory_order_acquire) > 0) _mm_pause();
}

static void product_part(const void *arg, int part, int parts) {
    run_part((const job_t *)arg, part, parts);
}

static int checked(const matrix_t *m, int64_t rows) {
    if (rows < 1 || rows > MAX_ROWS || m->n < 1 || m->k < 1) return 0;
    if (m->format == FORMAT_INT8) return m->k % 16 == 0 && m->k <= MAX_K;
    return m->format == FORMAT_F32 && m->k % 8 == 0;
}

/* Each row of x rounded to int16 with its own scale (|x| max -> 32767), to nearest even as
 * lrintf does: cvtps_epi32 rounds by the same MXCSR mode, so the vector and scalar forms
 * give the same integers. */
static void quantize_rows(const float *x, int16_t *xq, float *xs, int64_t rows, int64_t k) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * k;
        int16_t *q = xq + r * k;
        __m256 most = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 8 <= k; i += 8)
            most = _mm256_max_ps(most, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + i)));
        __m128 half = _mm_max_ps(_mm256_castps256_ps128(most), _mm256_extractf128_ps(most, 1));
        half = _mm_max_ps(half, _mm_movehl_ps(half, half));
        half = _mm_max_ss(half, _mm_shuffle_ps(half, half, 1));
        float top = _mm_cvtss_f32(half);
        for (; i < k; i++) top = fmaxf(top, fabsf(row[i]));
        const float s = top > 0.0f ? top / 32767.0f : 1.0f, inv = 1.0f / s;
        const __m256 scale = _mm256_set1_ps(inv);
        for (i = 0; i + 16 <= k; i += 16) {
            const __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + i), scale));
            const __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + i + 8), scale));
            /* packs works per 128-bit lane: put the four 64-bit quarters back in order. */
            const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
            _mm256_storeu_si256((__m256i *)(q + i), packed);
        }
        for (; i < k; i++) q[i] = (int16_t)lrintf(row[i] * inv);
        xs[r] = s;
    }
}

/* y = x @ W.T (+ bias).  xq/xs: scratch of rows * k int16 and rows floats (int8 only).
 * One call at a time per process (the Python side holds a lock). */
static void product(const matrix_t *m, const float *x, int16_t *xq, float *xs, float *y,
                    int64_t rows) {
    const int64_t k = m->k;
    if (m->format == FORMAT_INT8) quantize_rows(x, xq, xs, rows, k);
    job_t t = {m, x, xq, xs, y, rows};
    /* Small products stay on the calling thread: handing them over costs more than it saves. */
    const int parts = m->n * k < (1 << 16) ? 1 : pool_threads;
    if (parts == 1) {
        run_part(&t, 0, 1);
        return;
    }
    pool_run(product_part, &t, pool_spin_ns);
}

/* The int16 activations the int8 products use (for tests). */
void quantize_activations(const float *x, int16_t *xq, float *xs, int64_t rows, int64_t k) {
    quantize_rows(x, xq, xs, rows, k);
}

/* Returns 0, or -1 for shapes the kernels do not take. */
int matvec(const matrix_t *m, const float *x, int16_t *xq, float *xs, float *y, int64_t rows) {
    if (!checked(m, rows)) return -1;
    product(m, x, xq, xs, y, rows);
    return 0;
}

/* -- one Gemma 3 decoder layer ------------------------------------------------------------ */

typedef struct {
    matrix_t qkv, o, gate_up, down;
    const float *input_norm, *q_norm, *k_norm, *post_attention_norm, *pre_feedforward_norm,
        *post_feedforward_norm; /* (1 + weight), as Gemma's RMSNorm multiplies */
    int64_t hidden, heads, kv_heads, head_dim, intermediate, window; /* window 0: full */
    float eps, scaling;
    const float *cos, *sin; /* rope tables of this layer's type: (positions, head_dim) */
} layer_t;

static void rms_norm(const float *x, const float *w, float *out, int64_t n, float eps) {
    /* Eight partial sums: the compiler keeps a scalar sum in order (no -ffast-math). */
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        acc = _mm256_fmadd_ps(v, v, acc);
    }
    float ss = hsum_ps(acc);
    for (; i < n; i++) ss += x[i] * x[i];
    const float inv = 1.0f / sqrtf(ss / (float)n + eps);
    for (i = 0; i < n; i++) out[i] = x[i] * inv * w[i];
}

static void norm_rope(float *v, const float *w, const float *cos, const float *sin, int64_t d,
                      float eps) {
    float tmp[1024];
    rms_norm(v, w, tmp, d, eps);
    const int64_t half = d / 2;
    for (int64_t i = 0; i < half; i++) {
        v[i] = tmp[i] * cos[i] - tmp[i + half] * sin[i];
        v[i + half] = tmp[i + half] * cos[i + half] + tmp[i] * sin[i + half];
    }
}

/* exp for 8 floats: Cephes' polynomial after range reduction by ln 2 (relative error ~2e-7),
 * the scheme SLEEF and avx_mathfun use; torch's own gelu is vectorised the same way. */
static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

/* gelu(g) * u with gelu's tanh form; tanh(z) = 1 - 2 / (1 + exp(2z)). */
static void gelu_mul(const float *g, const float *u, float *out, int64_t n) {
    const __m256 c = _mm256_set1_ps(0.7978845608028654f), a = _mm256_set1_ps(0.044715f);
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f), half = _mm256_set1_ps(0.5f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(g + i);
        const __m256 z = _mm256_mul_ps(c, _mm256_fmadd_ps(_mm256_mul_ps(a, x), _mm256_mul_ps(x, x), x));
        const __m256 t = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(one, exp8(_mm256_mul_ps(two, z)))));
        const __m256 gelu = _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, t));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(gelu, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) {
        const float x = g[i];
        out[i] = 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x))) * u[i];
    }
}

/* x: (rows, hidden) residual stream, updated in place.  keys/values: (rows, kv_heads,
 * capacity, head_dim); the new token of every row goes to column `column`; row r's tokens
 * start at column pads[r] and it sits at rope position positions[r].  scratch: at least
 * rows * (hidden + qkv.n + heads * head_dim + gate_up.n + intermediate + hidden) floats
 * plus rows * (4096 / 2 + 1) floats for the int16 activations and their scales, and
 * capacity floats for the attention scores. */
int gemma3_layer(const layer_t *l, float *x, int64_t rows, float *keys, float *values,
                 int64_t capacity, int64_t column, const int64_t *pads, const int64_t *positions,
                 float *scratch) {
    const int64_t H = l->hidden, D = l->head_dim, NH = l->heads, KV = l->kv_heads;
    const int64_t I = l->intermediate, group = NH / KV;
    if (!checked(&l->qkv, rows) || !checked(&l->o, rows) || !checked(&l->gate_up, rows) ||
        !checked(&l->down, rows) || D > 1024 || l->qkv.n != (NH + 2 * KV) * D ||
        l->gate_up.n != 2 * I || column >= capacity)
        return -1;
    float *h = scratch;
    float *qkv = h + rows * H;
    float *attn = qkv + rows * l->qkv.n;
    float *gu = attn + rows * NH * D;
    float *act = gu + rows * 2 * I;
    float *out = act + rows * I;
    float *scores = out + rows * H;
    float *xs = scores + capacity;
    int16_t *xq = (int16_t *)(xs + rows);

    for (int64_t r = 0; r < rows; r++) rms_norm(x + r * H, l->input_norm, h + r * H, H, l->eps);
    product(&l->qkv, h, xq, xs, qkv, rows);
    for (int64_t r = 0; r < rows; r++) {
        float *row = qkv + r * l->qkv.n;
        const float *cos = l->cos + positions[r] * D, *sin = l->sin + positions[r] * D;
        for (int64_t hd = 0; hd < NH; hd++) norm_rope(row + hd * D, l->q_norm, cos, sin, D, l->eps);
        for (int64_t g = 0; g < KV; g++) {
            float *k = row + (NH + g) * D, *v = row + (NH + KV + g) * D;
            norm_rope(k, l->k_norm, cos, sin, D, l->eps);
            float *kc = keys + ((r * KV + g) * capacity + column) * D;
            float *vc = values + ((r * KV + g) * capacity + column) * D;
            for (int64_t i = 0; i < D; i++) kc[i] = k[i], vc[i] = v[i];
        }
        int64_t first = pads[r];
        if (l->window > 0 && column - l->window + 1 > first) first = column - l->window + 1;
        if (first > column) first = column;
        for (int64_t hd = 0; hd < NH; hd++) {
            const int64_t g = hd / group;
            const float *q = row + hd * D;
            const float *kb = keys + (r * KV + g) * capacity * D;
            const float *vb = values + (r * KV + g) * capacity * D;
            float top = -INFINITY;
            for (int64_t j = first; j <= column; j++) {
                const float *k = kb + j * D;
                __m256 acc = _mm256_setzero_ps();
                for (int64_t i = 0; i < D; i += 8)
                    acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), acc);
                const float s = hsum_ps(acc) * l->scaling;
                scores[j] = s;
                top = s > top ? s : top;
            }
            float total = 0.0f;
            int64_t j = first;
            for (; j + 8 <= column + 1; j += 8) {
                const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + j), _mm256_set1_ps(top)));
                _mm256_storeu_ps(scores + j, e);
                total += hsum_ps(e);
            }
            for (; j <= column; j++) {
                scores[j] = expf(scores[j] - top);
                total += scores[j];
            }
            float *o = attn + r * NH * D + hd * D;
            for (int64_t i = 0; i < D; i += 8) {
                __m256 acc = _mm256_setzero_ps();
                for (int64_t j = first; j <= column; j++)
                    acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), _mm256_loadu_ps(vb + j * D + i), acc);
                _mm256_storeu_ps(o + i, _mm256_mul_ps(acc, _mm256_set1_ps(1.0f / total)));
            }
        }
    }
    product(&l->o, attn, xq, xs, out, rows);
    for (int64_t r = 0; r < rows; r++) {
        rms_norm(out + r * H, l->post_attention_norm, out + r * H, H, l->eps);
        for (int64_t i = 0; i < H; i++) x[r * H + i] += out[r * H + i];
        rms_norm(x + r * H, l->pre_feedforward_norm, h + r * H, H, l->eps);
    }
    product(&l->gate_up, h, xq, xs, gu, rows);
    for (int64_t r = 0; r < rows; r++) gelu_mul(gu + r * 2 * I, gu + r * 2 * I + I, act + r * I, I);
    product(&l->down, act, xq, xs, out, rows);
    for (int64_t r = 0; r < rows; r++) {
        rms_norm(out + r * H, l->post_feedforward_norm, out + r * H, H, l->eps);
        for (int64_t i = 0; i < H; i++) x[r * H + i] += out[r * H + i];
    }
    return 0;
}
