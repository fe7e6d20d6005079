// The CUDA-core decode attention the checks time and compare the tensor-core kernel (Cuda/Kernels/
// decode_attention_mma.cu) against: the same inputs, split rule and partials, merged by the same combine kernel.
// Decode attention over the paged KV cache (bf16), fp32 arithmetic. One warp per block brings tiles of 32 keys' K
// and V rows into shared memory with cp.async, two stages, so that the next tile's loads are in flight while this
// one is computed (decode attention is latency-bound: a load waited for costs far more than its bytes); it scores
// one key per lane and accumulates V with each lane owning HD / 32 output dims. Every sequence of the step has
// exactly one query (at position ctx), which sees keys 0 .. ctx. Split-K ("flash-decoding"): the keys of one (sequence,
// KV head) are cut into gridDim.z splits so that a short batch still fills the GPU; each split writes a
// partial (unnormalised output, running max, running sum) and decode_attention_combine.cu merges them. With one
// split the block writes the output itself. The number of splits is fixed at launch (a captured graph keeps
// it) and each block derives its key range from the sequence's length, so the same launch serves any context.
//   q    [n, heads * HD] bf16 (rotated)            out [n, heads * HD] bf16
//   k_cache, v_cache: this layer's [slots, kv_heads * HD] bf16, slot = block * block_size + offset
//   seqs per sequence: row in the step, query count (1), context length before the step, block table start
//   partials [sequences, heads, splits, HD + 2] fp32: output sum, then max (base 2) and sum of weights
#include <cuda_bf16.h>
#include "reductions.cuh"

namespace {

constexpr int WARPS = 1;       // per block: its K and V tiles are double-buffered in shared memory
constexpr int KEYS = 32;          // keys per warp tile: one per lane when scoring

__device__ __forceinline__ float2 bf16x2_to_float2(unsigned int bits)
{
    return make_float2(__uint_as_float(bits << 16), __uint_as_float(bits & 0xffff0000u));
}

// Each lane owns HD / 32 consecutive output dims: 4 for HD 128 (8 bytes of a V row), 2 for HD 64.
template <int HD>
__device__ __forceinline__ void load_v(const __nv_bfloat16* row, int lane, float* v)
{
    if constexpr (HD == 128) {
        const uint2 bits = *reinterpret_cast<const uint2*>(row + 4 * lane);
        const float2 a = bf16x2_to_float2(bits.x), b = bf16x2_to_float2(bits.y);
        v[0] = a.x; v[1] = a.y; v[2] = b.x; v[3] = b.y;
    } else {
        const float2 a = bf16x2_to_float2(*reinterpret_cast<const unsigned int*>(row + 2 * lane));
        v[0] = a.x; v[1] = a.y;
    }
}

__device__ __forceinline__ void copy16_async(void* shared, const void* global)
{
    const unsigned int address = static_cast<unsigned int>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(address), "l"(global));
}

__device__ __forceinline__ void commit_async_copies() { asm volatile("cp.async.commit_group;\n" ::); }

// waits until at most `pending` (0 or 1) committed groups are still in flight
__device__ __forceinline__ void wait_async_copies(bool one_pending)
{
    if (one_pending) asm volatile("cp.async.wait_group 1;\n" ::);
    else asm volatile("cp.async.wait_group 0;\n" ::);
}

// One warp per block, two stages of K and V tiles (K rows padded by 16 bytes, so that lanes reading one row each hit
// different banks): the next tile's rows are in flight while this one is scored and accumulated.
template <int HD>
struct DecodeStage {
    static constexpr int K_STRIDE = HD + 8;
    __nv_bfloat16 k[KEYS * K_STRIDE];
    __nv_bfloat16 v[KEYS * HD];
};

// Starts the copies of the tile at `tile` (its first `keys` rows) into `stage`: one block-table read per lane, then
// every 16-byte chunk of the rows (lane-consecutive chunks of one row coalesce).
template <int HD>
__device__ __forceinline__ void issue_tile(DecodeStage<HD>& stage, const __nv_bfloat16* __restrict__ k_cache,
    const __nv_bfloat16* __restrict__ v_cache, const int* __restrict__ block_tables, int table, int block_size,
    int kv_stride, int kv_head, int tile, int keys, int lane)
{
    constexpr int VECS = HD / 8;
    long long my_slot = 0;
    if (lane < keys) {
        const int key = tile + lane;
        my_slot = static_cast<long long>(block_tables[table + key / block_size]) * block_size + key % block_size;
    }
#pragma unroll 4
    for (int c = lane; c < KEYS * VECS; c += 32) {
        const int r = c / VECS, vec = c - r * VECS;
        const long long slot = __shfl_sync(0xffffffffu, my_slot, r);
        if (r < keys) {
            const long long at = slot * kv_stride + kv_head * HD + vec * 8;
            copy16_async(stage.k + r * DecodeStage<HD>::K_STRIDE + vec * 8, k_cache + at);
            copy16_async(stage.v + r * HD + vec * 8, v_cache + at);
        }
    }
    commit_async_copies();
}

template <int HD, int G>
__device__ __forceinline__ void decode_attention(
    const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k_cache,
    const __nv_bfloat16* __restrict__ v_cache, __nv_bfloat16* __restrict__ out, float* __restrict__ partials,
    const int4* __restrict__ seqs, const int* __restrict__ block_tables, int block_size, int heads, int kv_heads,
    float scale_log2)
{
    constexpr int DIMS = HD / 32;
    constexpr int VECS = HD / 8;
    __shared__ __align__(16) DecodeStage<HD> stages[2];
    __shared__ __align__(16) float q_s[G * HD];
    const int lane = threadIdx.x & 31;
    const int kv_head = blockIdx.y, split = blockIdx.z, splits = gridDim.z;
    const int4 seq = seqs[blockIdx.x];
    const int row = seq.x, kv_len = seq.z + seq.y, table = seq.w;
    const int per = ((kv_len + splits - 1) / splits + KEYS - 1) / KEYS * KEYS;
    const int k_begin = split * per, k_end = min(kv_len, k_begin + per);
    const int kv_stride = kv_heads * HD;

    if (k_begin < k_end)
        issue_tile<HD>(stages[0], k_cache, v_cache, block_tables, table, block_size, kv_stride, kv_head, k_begin,
            min(KEYS, k_end - k_begin), lane);
    for (int idx = lane; idx < G * HD; idx += 32) {
        const int g = idx / HD, d = idx - g * HD;
        q_s[idx] = __bfloat162float(q[static_cast<long long>(row) * heads * HD + (kv_head * G + g) * HD + d]) * scale_log2;
    }
    __syncwarp();

    float m[G], l[G], acc[G][DIMS];
#pragma unroll
    for (int g = 0; g < G; ++g) {
        m[g] = neg_inf();
        l[g] = 0.0f;
#pragma unroll
        for (int c = 0; c < DIMS; ++c) acc[g][c] = 0.0f;
    }

    int stage = 0;
    for (int tile = k_begin; tile < k_end; tile += KEYS, stage ^= 1) {
        const int keys = min(KEYS, k_end - tile);
        const bool more = tile + KEYS < k_end;
        if (more)
            issue_tile<HD>(stages[stage ^ 1], k_cache, v_cache, block_tables, table, block_size, kv_stride, kv_head,
                tile + KEYS, min(KEYS, k_end - tile - KEYS), lane);
        wait_async_copies(more);
        __syncwarp();

        const DecodeStage<HD>& st = stages[stage];
        const bool valid = lane < keys;
        float s[G];
#pragma unroll
        for (int g = 0; g < G; ++g) s[g] = 0.0f;
        const __nv_bfloat16* k_row = st.k + lane * DecodeStage<HD>::K_STRIDE;
#pragma unroll 4
        for (int vec = 0; vec < VECS; ++vec) {
            const uint4 bits = *reinterpret_cast<const uint4*>(k_row + vec * 8);
            const float2 k0 = bf16x2_to_float2(bits.x), k1 = bf16x2_to_float2(bits.y);
            const float2 k2 = bf16x2_to_float2(bits.z), k3 = bf16x2_to_float2(bits.w);
#pragma unroll
            for (int g = 0; g < G; ++g) {
                const float4 qa = *reinterpret_cast<const float4*>(q_s + g * HD + vec * 8);
                const float4 qb = *reinterpret_cast<const float4*>(q_s + g * HD + vec * 8 + 4);
                s[g] = fmaf(qa.x, k0.x, fmaf(qa.y, k0.y, fmaf(qa.z, k1.x, fmaf(qa.w, k1.y, s[g]))));
                s[g] = fmaf(qb.x, k2.x, fmaf(qb.y, k2.y, fmaf(qb.z, k3.x, fmaf(qb.w, k3.y, s[g]))));
            }
        }
        float p[G];
#pragma unroll
        for (int g = 0; g < G; ++g) {
            const float score = valid ? s[g] : neg_inf();
            const float m_new = fmaxf(m[g], warp_max(score)); // finite: lane 0's key is valid
            p[g] = exp2f(score - m_new);
            const float correction = exp2f(m[g] - m_new);
            l[g] = l[g] * correction + warp_sum(p[g]);
            m[g] = m_new;
#pragma unroll
            for (int c = 0; c < DIMS; ++c) acc[g][c] *= correction;
        }
        for (int j = 0; j < keys; ++j) {
            float v[DIMS];
            load_v<HD>(st.v + j * HD, lane, v);
#pragma unroll
            for (int g = 0; g < G; ++g) {
                const float pj = __shfl_sync(0xffffffffu, p[g], j);
#pragma unroll
                for (int c = 0; c < DIMS; ++c) acc[g][c] = fmaf(pj, v[c], acc[g][c]);
            }
        }
        __syncwarp(); // this stage is read before the tile after next overwrites it
    }

#pragma unroll
    for (int g = 0; g < G; ++g) {
        const int head = kv_head * G + g;
        if (splits == 1) {
            __nv_bfloat16* o = out + static_cast<long long>(row) * heads * HD + head * HD + DIMS * lane;
            const float inv = 1.0f / l[g];
#pragma unroll
            for (int c = 0; c < DIMS; ++c) o[c] = __float2bfloat16(acc[g][c] * inv);
        } else {
            float* part = partials + ((static_cast<long long>(blockIdx.x) * heads + head) * splits + split) * (HD + 2);
#pragma unroll
            for (int c = 0; c < DIMS; ++c) part[DIMS * lane + c] = acc[g][c];
            if (lane == 0) { part[HD] = m[g]; part[HD + 1] = l[g]; }
        }
    }
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
    DECODE_ATTENTION_GROUP(HD, 8)

DECODE_ATTENTION_ENTRY(64)
DECODE_ATTENTION_ENTRY(128)
