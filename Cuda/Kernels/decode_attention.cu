// Decode attention over the paged KV cache (bf16), fp32 arithmetic. Decode attention is latency-bound (a dependent
// load or a long chain of dependent arithmetic costs far more than the bytes): each warp takes 8 keys at a time with
// four lanes per key, issuing every load of the tile before computing (see decode_attention below).
// Every sequence of the step has exactly one query (at position ctx), which sees keys 0 .. ctx. Split-K ("flash-decoding"): the keys of one (sequence,
// KV head) are cut into gridDim.z splits so that a short batch still fills the GPU; each split writes a
// partial (unnormalised output, running max, running sum) and decode_attention_combine merges them. With one
// split the block writes the output itself. The number of splits is fixed at launch (a captured graph keeps
// it) and each block derives its key range from the sequence's length, so the same launch serves any context.
//   q    [n, heads * HD] bf16 (rotated)            out [n, heads * HD] bf16
//   k_cache, v_cache: this layer's [slots, kv_heads * HD] bf16, slot = block * block_size + offset
//   seqs per sequence: row in the step, query count (1), context length before the step, block table start
//   partials [sequences, heads, splits, HD + 2] fp32: output sum, then max (base 2) and sum of weights
#include <cuda_bf16.h>

namespace {

constexpr int WARPS = 4;
constexpr int KT = 8;             // keys per warp tile: four lanes per key

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ float2 bf16x2_to_float2(unsigned int bits)
{
    return make_float2(__uint_as_float(bits << 16), __uint_as_float(bits & 0xffff0000u));
}

template <int HD>
struct VRow;  // the DIMS = HD / 32 output dims one lane owns, as loaded

template <>
struct VRow<128> {
    uint2 bits;
    __device__ __forceinline__ void load(const __nv_bfloat16* row, int lane) { bits = *reinterpret_cast<const uint2*>(row + 4 * lane); }
    __device__ __forceinline__ void get(float* v) const
    {
        const float2 a = bf16x2_to_float2(bits.x), b = bf16x2_to_float2(bits.y);
        v[0] = a.x; v[1] = a.y; v[2] = b.x; v[3] = b.y;
    }
};

template <>
struct VRow<64> {
    unsigned int bits;
    __device__ __forceinline__ void load(const __nv_bfloat16* row, int lane) { bits = *reinterpret_cast<const unsigned int*>(row + 2 * lane); }
    __device__ __forceinline__ void get(float* v) const
    {
        const float2 a = bf16x2_to_float2(bits);
        v[0] = a.x; v[1] = a.y;
    }
};

// A warp takes KT = 8 keys at a time, four lanes per key, each lane a quarter of the head dims: every K and V load
// of the tile is issued before any arithmetic (one memory latency per tile), and the dependent chains are a
// quarter as long as with one lane per key. The quarters' dot products meet by two shuffles.
template <int HD, int G>
__device__ __forceinline__ void decode_attention(
    const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k_cache,
    const __nv_bfloat16* __restrict__ v_cache, __nv_bfloat16* __restrict__ out, float* __restrict__ partials,
    const int4* __restrict__ seqs, const int* __restrict__ block_tables, int block_size, int heads, int kv_heads,
    float scale_log2)
{
    constexpr int QD = HD / 4;          // dims of a quarter
    constexpr int QV = QD / 8;          // 16-byte chunks of a quarter
    constexpr int QSTRIDE = QD + 4;     // padded: the four quarters' reads fall in different banks
    constexpr int DIMS = HD / 32;       // output dims per lane
    __shared__ __align__(16) float q_s[G][4][QSTRIDE];
    __shared__ float o_s[WARPS][G][HD + 2];

    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int key_lane = lane >> 2, quarter = lane & 3;
    const int kv_head = blockIdx.y, split = blockIdx.z, splits = gridDim.z;
    const int4 seq = seqs[blockIdx.x];
    const int row = seq.x, kv_len = seq.z + seq.y, table = seq.w;
    const int per = ((kv_len + splits - 1) / splits + KT - 1) / KT * KT;
    const int k_begin = split * per, k_end = min(kv_len, k_begin + per);
    const int kv_stride = kv_heads * HD;

    for (int idx = threadIdx.x; idx < G * HD; idx += blockDim.x) {
        const int g = idx / HD, d = idx - g * HD;
        q_s[g][d / QD][d % QD] = __bfloat162float(q[static_cast<long long>(row) * heads * HD + (kv_head * G + g) * HD + d]) * scale_log2;
    }
    __syncthreads();

    float m[G], l[G], acc[G][DIMS];
#pragma unroll
    for (int g = 0; g < G; ++g) {
        m[g] = neg_inf();
        l[g] = 0.0f;
#pragma unroll
        for (int c = 0; c < DIMS; ++c) acc[g][c] = 0.0f;
    }

    for (int tile = k_begin + warp * KT; tile < k_end; tile += WARPS * KT) {
        const int key = tile + key_lane, keys = min(KT, k_end - tile);
        const bool valid = key < k_end;
        long long slot = 0;
        if (valid) slot = static_cast<long long>(block_tables[table + key / block_size]) * block_size + key % block_size;
        uint4 kq[QV];
        if (valid) {
            const uint4* k_row = reinterpret_cast<const uint4*>(k_cache + slot * kv_stride + kv_head * HD + quarter * QD);
#pragma unroll
            for (int i = 0; i < QV; ++i) kq[i] = k_row[i];
        }
        VRow<HD> v[KT];
#pragma unroll
        for (int j = 0; j < KT; ++j) {
            const long long slot_j = __shfl_sync(0xffffffffu, slot, 4 * j);
            if (j < keys) v[j].load(v_cache + slot_j * kv_stride + kv_head * HD, lane);
        }

        float p[G];
#pragma unroll
        for (int g = 0; g < G; ++g) {
            float s = 0.0f;
            if (valid) {
#pragma unroll
                for (int i = 0; i < QV; ++i) {
                    const float4 qa = *reinterpret_cast<const float4*>(&q_s[g][quarter][8 * i]);
                    const float4 qb = *reinterpret_cast<const float4*>(&q_s[g][quarter][8 * i + 4]);
                    const float2 k0 = bf16x2_to_float2(kq[i].x), k1 = bf16x2_to_float2(kq[i].y);
                    const float2 k2 = bf16x2_to_float2(kq[i].z), k3 = bf16x2_to_float2(kq[i].w);
                    s = fmaf(qa.x, k0.x, fmaf(qa.y, k0.y, fmaf(qa.z, k1.x, fmaf(qa.w, k1.y, s))));
                    s = fmaf(qb.x, k2.x, fmaf(qb.y, k2.y, fmaf(qb.z, k3.x, fmaf(qb.w, k3.y, s))));
                }
            }
            s += __shfl_xor_sync(0xffffffffu, s, 1);
            s += __shfl_xor_sync(0xffffffffu, s, 2);
            const float score = valid ? s : neg_inf();
            float mx = fmaxf(score, __shfl_xor_sync(0xffffffffu, score, 4));
            mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 8));
            mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 16));
            const float m_new = fmaxf(m[g], mx); // finite: the tile's first key is valid
            p[g] = exp2f(score - m_new);
            float sum = p[g] + __shfl_xor_sync(0xffffffffu, p[g], 4); // each key's four lanes hold the same p
            sum += __shfl_xor_sync(0xffffffffu, sum, 8);
            sum += __shfl_xor_sync(0xffffffffu, sum, 16);
            const float correction = exp2f(m[g] - m_new);
            l[g] = l[g] * correction + sum;
            m[g] = m_new;
#pragma unroll
            for (int c = 0; c < DIMS; ++c) acc[g][c] *= correction;
        }
#pragma unroll
        for (int j = 0; j < KT; ++j) {
            if (j >= keys) break;
            float vf[DIMS];
            v[j].get(vf);
#pragma unroll
            for (int g = 0; g < G; ++g) {
                const float pj = __shfl_sync(0xffffffffu, p[g], 4 * j);
#pragma unroll
                for (int c = 0; c < DIMS; ++c) acc[g][c] = fmaf(pj, vf[c], acc[g][c]);
            }
        }
    }

#pragma unroll
    for (int g = 0; g < G; ++g) {
#pragma unroll
        for (int c = 0; c < DIMS; ++c) o_s[warp][g][DIMS * lane + c] = acc[g][c];
        if (lane == 0) { o_s[warp][g][HD] = m[g]; o_s[warp][g][HD + 1] = l[g]; }
    }
    __syncthreads();

    for (int idx = threadIdx.x; idx < G * HD; idx += blockDim.x) {
        const int g = idx / HD, d = idx - g * HD;
        float mx = neg_inf();
#pragma unroll
        for (int w = 0; w < WARPS; ++w) mx = fmaxf(mx, o_s[w][g][HD]);
        float sum = 0.0f, o = 0.0f;
        if (mx != neg_inf()) {
#pragma unroll
            for (int w = 0; w < WARPS; ++w) {
                const float weight = exp2f(o_s[w][g][HD] - mx);
                sum += o_s[w][g][HD + 1] * weight;
                o += o_s[w][g][d] * weight;
            }
        }
        const int head = kv_head * G + g;
        if (splits == 1) {
            out[static_cast<long long>(row) * heads * HD + head * HD + d] = __float2bfloat16(o / sum);
        } else {
            float* part = partials + ((static_cast<long long>(blockIdx.x) * heads + head) * splits + split) * (HD + 2);
            part[d] = o;
            if (d == 0) { part[HD] = mx; part[HD + 1] = sum; }
        }
    }
}

// One block per (sequence, query head), one thread per dim: merges the splits' partials.
template <int HD>
__device__ __forceinline__ void decode_attention_combine(
    const float* __restrict__ partials, __nv_bfloat16* __restrict__ out, const int4* __restrict__ seqs, int heads,
    int splits)
{
    const int head = blockIdx.y, d = threadIdx.x;
    const float* part = partials + (static_cast<long long>(blockIdx.x) * heads + head) * splits * (HD + 2);
    float mx = neg_inf();
    for (int s = 0; s < splits; ++s) mx = fmaxf(mx, part[s * (HD + 2) + HD]);
    float sum = 0.0f, o = 0.0f;
    for (int s = 0; s < splits; ++s) {
        const float* p = part + s * (HD + 2);
        const float weight = exp2f(p[HD] - mx); // an empty split has max -inf: weight 0
        sum += p[HD + 1] * weight;
        o += p[d] * weight;
    }
    out[static_cast<long long>(seqs[blockIdx.x].x) * heads * HD + head * HD + d] = __float2bfloat16(o / sum);
}

} // namespace

#define DECODE_ATTENTION_GROUP(HD, G)                                                                              \
    extern "C" __global__ void __launch_bounds__(WARPS * 32) decode_attention_hd##HD##_g##G(                       \
        const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k_cache,                            \
        const __nv_bfloat16* __restrict__ v_cache, __nv_bfloat16* __restrict__ out, float* __restrict__ partials,   \
        const int4* __restrict__ seqs, const int* __restrict__ block_tables, int block_size, int heads,             \
        int kv_heads, float scale_log2)                                                                            \
    {                                                                                                              \
        decode_attention<HD, G>(q, k_cache, v_cache, out, partials, seqs, block_tables, block_size, heads,         \
            kv_heads, scale_log2);                                                                                 \
    }

// Query heads per KV head as a template parameter, so that every per-head array stays in registers.
#define DECODE_ATTENTION_ENTRY(HD)                                                                                 \
    DECODE_ATTENTION_GROUP(HD, 1)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 2)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 3)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 4)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 5)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 6)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 7)                                                                                  \
    DECODE_ATTENTION_GROUP(HD, 8)                                                                                  \
    extern "C" __global__ void __launch_bounds__(HD) decode_attention_combine_hd##HD(                              \
        const float* __restrict__ partials, __nv_bfloat16* __restrict__ out, const int4* __restrict__ seqs,        \
        int heads, int splits)                                                                                     \
    {                                                                                                              \
        decode_attention_combine<HD>(partials, out, seqs, heads, splits);                                          \
    }

DECODE_ATTENTION_ENTRY(64)
DECODE_ATTENTION_ENTRY(128)
