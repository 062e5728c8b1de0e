/* Encoder kernels: the work of a BERT-style encoder layer between its matrix products.
 *
 * llm_services/encoding.py runs the products in torch (oneDNN: AMX or AVX-512 BF16 where the
 * CPU has them) and these between them, on decode.c's thread pool:
 *   encoder_attention:  softmax(q k^T * scale) v per sequence and head, the sequences'
 *                       tokens packed one after another (no padding).
 *   add_layer_norm:     x = LayerNorm(x + h) * w + b, row by row.
 *   gelu:               x = x * (1 + erf(x / sqrt 2)) / 2 in place.
 * Tensors are float32 or bfloat16 (`bf16`), row-major; all arithmetic is float32, bfloat16
 * results are rounded to nearest even as torch rounds them.
 *
 * Why: at the shapes of shop text (about 44 tokens, 12 heads of 32) torch's CPU attention
 * runs at a few percent of the products' speed (3.6 ms of a 32-text batch's 9.5 ms per layer
 * on a 2-core AMX machine; docs/benchmarks.md), and its bfloat16 layer norm and gelu take
 * twice as long as these.  Attention here handles 8 queries at a time against keys
 * transposed into float32 (16 x 16 blocks in registers), so every step has 8 independent FMA
 * chains and no horizontal sums.
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void (*task_t)(const void *arg, int part, int parts);
void pool_run(task_t task, const void *arg, int64_t spin_ns);

#ifdef __AVX512F__
#define W 16
typedef __m512 vec;
#define vload _mm512_loadu_ps
#define vstore _mm512_storeu_ps
#define vset1 _mm512_set1_ps
#define vzero _mm512_setzero_ps
#define vfma _mm512_fmadd_ps
#define vfnma _mm512_fnmadd_ps
#define vmul _mm512_mul_ps
#define vadd _mm512_add_ps
#define vsub _mm512_sub_ps
#define vmax _mm512_max_ps
#define vmin _mm512_min_ps
#define vabs _mm512_abs_ps
#define vrcp_estimate _mm512_rcp14_ps
static inline vec vcopysign(vec magnitude, vec sign) {
    /* bitwise m ? sign : magnitude (truth table 0xac) */
    const __m512i m = _mm512_set1_epi32((int)0x80000000);
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
        m, _mm512_castps_si512(magnitude), _mm512_castps_si512(sign), 0xac));
}
static inline float vsum(vec v) { return _mm512_reduce_add_ps(v); }
static inline float vmaxr(vec v) { return _mm512_reduce_max_ps(v); }
/* v with lanes from `valid` on set to -inf. */
static inline vec vmask_tail(vec v, int64_t valid) {
    const __mmask16 keep = valid >= W ? 0xffff : valid <= 0 ? 0 : (__mmask16)((1u << valid) - 1);
    return _mm512_mask_blend_ps(keep, _mm512_set1_ps(-INFINITY), v);
}
/* dst[c * ds + i] = src[i * ss + c] for a 16 x 16 block: unpack, shuffle within 128-bit
 * lanes, then across lanes (64 shuffles instead of 256 scalar stores). */
static inline void transpose_block(const float *src, int64_t ss, float *dst, int64_t ds) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + i * ss);
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    /* r[4i + c], 128-bit lane L: rows 4i..4i+3 of column 4L + c. */
    for (int i = 0; i < 4; i++) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        const __m512 u0 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x44);
        const __m512 u1 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xEE);
        const __m512 u2 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x44);
        const __m512 u3 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xEE);
        _mm512_storeu_ps(dst + c * ds, _mm512_shuffle_f32x4(u0, u2, 0x88));
        _mm512_storeu_ps(dst + (4 + c) * ds, _mm512_shuffle_f32x4(u0, u2, 0xDD));
        _mm512_storeu_ps(dst + (8 + c) * ds, _mm512_shuffle_f32x4(u1, u3, 0x88));
        _mm512_storeu_ps(dst + (12 + c) * ds, _mm512_shuffle_f32x4(u1, u3, 0xDD));
    }
}
static inline vec vround(vec v) {
    return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
static inline vec vpow2i(vec n) { /* 2^n for integral n */
    return _mm512_castsi512_ps(
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
}
#else
#define W 8
typedef __m256 vec;
#define vload _mm256_loadu_ps
#define vstore _mm256_storeu_ps
#define vset1 _mm256_set1_ps
#define vzero _mm256_setzero_ps
#define vfma _mm256_fmadd_ps
#define vfnma _mm256_fnmadd_ps
#define vmul _mm256_mul_ps
#define vadd _mm256_add_ps
#define vsub _mm256_sub_ps
#define vmax _mm256_max_ps
#define vmin _mm256_min_ps
#define vrcp_estimate _mm256_rcp_ps
static inline vec vabs(vec v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }
static inline vec vcopysign(vec magnitude, vec sign) {
    const __m256 m = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(m, magnitude), _mm256_and_ps(m, sign));
}
static inline float vsum(vec v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_hadd_ps(lo, lo);
    lo = _mm_hadd_ps(lo, lo);
    return _mm_cvtss_f32(lo);
}
static inline float vmaxr(vec v) {
    __m128 lo = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_max_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}
static inline vec vmask_tail(vec v, int64_t valid) {
    const __m256 lanes = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 keep = _mm256_cmp_ps(lanes, _mm256_set1_ps((float)valid), _CMP_LT_OQ);
    return _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), v, keep);
}
/* dst[c * ds + i] = src[i * ss + c] for an 8 x 8 block. */
static inline void transpose_block(const float *src, int64_t ss, float *dst, int64_t ds) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ss);
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {
        _mm256_storeu_ps(dst + c * ds, _mm256_permute2f128_ps(r[c], r[4 + c], 0x20));
        _mm256_storeu_ps(dst + (4 + c) * ds, _mm256_permute2f128_ps(r[c], r[4 + c], 0x31));
    }
}
static inline vec vround(vec v) {
    return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
static inline vec vpow2i(vec n) {
    return _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
#endif

/* exp: Cephes' polynomial after range reduction by ln 2 (relative error ~2e-7), as decode.c. */
static inline vec vexp(vec x) {
    x = vmin(vmax(x, vset1(-87.3f)), vset1(88.3f));
    const vec fx = vround(vmul(x, vset1(1.44269504088896341f)));
    x = vfnma(fx, vset1(0.693359375f), x);
    x = vfnma(fx, vset1(-2.12194440e-4f), x);
    vec y = vset1(1.9875691500e-4f);
    y = vfma(y, x, vset1(1.3981999507e-3f));
    y = vfma(y, x, vset1(8.3334519073e-3f));
    y = vfma(y, x, vset1(4.1665795894e-2f));
    y = vfma(y, x, vset1(1.6666665459e-1f));
    y = vfma(y, x, vset1(5.0000001201e-1f));
    y = vfma(y, vmul(x, x), vadd(x, vset1(1.0f)));
    return vmul(y, vpow2i(fx));
}

/* 1 / d: the reciprocal estimate and one Newton step (2^-22 relative; a division costs 16
 * cycles a vector on AVX-512, more than the rest of an erf). */
static inline vec vrecip(vec d) {
    const vec t = vrcp_estimate(d);
    return vmul(t, vfnma(d, t, vset1(2.0f)));
}

/* erf, Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7): for float32 results. */
static inline vec verf(vec x) {
    const vec a = vabs(x);
    const vec t = vrecip(vfma(vset1(0.3275911f), a, vset1(1.0f)));
    vec p = vset1(1.061405429f);
    p = vfma(p, t, vset1(-1.453152027f));
    p = vfma(p, t, vset1(1.421413741f));
    p = vfma(p, t, vset1(-0.284496736f));
    p = vfma(p, t, vset1(0.254829592f));
    p = vmul(p, t);
    return vcopysign(vfnma(p, vexp(vmul(vsub(vzero(), a), a)), vset1(1.0f)), x);
}

/* erf, Abramowitz & Stegun 7.1.27 (absolute error <= 5e-4, no exp): for bfloat16 results,
 * whose rounding is 2^-9 relative; gelu then differs from the exact one by at most 0.1 of a
 * bfloat16 step where |x| <= 4 and 1e-3 beyond (tests/llm_services/test_encoding.py). */
static inline vec verf_coarse(vec x) {
    const vec a = vabs(x);
    vec p = vset1(0.078108f);
    p = vfma(p, a, vset1(0.000972f));
    p = vfma(p, a, vset1(0.230389f));
    p = vfma(p, a, vset1(0.278393f));
    p = vfma(p, a, vset1(1.0f));
    p = vmul(p, p);
    return vcopysign(vfnma(vset1(1.0f), vrecip(vmul(p, p)), vset1(1.0f)), x);
}

/* -- float32 <-> storage ------------------------------------------------------------------- */

static inline float bf16_to_f32(uint16_t v) {
    const uint32_t u = (uint32_t)v << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint16_t f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

/* n values of a float32 or bfloat16 row (at element `offset`) into float32 `out`.  Vector
 * copies, not memcpy: rows are a head's 32-64 values, and a call costs more than the copy. */
static inline void load_row(const void *src, int64_t offset, float *out, int64_t n, int bf16) {
    int64_t i = 0;
    if (bf16) {
        const uint16_t *p = (const uint16_t *)src + offset;
        for (; i < n; i++) out[i] = bf16_to_f32(p[i]);
    } else {
        const float *p = (const float *)src + offset;
        for (; i + W <= n; i += W) vstore(out + i, vload(p + i));
        for (; i < n; i++) out[i] = p[i];
    }
}

static inline void store_row(void *dst, int64_t offset, const float *in, int64_t n, int bf16) {
    int64_t i = 0;
    if (bf16) {
        uint16_t *p = (uint16_t *)dst + offset;
        for (; i < n; i++) p[i] = f32_to_bf16(in[i]);
    } else {
        float *p = (float *)dst + offset;
        for (; i + W <= n; i += W) vstore(p + i, vload(in + i));
        for (; i < n; i++) p[i] = in[i];
    }
}

/* -- attention -------------------------------------------------------------------------------- */

#define QB 8 /* queries at a time */

typedef struct {
    const void *qkv;       /* (tokens, 3 * heads * head_dim): q | k | v */
    void *out;             /* (tokens, heads * head_dim) */
    const int64_t *starts; /* (batch + 1,): sequence b is tokens starts[b] .. starts[b+1]-1 */
    int64_t batch, longest, heads, head_dim; /* longest: the longest sequence's length */
    float scale;
    int bf16;
    int64_t spin_ns; /* how long the pool's helpers spin afterwards (decode.c) */
} attention_t;

static void attention_part(const void *arg, int part, int parts) {
    const attention_t *a = (const attention_t *)arg;
    const int64_t D = a->head_dim, HD = a->heads * D, stride = 3 * HD;
    const int64_t padded = (a->longest + W - 1) / W * W;
    const int64_t tasks = a->batch * a->heads;
    const int64_t t0 = tasks * part / parts, t1 = tasks * (part + 1) / parts;
    if (t0 >= t1) return;
    /* keys transposed (D, padded) and as rows (padded, D), values (longest, D), a block of
     * queries and their scores. */
    float *kt = malloc(sizeof(float) * (size_t)(2 * D * padded + a->longest * D + QB * D + QB * padded));
    if (!kt) abort();
    float *rows = kt + D * padded, *v = rows + D * padded, *q = v + a->longest * D;
    float *s = q + QB * D;
    for (int64_t t = t0; t < t1; t++) {
        const int64_t b = t / a->heads, h = t % a->heads, base = a->starts[b];
        const int64_t n = a->starts[b + 1] - base, np = (n + W - 1) / W * W;
        for (int64_t j = 0; j < n; j++) {
            load_row(a->qkv, (base + j) * stride + HD + h * D, rows + j * D, D, a->bf16);
            load_row(a->qkv, (base + j) * stride + 2 * HD + h * D, v + j * D, D, a->bf16);
        }
        memset(rows + n * D, 0, sizeof(float) * (size_t)((np - n) * D));
        for (int64_t j = 0; j < np; j += W)
            for (int64_t d = 0; d < D; d += W) transpose_block(rows + j * D + d, D, kt + d * np + j, np);
        for (int64_t i0 = 0; i0 < n; i0 += QB) {
            const int64_t m = n - i0 < QB ? n - i0 : QB;
            for (int64_t r = 0; r < QB; r++) {
                if (r < m) {
                    load_row(a->qkv, (base + i0 + r) * stride + h * D, q + r * D, D, a->bf16);
                    for (int64_t d = 0; d < D; d++) q[r * D + d] *= a->scale;
                } else {
                    memset(q + r * D, 0, sizeof(float) * (size_t)D);
                }
            }
            /* Scores, each row's maximum on the way (keys past n masked), then unnormalised
             * probabilities: all 8 rows step together, so their reductions and exps overlap
             * instead of forming one long chain per row.  The outputs are divided by the
             * sums at the end. */
            vec top[QB], total[QB];
            for (int r = 0; r < QB; r++) top[r] = vset1(-INFINITY), total[r] = vzero();
            int64_t j = 0;
            for (; j < np; j += W) {
                vec acc[QB];
                for (int r = 0; r < QB; r++) acc[r] = vzero();
                for (int64_t d = 0; d < D; d++) {
                    const vec k = vload(kt + d * np + j);
                    for (int r = 0; r < QB; r++) acc[r] = vfma(vset1(q[r * D + d]), k, acc[r]);
                }
                for (int r = 0; r < QB; r++) {
                    if (j + W > n) acc[r] = vmask_tail(acc[r], n - j);
                    vstore(s + r * np + j, acc[r]);
                    top[r] = vmax(top[r], acc[r]);
                }
            }
            float inv[QB];
            for (int r = 0; r < QB; r++) top[r] = vset1(vmaxr(top[r]));
            /* Masked keys add exp(-87.3) each to a total >= 1: nothing in float32. */
            for (j = 0; j < np; j += W)
                for (int r = 0; r < QB; r++) {
                    const vec e = vexp(vsub(vload(s + r * np + j), top[r]));
                    vstore(s + r * np + j, e);
                    total[r] = vadd(total[r], e);
                }
            for (int r = 0; r < QB; r++) inv[r] = 1.0f / vsum(total[r]);
            /* Two vectors of the output a step where they fit: each probability loaded
             * once feeds two FMAs. */
            int64_t d = 0;
            for (; d + 2 * W <= D; d += 2 * W) {
                vec lo[QB], hi[QB];
                for (int r = 0; r < QB; r++) lo[r] = vzero(), hi[r] = vzero();
                for (int64_t j = 0; j < n; j++) {
                    const vec v0 = vload(v + j * D + d), v1 = vload(v + j * D + d + W);
                    for (int r = 0; r < QB; r++) {
                        const vec p = vset1(s[r * np + j]);
                        lo[r] = vfma(p, v0, lo[r]);
                        hi[r] = vfma(p, v1, hi[r]);
                    }
                }
                for (int r = 0; r < QB; r++) {
                    vstore(q + r * D + d, vmul(lo[r], vset1(inv[r])));
                    vstore(q + r * D + d + W, vmul(hi[r], vset1(inv[r])));
                }
            }
            for (; d < D; d += W) {
                vec acc[QB];
                for (int r = 0; r < QB; r++) acc[r] = vzero();
                for (int64_t j = 0; j < n; j++) {
                    const vec vv = vload(v + j * D + d);
                    for (int r = 0; r < QB; r++) acc[r] = vfma(vset1(s[r * np + j]), vv, acc[r]);
                }
                for (int r = 0; r < QB; r++) vstore(q + r * D + d, vmul(acc[r], vset1(inv[r])));
            }
            for (int64_t r = 0; r < m; r++)
                store_row(a->out, (base + i0 + r) * HD + h * D, q + r * D, D, a->bf16);
        }
    }
    free(kt);
}

/* Head sizes taken: multiples of 16, on every ISA (the AVX2 build's 8-wide vectors could
 * take multiples of 8; the AVX-512 build's cannot), so a shape is refused or served the same
 * on every CPU. */
#define HEAD_ALIGN 16

/* Returns 0, or -1 for shapes it does not take. */
int encoder_attention(const attention_t *a) {
    if (a->batch < 1 || a->heads < 1 || a->head_dim < HEAD_ALIGN || a->head_dim % HEAD_ALIGN ||
        a->starts[0] != 0)
        return -1;
    for (int64_t b = 0; b < a->batch; b++) {
        const int64_t n = a->starts[b + 1] - a->starts[b];
        if (n < 1 || n > a->longest) return -1;
    }
    pool_run(attention_part, a, a->spin_ns);
    return 0;
}

/* -- layer norm ---------------------------------------------------------------------- */

typedef struct {
    void *x;        /* (rows, n), updated in place */
    const void *h;  /* (rows, n) added first, or NULL */
    const float *w, *b;
    int64_t rows, n;
    float eps;
    int bf16;
    int64_t spin_ns; /* how long the pool's helpers spin afterwards (decode.c) */
} norm_t;

static void norm_part(const void *arg, int part, int parts) {
    const norm_t *a = (const norm_t *)arg;
    const int64_t r0 = a->rows * part / parts, r1 = a->rows * (part + 1) / parts, n = a->n;
    if (r0 >= r1) return;
    float *x = malloc(sizeof(float) * (size_t)(2 * n));
    if (!x) abort();
    float *h = x + n;
    for (int64_t r = r0; r < r1; r++) {
        load_row(a->x, r * n, x, n, a->bf16);
        if (a->h) {
            load_row(a->h, r * n, h, n, a->bf16);
            for (int64_t i = 0; i < n; i++) x[i] += h[i];
        }
        /* Two passes, mean then squared deviations, as torch's layer norm; W partial sums. */
        vec sum = vzero();
        int64_t i = 0;
        for (; i + W <= n; i += W) sum = vadd(sum, vload(x + i));
        float mean = vsum(sum);
        for (; i < n; i++) mean += x[i];
        mean /= (float)n;
        const vec mv = vset1(mean);
        sum = vzero();
        for (i = 0; i + W <= n; i += W) {
            const vec dv = vsub(vload(x + i), mv);
            sum = vfma(dv, dv, sum);
        }
        float var = vsum(sum);
        for (; i < n; i++) var += (x[i] - mean) * (x[i] - mean);
        const float inv = 1.0f / sqrtf(var / (float)n + a->eps);
        const vec iv = vset1(inv);
        for (i = 0; i + W <= n; i += W)
            vstore(x + i, vfma(vmul(vsub(vload(x + i), mv), iv), vload(a->w + i), vload(a->b + i)));
        for (; i < n; i++) x[i] = (x[i] - mean) * inv * a->w[i] + a->b[i];
        store_row(a->x, r * n, x, n, a->bf16);
    }
    free(x);
}

int add_layer_norm(const norm_t *a) {
    if (a->rows < 1 || a->n < 1) return -1;
    pool_run(norm_part, a, a->spin_ns);
    return 0;
}

/* -- gelu ------------------------------------------------------------------------------------- */

typedef struct {
    void *x; /* updated in place */
    int64_t n;
    int bf16;
    int64_t spin_ns; /* how long the pool's helpers spin afterwards (decode.c) */
} gelu_t;

#define GELU_BLOCK 1024

static void gelu_part(const void *arg, int part, int parts) {
    const gelu_t *a = (const gelu_t *)arg;
    const int64_t blocks = (a->n + GELU_BLOCK - 1) / GELU_BLOCK;
    const int64_t b0 = blocks * part / parts, b1 = blocks * (part + 1) / parts;
    float buffer[GELU_BLOCK];
    const vec half = vset1(0.5f), root = vset1(0.70710678118654752f);
    for (int64_t b = b0; b < b1; b++) {
        const int64_t i0 = b * GELU_BLOCK, m = a->n - i0 < GELU_BLOCK ? a->n - i0 : GELU_BLOCK;
        load_row(a->x, i0, buffer, m, a->bf16);
        for (int64_t i = m; i < (m + W - 1) / W * W; i++) buffer[i] = 0.0f;
        for (int64_t i = 0; i < m; i += W) {
            const vec x = vload(buffer + i), z = vmul(x, root);
            const vec e = a->bf16 ? verf_coarse(z) : verf(z);
            vstore(buffer + i, vfma(vmul(half, x), e, vmul(half, x)));
        }
        store_row(a->x, i0, buffer, m, a->bf16);
    }
}

/* x = x * (1 + erf(x / sqrt 2)) / 2 in place (gelu's erf form, as BERT's "gelu"). */
int gelu(const gelu_t *a) {
    if (a->n < 1) return -1;
    pool_run(gelu_part, a, a->spin_ns);
    return 0;
}
