// The CUDA-core prefill attention the checks time and compare the tensor-core kernel (Cuda/Kernels/
// paged_prefill_attention.cu) against: the same inputs and semantics, its own work list.
// Causal grouped-query attention of a varlen batch over the paged KV cache (bf16), fp32 arithmetic,
// online softmax over key tiles (FlashAttention's recurrence on CUDA cores, no tensor cores).
//
// Work item (blockIdx.x) = one tile of up to tile_queries consecutive queries of one sequence;
// blockIdx.y = one KV head, whose `group` query heads the block serves together, so each K/V tile read
// from the cache is shared by tile_queries x group query rows (at most ROWS).
//   q         [n, heads * HD] bf16 (rotated)          out [n, heads * HD] bf16
//   k_cache, v_cache: this layer's [slots, kv_heads * HD] bf16, slot = block * block_size + offset
//   seqs      per sequence: first row in the step, query count, context length before the step,
//             start of its block table in block_tables
//   tiles     per work item: sequence index, first query of the tile within the sequence
// Query i of a sequence sits at absolute position ctx + i and sees keys 0 .. ctx + i (earlier chunks
// and prefix-cache hits included). scale_log2 = log2(e) / sqrt(HD): scores are kept in base 2.
#include <cuda_bf16.h>
#include "reductions.cuh"

namespace {

constexpr int ROWS = 32;          // query rows (query x head) per block
constexpr int WARPS = 8;
constexpr int ROWS_PER_WARP = ROWS / WARPS;
constexpr int KEYS = 32;          // keys per tile: one per lane when scoring

__device__ __forceinline__ float2 bf16x2_to_float2(unsigned int bits)
{
    return make_float2(__uint_as_float(bits << 16), __uint_as_float(bits & 0xffff0000u));
}

template <int HD>
__device__ __forceinline__ void paged_attention(
    const __nv_bfloat16* __restrict__ q,
    const __nv_bfloat16* __restrict__ k_cache,
    const __nv_bfloat16* __restrict__ v_cache,
    __nv_bfloat16* __restrict__ out,
    const int4* __restrict__ seqs,
    const int* __restrict__ block_tables,
    const int2* __restrict__ tiles,
    int block_size,
    int heads,
    int kv_heads,
    int tile_queries,
    float scale_log2)
{
    constexpr int PAIRS = HD / 2;      // bf16 pairs per head vector
    constexpr int VECS = HD / 8;       // 16-byte vectors per head vector
    constexpr int LANE_PAIRS = HD / 64; // output pairs each lane owns
    __shared__ float q_s[ROWS][HD];
    __shared__ unsigned int k_s[PAIRS][KEYS + 1]; // transposed: lane = key when scoring; +1 spreads the stores
    __shared__ __align__(16) __nv_bfloat16 v_s[KEYS][HD];

    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int kv_head = blockIdx.y;
    const int group = heads / kv_heads;
    const int2 tile = tiles[blockIdx.x];
    const int4 seq = seqs[tile.x];
    const int q_start = seq.x, q_len = seq.y, ctx = seq.z, table = seq.w;
    const int first = tile.y;
    const int queries = min(tile_queries, q_len - first);
    const int rows = queries * group;
    const int q_stride = heads * HD;
    const int kv_stride = kv_heads * HD;

    for (int idx = threadIdx.x; idx < ROWS * PAIRS; idx += blockDim.x) {
        const int r = idx / PAIRS, p = idx - r * PAIRS;
        float2 value = make_float2(0.0f, 0.0f);
        if (r < rows) {
            const int head = kv_head * group + r % group;
            const long long at = static_cast<long long>(q_start + first + r / group) * q_stride + head * HD + 2 * p;
            const float2 x = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(q + at));
            value = make_float2(x.x * scale_log2, x.y * scale_log2);
        }
        *reinterpret_cast<float2*>(&q_s[r][2 * p]) = value;
    }

    float m[ROWS_PER_WARP], l[ROWS_PER_WARP], acc[ROWS_PER_WARP][2 * LANE_PAIRS];
    int position[ROWS_PER_WARP];
#pragma unroll
    for (int k = 0; k < ROWS_PER_WARP; ++k) {
        const int r = warp + WARPS * k;
        m[k] = neg_inf();
        l[k] = 0.0f;
#pragma unroll
        for (int c = 0; c < 2 * LANE_PAIRS; ++c) acc[k][c] = 0.0f;
        position[k] = r < rows ? ctx + first + r / group : -1; // -1: no key is visible to an unused row
    }

    const int kv_end = ctx + first + queries;
    for (int key0 = 0; key0 < kv_end; key0 += KEYS) {
        __syncthreads(); // the previous tile's K/V (and, first time, q) are no longer being read / are written
        for (int idx = threadIdx.x; idx < KEYS * VECS; idx += blockDim.x) {
            const int key = idx / VECS, vec = idx - key * VECS;
            const int p = key0 + key;
            uint4 kk = make_uint4(0u, 0u, 0u, 0u), vv = make_uint4(0u, 0u, 0u, 0u);
            if (p < kv_end) {
                const long long slot = static_cast<long long>(block_tables[table + p / block_size]) * block_size + p % block_size;
                const long long at = slot * kv_stride + kv_head * HD + vec * 8;
                kk = *reinterpret_cast<const uint4*>(k_cache + at);
                vv = *reinterpret_cast<const uint4*>(v_cache + at);
            }
            k_s[vec * 4 + 0][key] = kk.x;
            k_s[vec * 4 + 1][key] = kk.y;
            k_s[vec * 4 + 2][key] = kk.z;
            k_s[vec * 4 + 3][key] = kk.w;
            *reinterpret_cast<uint4*>(&v_s[key][vec * 8]) = vv;
        }
        __syncthreads();

        float s[ROWS_PER_WARP];
#pragma unroll
        for (int k = 0; k < ROWS_PER_WARP; ++k) s[k] = 0.0f;
#pragma unroll 8
        for (int p = 0; p < PAIRS; ++p) {
            const float2 kf = bf16x2_to_float2(k_s[p][lane]);
#pragma unroll
            for (int k = 0; k < ROWS_PER_WARP; ++k) {
                const float2 qf = *reinterpret_cast<const float2*>(&q_s[warp + WARPS * k][2 * p]);
                s[k] = fmaf(qf.x, kf.x, fmaf(qf.y, kf.y, s[k]));
            }
        }

        const int key = key0 + lane;
#pragma unroll
        for (int k = 0; k < ROWS_PER_WARP; ++k) {
            if (position[k] < key0) continue; // warp-uniform: this row sees no key of the tile
            const float score = key <= position[k] ? s[k] : neg_inf();
            const float m_new = fmaxf(m[k], warp_max(score));
            const float p = exp2f(score - m_new);
            const float correction = exp2f(m[k] - m_new);
            l[k] = l[k] * correction + warp_sum(p);
            m[k] = m_new;
#pragma unroll
            for (int c = 0; c < 2 * LANE_PAIRS; ++c) acc[k][c] *= correction;
#pragma unroll 4
            for (int j = 0; j < KEYS; ++j) {
                const float pj = __shfl_sync(0xffffffffu, p, j);
#pragma unroll
                for (int c = 0; c < LANE_PAIRS; ++c) {
                    const float2 v = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&v_s[j][c * 64 + 2 * lane]));
                    acc[k][2 * c] = fmaf(pj, v.x, acc[k][2 * c]);
                    acc[k][2 * c + 1] = fmaf(pj, v.y, acc[k][2 * c + 1]);
                }
            }
        }
    }

#pragma unroll
    for (int k = 0; k < ROWS_PER_WARP; ++k) {
        const int r = warp + WARPS * k;
        if (r >= rows) continue;
        const int head = kv_head * group + r % group;
        __nv_bfloat16* o = out + static_cast<long long>(q_start + first + r / group) * q_stride + head * HD;
        const float inv = 1.0f / l[k];
#pragma unroll
        for (int c = 0; c < LANE_PAIRS; ++c)
            *reinterpret_cast<__nv_bfloat162*>(o + c * 64 + 2 * lane) = __floats2bfloat162_rn(acc[k][2 * c] * inv, acc[k][2 * c + 1] * inv);
    }
}

} // namespace

#define PAGED_ATTENTION_ENTRY(HD)                                                                                   \
    extern "C" __global__ void __launch_bounds__(WARPS * 32) paged_attention_hd##HD(                                \
        const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k_cache,                            \
        const __nv_bfloat16* __restrict__ v_cache, __nv_bfloat16* __restrict__ out, const int4* __restrict__ seqs,  \
        const int* __restrict__ block_tables, const int2* __restrict__ tiles, int block_size, int heads,           \
        int kv_heads, int tile_queries, float scale_log2)                                                          \
    {                                                                                                              \
        paged_attention<HD>(q, k_cache, v_cache, out, seqs, block_tables, tiles, block_size, heads, kv_heads,      \
            tile_queries, scale_log2);                                                                             \
    }

PAGED_ATTENTION_ENTRY(64)
PAGED_ATTENTION_ENTRY(128)
