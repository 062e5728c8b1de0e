/* Products of many activation rows with int8 weights: the encoder's matrix products
 * (llm_services/encoding.py) on CPUs without native bfloat16, where float32 FMA is all
 * oneDNN and MKL have.
 *
 *   y[r, j] = xs[r] * scale[j] * sum_k w[j, k] * xq[r, k]  (+ bias[j])
 *
 * The arithmetic of decode.c's int8 products: weights int8 with one float32 scale per output
 * channel, each activation row rounded to int16 with its own scale (|x| max -> 32767), exact
 * integer products by vpmaddwd.  What differs is the shape: decode.c reads each weight once
 * for 1-8 rows (bandwidth-bound); here thousands of rows reuse every weight, so the products
 * are compute-bound and laid out as a register-blocked GEMM:
 *   - weights are packed once (llm_services/encoding.py) in panels of 16 output channels:
 *     panel p, pair q holds channels 16p..16p+15 of columns 2q and 2q+1 as int16, so one
 *     vpmaddwd multiplies 8 channels by an activation pair broadcast to every lane;
 *   - a 6-row x 16-channel tile keeps 12 int32 accumulators in registers; per column pair it
 *     loads 2 weight vectors and 6 broadcasts for 12 vpmaddwd + 12 vpaddd: 192 products,
 *     twice the 96 of the same number of float32 FMAs;
 *   - an int32 lane adds 2 products of at most 127 * 32767 per pair, so the accumulators are
 *     flushed to float32 every 256 pairs (512 columns), before they could overflow.
 * Work is split by rows between decode.c's pool threads; each walks its rows in blocks, so
 * that a block's activations, rounded just before, stay in L2 while every panel passes.
 */
#include <immintrin.h>
#include <stdint.h>

typedef void (*task_t)(const void *arg, int part, int parts);
void pool_run(task_t task, const void *arg, int64_t spin_ns);
void quantize_activations(const float *x, int16_t *xq, float *xs, int64_t rows, int64_t k);

#define PANEL 16     /* output channels per panel: two ymm of 8 int32 lanes */
#define TILE_ROWS 5  /* 10 accumulators, 2 weight vectors, a broadcast and a product: 14 of 16 ymm */
#define FLUSH 256    /* column pairs between int32 -> float32 flushes (no overflow) */
#define ROW_BLOCK 50 /* rows whose activations are reused by every panel (a multiple of 5) */

/* Weights as encoding.py packs them (gemm_t in llm_services/kernels/__init__.py). */
typedef struct {
    int64_t n, k;         /* n: output channels, a multiple of 16; k: even */
    const int16_t *w;     /* (n / 16, k / 2, 16, 2) */
    const float *scale;   /* (n,) */
    const float *bias;    /* (n,) or NULL */
} packed_t;

typedef struct {
    const packed_t *m;
    const float *x;
    int16_t *xq;
    float *xs;
    float *y;
    int64_t rows;
} gemm_job_t;

/* The inner loop of a full tile (5 rows), written out: GCC keeps intrinsics' accumulators
 * on the stack at this register pressure (a load and a store per product, 0.85x float32
 * FMA), while the instructions below keep all ten in registers. */
static inline void pairs_5(const int16_t *wp, const int32_t *const *xr, int64_t q0, int64_t q1,
                           __m256i *acc) {
    __m256i a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4];
    __m256i a5 = acc[5], a6 = acc[6], a7 = acc[7], a8 = acc[8], a9 = acc[9];
    /* The five rows are one row stride apart: addressed from the first (asm takes at most
     * 30 operands, and each accumulator counts twice). */
    const int32_t *x0 = xr[0];
    const int64_t stride = (const char *)xr[1] - (const char *)xr[0], stride3 = 3 * stride;
    for (int64_t q = q0; q < q1; q++) {
        __m256i w0, w1, b, p, p2;
        __asm__("vmovdqa (%[w]), %[w0]\n\t"
                "vmovdqa 32(%[w]), %[w1]\n\t"
#define ROW(X, A, B)                                                                          \
    "vpbroadcastd " X ", %[b]\n\t"                                                             \
    "vpmaddwd %[b], %[w0], %[p]\n\t"                                                           \
    "vpmaddwd %[b], %[w1], %[p2]\n\t"                                                          \
    "vpaddd %[p], %[" A "], %[" A "]\n\t"                                                        \
    "vpaddd %[p2], %[" B "], %[" B "]\n\t"
                ROW("(%[x])", "a0", "a1") ROW("(%[x],%[s],1)", "a2", "a3")
                ROW("(%[x],%[s],2)", "a4", "a5") ROW("(%[x],%[s3],1)", "a6", "a7")
                ROW("(%[x],%[s],4)", "a8", "a9")
#undef ROW
                : [a0] "+x"(a0), [a1] "+x"(a1), [a2] "+x"(a2), [a3] "+x"(a3), [a4] "+x"(a4),
                  [a5] "+x"(a5), [a6] "+x"(a6), [a7] "+x"(a7), [a8] "+x"(a8), [a9] "+x"(a9),
                  [w0] "=&x"(w0), [w1] "=&x"(w1), [b] "=&x"(b), [p] "=&x"(p), [p2] "=&x"(p2)
                : [w] "r"(wp + q * 2 * PANEL), [x] "r"(x0 + q), [s] "r"(stride),
                  [s3] "r"(stride3)
                : "memory");
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4;
    acc[5] = a5, acc[6] = a6, acc[7] = a7, acc[8] = a8, acc[9] = a9;
}

/* One tile: R rows from `row`, the 16 channels of `panel`, every column.  The float32 sums
 * between flushes live in the output rows, not in registers: the 16 ymm registers hold the
 * accumulators, the weights, a broadcast and a product, and no more. */
#define TILE_KERNEL(R)                                                                        \
    static void tile_##R(const gemm_job_t *t, int64_t row, int64_t panel) {                   \
        const int64_t k = t->m->k, pairs = k / 2, n = t->m->n, j = panel * PANEL;             \
        const int16_t *wp = t->m->w + panel * pairs * 2 * PANEL;                              \
        const int32_t *xr[R];                                                                 \
        float *out[R];                                                                        \
        for (int r = 0; r < R; r++) {                                                         \
            xr[r] = (const int32_t *)(t->xq + (row + r) * k);                                \
            out[r] = t->y + (row + r) * n + j;                                                \
        }                                                                                     \
        for (int64_t q0 = 0; q0 < pairs; q0 += FLUSH) {                                       \
            const int64_t q1 = q0 + FLUSH < pairs ? q0 + FLUSH : pairs;                       \
            __m256i acc[R][2];                                                                \
            for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();       \
            if (R == TILE_ROWS)                                                               \
                pairs_5(wp, (const int32_t *const *)xr, q0, q1, (__m256i *)acc);              \
            else                                                                              \
                for (int64_t q = q0; q < q1; q++) {                                           \
                    const __m256i w0 = _mm256_load_si256((const __m256i *)(wp + q * 2 * PANEL)); \
                    const __m256i w1 =                                                        \
                        _mm256_load_si256((const __m256i *)(wp + q * 2 * PANEL + PANEL));     \
                    for (int r = 0; r < R; r++) {                                             \
                        const __m256i b = _mm256_set1_epi32(xr[r][q]);                        \
                        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(w0, b));    \
                        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(w1, b));    \
                    }                                                                         \
                }                                                                             \
            for (int r = 0; r < R; r++) {                                                     \
                __m256 s0 = _mm256_cvtepi32_ps(acc[r][0]), s1 = _mm256_cvtepi32_ps(acc[r][1]); \
                if (q0) {                                                                     \
                    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(out[r]));                          \
                    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(out[r] + 8));                      \
                }                                                                             \
                _mm256_storeu_ps(out[r], s0);                                                 \
                _mm256_storeu_ps(out[r] + 8, s1);                                             \
            }                                                                                 \
        }                                                                                     \
        const __m256 c0 = _mm256_loadu_ps(t->m->scale + j);                                  \
        const __m256 c1 = _mm256_loadu_ps(t->m->scale + j + 8);                              \
        const __m256 b0 = t->m->bias ? _mm256_loadu_ps(t->m->bias + j) : _mm256_setzero_ps(); \
        const __m256 b1 =                                                                     \
            t->m->bias ? _mm256_loadu_ps(t->m->bias + j + 8) : _mm256_setzero_ps();           \
        for (int r = 0; r < R; r++) {                                                         \
            const __m256 xs = _mm256_set1_ps(t->xs[row + r]);                                 \
            _mm256_storeu_ps(out[r], _mm256_fmadd_ps(_mm256_loadu_ps(out[r]),                 \
                                                     _mm256_mul_ps(xs, c0), b0));             \
            _mm256_storeu_ps(out[r] + 8, _mm256_fmadd_ps(_mm256_loadu_ps(out[r] + 8),         \
                                                         _mm256_mul_ps(xs, c1), b1));         \
        }                                                                                     \
    }

TILE_KERNEL(1) TILE_KERNEL(2) TILE_KERNEL(3) TILE_KERNEL(4) TILE_KERNEL(5)

typedef void (*tile_t)(const gemm_job_t *, int64_t, int64_t);
static const tile_t TILES[TILE_ROWS + 1] = {0, tile_1, tile_2, tile_3, tile_4, tile_5};

/* Each part takes a contiguous share of the rows (whole tiles) and walks it a block at a
 * time: the block's rows are rounded to int16 just before every panel passes over them, so
 * they are read from L2, not memory, and no second pass over the activations is needed. */
static void gemm_part(const void *arg, int part, int parts) {
    const gemm_job_t *t = (const gemm_job_t *)arg;
    const int64_t tiles = (t->rows + TILE_ROWS - 1) / TILE_ROWS, k = t->m->k;
    const int64_t first = tiles * part / parts * TILE_ROWS;
    int64_t last = tiles * (part + 1) / parts * TILE_ROWS;
    if (last > t->rows) last = t->rows;
    const int64_t panels = t->m->n / PANEL;
    for (int64_t r0 = first; r0 < last; r0 += ROW_BLOCK) {
        const int64_t r1 = r0 + ROW_BLOCK < last ? r0 + ROW_BLOCK : last;
        quantize_activations(t->x + r0 * k, t->xq + r0 * k, t->xs + r0, r1 - r0, k);
        for (int64_t p = 0; p < panels; p++)
            for (int64_t r = r0; r < r1; r += TILE_ROWS)
                TILES[r1 - r < TILE_ROWS ? r1 - r : TILE_ROWS](t, r, p);
    }
}

/* y (rows, n) = x (rows, k) @ W.T (+ bias).  xq/xs: scratch of rows * k int16 and rows
 * floats.  Returns 0, or -1 for shapes it does not take.  One call at a time per process
 * (the Python side holds the kernels' lock). */
int gemm_int8(const packed_t *m, const float *x, int16_t *xq, float *xs, float *y, int64_t rows,
              int64_t spin_ns) {
    if (rows < 1 || m->n < PANEL || m->n % PANEL || m->k < 2 || m->k % 2) return -1;
    if (((uintptr_t)m->w) % 32) return -1;
    gemm_job_t t = {m, x, xq, xs, y, rows};
    pool_run(gemm_part, &t, spin_ns);
    return 0;
}
