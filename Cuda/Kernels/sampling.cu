// Token sampling on the device, one block of SAMPLE_THREADS threads per sampling row, following the host
// Sampler (Runtime/Sampling/Sampler.cs) step for step:
//   raw log-normaliser and top-N raw logprobs (log_softmax of the unmodified logits);
//   a copy of the row with min_tokens suppression, then per distinct history token repetition penalty and
//   frequency/presence penalties (the host packs the distinct tokens of prompt ∪ output with output counts);
//   greedy: argmax, lowest id on ties;
//   else min_p (as a logit bound, with the host's -87 floor), top_k by (logit desc, id asc), weights
//   exp((logit - max) / T) in fp32 summed in double, top_p and the draw as inverse-CDF searches in
//   (weight desc, id asc) order, u = SplitMix64 uniform of (seed, step) exactly as SamplingRandom.
// The k-th / cumulative positions are found by radix selection over the 32-bit keys (8 bits a pass,
// 256-bin histograms of count or mass in shared memory), then ties on the exact key are resolved by id.
// Arithmetic that must round as the host does uses the explicit _rn intrinsics (NVRTC contracts to FMA
// otherwise). exp is CUDA's expf (<= 2 ulp) against .NET's, so a draw landing within ~1e-7 relative of
// a cumulative boundary may legitimately pick the neighbour.

#define SAMPLE_THREADS 1024
#define MAX_TOP 20
#define INFINITY __int_as_float(0x7f800000)
#define NAN __int_as_float(0x7fffffff)

struct SampleRow {
    int flags;          // 1 greedy, 2 suppress stop ids, 4 repetition penalty, 8 frequency/presence
    int top_k;          // 0: off
    int top_n;          // top raw logprobs wanted (0..20)
    int step;           // output length: the draw's counter
    int stop_start, stop_count;
    int hist_start, hist_count;
    float repetition, frequency, presence, temperature_f;
    double temperature, log_ratio, top_p;
    unsigned long long seed;
};

struct SampleOut {      // 42 ints
    int token;
    float logprob;
    int top_ids[MAX_TOP];
    float top_logprobs[MAX_TOP];
};

__device__ __forceinline__ unsigned long long mix64(unsigned long long z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ double uniform(unsigned long long seed, int step)
{
    unsigned long long state = mix64(seed) + 0x9E3779B97F4A7C15ULL * ((unsigned long long)step + 1ULL);
    return (double)(mix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

// Monotonic map of finite floats onto unsigned ints.
__device__ __forceinline__ unsigned int ordered(float x)
{
    unsigned int u = __float_as_uint(x);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

struct Shared {
    double mass[256];
    unsigned int count[256];
    int scan[SAMPLE_THREADS];
    double red_d[SAMPLE_THREADS / 32];
    float red_f[SAMPLE_THREADS / 32];
    int red_i[SAMPLE_THREADS / 32];
    // results broadcast by thread 0
    unsigned int prefix;
    int digit_shift;
    double before;
    int fallback;
    int found;
    float fval;
    int ival;
    double dval;
};

__device__ double block_sum_d(double v, Shared& s)
{
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads();
    if ((threadIdx.x & 31) == 0) s.red_d[threadIdx.x >> 5] = v;
    __syncthreads();
    if (threadIdx.x == 0) {
        double t = 0;
        for (int i = 0; i < SAMPLE_THREADS / 32; i++) t += s.red_d[i];
        s.dval = t;
    }
    __syncthreads();
    return s.dval;
}

// The best (value desc, id asc) pair of the block; value NaN never wins.
__device__ void block_best(float& v, int& id, Shared& s)
{
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, v, o);
        int oi = __shfl_xor_sync(0xffffffffu, id, o);
        if (oi >= 0 && (id < 0 || ov > v || (ov == v && oi < id))) { v = ov; id = oi; }
    }
    __syncthreads();
    if ((threadIdx.x & 31) == 0) { s.red_f[threadIdx.x >> 5] = v; s.red_i[threadIdx.x >> 5] = id; }
    __syncthreads();
    if (threadIdx.x == 0) {
        float bv = s.red_f[0]; int bi = s.red_i[0];
        for (int i = 1; i < SAMPLE_THREADS / 32; i++) {
            float ov = s.red_f[i]; int oi = s.red_i[i];
            if (oi >= 0 && (bi < 0 || ov > bv || (ov == bv && oi < bi))) { bv = ov; bi = oi; }
        }
        s.fval = bv; s.ival = bi;
    }
    __syncthreads();
    v = s.fval; id = s.ival;
}

__device__ float block_max(const float* x, int n, Shared& s)
{
    float m = -INFINITY;
    for (int i = threadIdx.x; i < n; i += SAMPLE_THREADS) m = fmaxf(m, x[i]);
    for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    __syncthreads();
    if ((threadIdx.x & 31) == 0) s.red_f[threadIdx.x >> 5] = m;
    __syncthreads();
    if (threadIdx.x == 0) {
        float t = s.red_f[0];
        for (int i = 1; i < SAMPLE_THREADS / 32; i++) t = fmaxf(t, s.red_f[i]);
        s.fval = t;
    }
    __syncthreads();
    return s.fval;
}

// Key and weight of element i for a selection. mode 0: logits at or above `bound`, weight 1 (top_k);
// mode 1: positive weights, weight = the value (cumulative mass). Non-members get weight 0.
__device__ __forceinline__ bool member(const float* x, int i, int mode, float bound, unsigned int& key, double& weight)
{
    float v = x[i];
    if (mode == 0) {
        if (!(v >= bound)) return false;
        key = ordered(v); weight = 1.0;
    } else {
        if (!(v > 0.0f)) return false;
        key = __float_as_uint(v); weight = (double)v;
    }
    return true;
}

// Finds the first element in (key desc, id asc) order at which the running weight reaches `target`
// (the last-ranked member when it never does). Returns its id; *through gets the running weight through it.
// Every member must have a nonzero weight. Returns -1 when there are no members.
__device__ int select_cumulative(const float* x, int n, int mode, float bound, double target, double* through, Shared& s)
{
    if (threadIdx.x == 0) { s.prefix = 0; s.before = 0; s.fallback = 0; s.found = 1; }
    __syncthreads();
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < 256; b += SAMPLE_THREADS) { s.mass[b] = 0; s.count[b] = 0; }
        __syncthreads();
        const unsigned int high_mask = shift == 24 ? 0u : (0xFFFFFFFFu << (shift + 8));
        const unsigned int prefix = s.prefix;
        for (int i = threadIdx.x; i < n; i += SAMPLE_THREADS) {
            unsigned int key; double w;
            if (!member(x, i, mode, bound, key, w)) continue;
            if ((key & high_mask) != prefix) continue;
            int bin = (key >> shift) & 255;
            atomicAdd(&s.mass[bin], w);
            atomicAdd(&s.count[bin], 1u);
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            double before = s.before;
            int chosen = -1;
            if (!s.fallback) {
                for (int b = 255; b >= 0; b--) {
                    if (s.count[b] == 0) continue;
                    if (before + s.mass[b] >= target) { chosen = b; break; }
                    before += s.mass[b];
                }
            }
            if (chosen < 0) {
                // Rounding left the target above the total: the last-ranked member (lowest nonempty bin).
                before = s.before;
                int lowest = -1;
                for (int b = 0; b < 256; b++) if (s.count[b]) { lowest = b; break; }
                if (lowest < 0) s.found = 0;
                else {
                    for (int b = 255; b > lowest; b--) before += s.mass[b];
                    chosen = lowest;
                    s.fallback = 1;
                }
            }
            if (chosen >= 0) { s.before = before; s.prefix = prefix | ((unsigned int)chosen << shift); }
        }
        __syncthreads();
        if (!s.found) return -1;
    }
    // Every member with key == prefix ties; they rank by id. Take the j-th of them.
    const unsigned int key_exact = s.prefix;
    const unsigned int ties = s.count[key_exact & 255];
    if (threadIdx.x == 0) {
        double v = mode == 0 ? 1.0 : (double)__uint_as_float(key_exact);
        double run = s.before;
        int j = ties;
        if (!s.fallback) {
            for (int t = 1; t <= (int)ties; t++) { run += v; if (run >= target) { j = t; break; } }
        } else {
            for (unsigned t = 0; t < ties; t++) run += v;
        }
        s.ival = j;
        s.dval = run;
        s.found = -1;
    }
    __syncthreads();
    const int j = s.ival;
    const double run = s.dval;
    // Contiguous chunks per thread, so that a block scan gives each match its rank in id order.
    const int chunk = (n + SAMPLE_THREADS - 1) / SAMPLE_THREADS;
    const int lo = threadIdx.x * chunk, hi = min(n, lo + chunk);
    int mine = 0;
    for (int i = lo; i < hi; i++) {
        unsigned int key; double w;
        if (member(x, i, mode, bound, key, w) && key == key_exact) mine++;
    }
    s.scan[threadIdx.x] = mine;
    __syncthreads();
    if (threadIdx.x == 0) {
        int acc = 0;
        for (int t = 0; t < SAMPLE_THREADS; t++) { int c = s.scan[t]; s.scan[t] = acc; acc += c; }
    }
    __syncthreads();
    int rank = s.scan[threadIdx.x];
    if (rank < j && rank + mine >= j) {
        for (int i = lo; i < hi; i++) {
            unsigned int key; double w;
            if (member(x, i, mode, bound, key, w) && key == key_exact) {
                rank++;
                if (rank == j) { s.found = i; break; }
            }
        }
    }
    __syncthreads();
    int id = s.found;
    *through = run;
    __syncthreads();
    return id;
}

extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) sample_rows(
    const float* __restrict__ logits,   // [rows, vocab] raw
    float* __restrict__ work,           // [rows, vocab] scratch
    const SampleRow* __restrict__ params,
    const int* __restrict__ stops,
    const int2* __restrict__ history,   // (token id, count in the output)
    SampleOut* __restrict__ out,
    int vocab)
{
    __shared__ Shared s;
    const int row = blockIdx.x;
    const SampleRow p = params[row];
    const float* raw = logits + (long long)row * vocab;
    float* x = work + (long long)row * vocab;
    SampleOut* o = out + row;

    // Raw log-normaliser: max + log sum exp(logit - max), exponentials in fp32, sums in double.
    const float raw_max = block_max(raw, vocab, s);
    double sum = 0;
    for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) sum += (double)expf(__fsub_rn(raw[i], raw_max));
    const double log_norm = (double)raw_max + log(block_sum_d(sum, s));

    // Top raw logprobs: repeated block argmax over what ranks below the previous pick.
    float prev_v = INFINITY; int prev_id = -1;
    for (int t = 0; t < p.top_n; t++) {
        float bv = -INFINITY; int bi = -1;
        for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) {
            float v = raw[i];
            if (v != v) continue;
            bool below = v < prev_v || (v == prev_v && i > prev_id);
            if (!below) continue;
            if (bi < 0 || v > bv) { bv = v; bi = i; }
        }
        block_best(bv, bi, s);
        if (threadIdx.x == 0) {
            o->top_ids[t] = bi;
            o->top_logprobs[t] = bi < 0 ? -INFINITY : (float)((double)bv - log_norm);
        }
        prev_v = bv; prev_id = bi;
        if (bi < 0) break;
    }

    // The adjusted copy: suppression, then each distinct history token's penalties.
    for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) x[i] = raw[i];
    __syncthreads();
    if (p.flags & 2)
        for (int k = threadIdx.x; k < p.stop_count; k += SAMPLE_THREADS) x[stops[p.stop_start + k]] = -INFINITY;
    __syncthreads();
    for (int k = threadIdx.x; k < p.hist_count; k += SAMPLE_THREADS) {
        const int2 h = history[p.hist_start + k];
        float v = x[h.x];
        if (p.flags & 4) v = v > 0.0f ? __fdiv_rn(v, p.repetition) : __fmul_rn(v, p.repetition);
        if ((p.flags & 8) && h.y > 0) {
            v = __fsub_rn(v, __fmul_rn(p.frequency, (float)h.y));
            v = __fsub_rn(v, p.presence);
        }
        x[h.x] = v;
    }
    __syncthreads();

    int token;
    if (p.flags & 1) {
        float bv = -INFINITY; int bi = -1;
        for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) {
            float v = x[i];
            if (v != v) continue;
            if (bi < 0 || v > bv) { bv = v; bi = i; }
        }
        block_best(bv, bi, s);
        token = (bi >= 0 && isfinite(bv)) ? bi : -1;
    } else {
        const float max = block_max(x, vocab, s);
        token = -1;
        if (isfinite(max)) {
            const float bound = (float)__dadd_rn((double)max, __dmul_rn(p.temperature, p.log_ratio));
            unsigned int kth_key = 0; int kth_id = vocab;
            bool top_k = false;
            if (p.top_k > 0) {
                int c = 0;
                for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) c += x[i] >= bound;
                double count = block_sum_d((double)c, s);
                if ((double)p.top_k < count) {
                    double through;
                    kth_id = select_cumulative(x, vocab, 0, bound, (double)p.top_k, &through, s);
                    kth_key = ordered(x[kth_id]);
                    top_k = true;
                }
            }
            // Weights in place; 0 marks a token that is out.
            __syncthreads();
            double kept = 0;
            for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) {
                float v = x[i];
                bool in = v >= bound;
                if (in && top_k) {
                    unsigned int k = ordered(v);
                    in = k > kth_key || (k == kth_key && i <= kth_id);
                }
                float w = 0.0f;
                if (in) { w = expf(__fdiv_rn(__fsub_rn(v, max), p.temperature_f)); kept += (double)w; }
                x[i] = w;
            }
            kept = block_sum_d(kept, s);
            if (p.top_p < 1.0) {
                double through;
                int last = select_cumulative(x, vocab, 1, 0.0f, __dmul_rn(p.top_p, kept), &through, s);
                const float lw = x[last];
                __syncthreads();
                for (int i = threadIdx.x; i < vocab; i += SAMPLE_THREADS) {
                    float w = x[i];
                    if (w < lw || (w == lw && i > last)) x[i] = 0.0f;
                }
                kept = through;
                __syncthreads();
            }
            const double u = uniform(p.seed, p.step);
            double through;
            token = select_cumulative(x, vocab, 1, 0.0f, __dmul_rn(u, kept), &through, s);
        }
    }
    if (threadIdx.x == 0) {
        o->token = token;
        o->logprob = token < 0 ? NAN : (float)((double)raw[token] - log_norm);
    }
}
