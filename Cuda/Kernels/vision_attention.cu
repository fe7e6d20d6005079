// Non-causal attention of the vision tower within segments (the frames of an image), flash style: the
// scores of a block of queries against one tile of keys at a time, with a running max and sum per query
// (online softmax), so no score matrix is ever stored.
//
// qkv: rows of [q | k | v] (each `width` = heads * HD bf16 values), as the qkv matmul writes them after
// bias and rotary. out: rows of `width` bf16 values, head h at columns [h * HD, (h + 1) * HD).
// tiles: one (first query, segment start, segment end) triple per block of up to 64 queries, all inside
// one segment (AttentionTiles builds it on the host). Grid: (tiles, heads). scale_log2 = log2(e) / sqrt(HD).
//
// vision_attention_hdN: 4 warps, 16 queries each, flash-attention-2 style on the tensor cores (mma.sync m16n8k16,
// bf16 operands, fp32 accumulate): Q, the scores, the probabilities and the output stay in registers; K and Vᵀ
// tiles of 64 keys pass through shared memory (Layout; AttentionKernel.SharedBytesFor on the host computes the same).
// The checks compare it with a plain fp32 kernel of their own (tests/QwenVL.Cuda.Diagnostics/ReferenceKernels).
#include <cuda_bf16.h>
#include "reductions.cuh"
#include "mma.cuh"
#include "online_softmax.cuh"

namespace {

typedef __nv_bfloat16 bf16;

constexpr int kQueries = 64;
constexpr int kKeys = 64;
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;

// Shared memory of one block: Q and K rows (keys by channel), then Vᵀ (channels by key). Rows are padded by 16 bytes,
// so the 32-bit operand reads of a warp (8 rows x 4 words) fall in 32 different banks.
template <int HD>
struct Layout {
    static constexpr int ldk = HD + 8;
    static constexpr int ldv = kKeys + 8;
    static constexpr int k_at = kQueries * ldk * 2;
    static constexpr int v_at = k_at + kKeys * ldk * 2;
};

// Rows [first, first + count) of one head's q or k into shared memory, 16 bytes at a time; the rest of the 64 rows
// zero.
template <int HD>
__device__ __forceinline__ void load_rows(bf16* dst, const bf16* src, long long stride, int first, int count)
{
    constexpr int chunks = HD / 8;
    constexpr int ld = Layout<HD>::ldk;
    for (int i = threadIdx.x; i < 64 * chunks; i += kThreads) {
        const int r = i / chunks;
        const int c = (i - r * chunks) * 8;
        uint4 v = make_uint4(0u, 0u, 0u, 0u);
        if (r < count) v = *reinterpret_cast<const uint4*>(src + (first + r) * stride + c);
        *reinterpret_cast<uint4*>(dst + r * ld + c) = v;
    }
}

// The same for v, stored transposed (dst[channel][key]) so that P·V reads its B operand as 32-bit pairs of keys.
// Keys past count are zero (their probability is 0; a zero keeps 0 * v finite). Consecutive lanes take consecutive
// keys, so each 2-byte store of a warp covers 16 consecutive words: no bank conflicts.
template <int HD>
__device__ __forceinline__ void load_rows_transposed(bf16* dst, const bf16* src, long long stride, int first, int count)
{
    constexpr int chunks = HD / 8;
    constexpr int ld = Layout<HD>::ldv;
    unsigned short* d = reinterpret_cast<unsigned short*>(dst);
    for (int i = threadIdx.x; i < 64 * chunks; i += kThreads) {
        const int r = i & 63;
        const int c = (i >> 6) * 8;
        uint4 v = make_uint4(0u, 0u, 0u, 0u);
        if (r < count) v = *reinterpret_cast<const uint4*>(src + (first + r) * stride + c);
        const unsigned words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int w = 0; w < 4; ++w) {
            d[(c + 2 * w) * ld + r] = static_cast<unsigned short>(words[w] & 0xffffu);
            d[(c + 2 * w + 1) * ld + r] = static_cast<unsigned short>(words[w] >> 16);
        }
    }
}

template <int HD>
__device__ __forceinline__ void attend(
    const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2)
{
    typedef Layout<HD> L;
    extern __shared__ __align__(128) unsigned char smem[];
    bf16* sQ = reinterpret_cast<bf16*>(smem);
    bf16* sK = reinterpret_cast<bf16*>(smem + L::k_at);
    bf16* sV = reinterpret_cast<bf16*>(smem + L::v_at);

    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t = lane & 3;
    const int q_start = tiles[3 * blockIdx.x];
    const int seg_start = tiles[3 * blockIdx.x + 1];
    const int seg_end = tiles[3 * blockIdx.x + 2];
    const int q_count = min(kQueries, seg_end - q_start);
    const int head = blockIdx.y;
    const long long stride = 3LL * width;

    load_rows<HD>(sQ, qkv + head * HD, stride, q_start, q_count);
    __syncthreads();
    // This warp's 16 query rows as A operands, one set per 16 channels; they stay in registers.
    unsigned qa[HD / 16][4];
    {
        const bf16* q0 = sQ + (warp * 16 + g) * L::ldk + 2 * t;
        load_a_operands(qa, q0, q0 + 8 * L::ldk);
    }

    // Output rows g and g+8 of the warp: channels 8d + 2t, 8d + 2t + 1 of each 8-channel tile d.
    float o[HD / 8][4];
#pragma unroll
    for (int d = 0; d < HD / 8; ++d) o[d][0] = o[d][1] = o[d][2] = o[d][3] = 0.0f;
    float m0 = neg_inf(), m8 = neg_inf(); // running max of rows g and g+8 (log2 units), equal across the 4 lanes of a row
    float l0 = 0.0f, l8 = 0.0f;           // this lane's share of the running sums

    for (int k_start = seg_start; k_start < seg_end; k_start += kKeys) {
        const int k_count = min(kKeys, seg_end - k_start);
        __syncthreads(); // every warp is done with the last tile of K and V
        load_rows<HD>(sK, qkv + width + head * HD, stride, k_start, k_count);
        load_rows_transposed<HD>(sV, qkv + 2 * width + head * HD, stride, k_start, k_count);
        __syncthreads();

        // S = Q·Kᵀ: 8 tiles of 8 keys; lane holds keys 8j + 2t, 8j + 2t + 1 of rows g and g+8.
        float s[kKeys / 8][4];
#pragma unroll
        for (int j = 0; j < kKeys / 8; ++j) {
            s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.0f;
            const bf16* k_row = sK + (8 * j + g) * L::ldk + 2 * t;
#pragma unroll
            for (int kk = 0; kk < HD / 16; ++kk) mma_bf16(s[j], qa[kk], ld32(k_row + kk * 16), ld32(k_row + kk * 16 + 8));
        }

        // The online softmax step of online_softmax_rows, with the masking folded into the max and the exponent
        // formed as s * scale - m (not fmaf, as there): sharing the whole function would change this kernel's rounding.
        float mx0 = neg_inf(), mx8 = neg_inf();
#pragma unroll
        for (int j = 0; j < kKeys / 8; ++j) {
            const int key = 8 * j + 2 * t;
            if (key >= k_count) s[j][0] = s[j][2] = neg_inf();
            if (key + 1 >= k_count) s[j][1] = s[j][3] = neg_inf();
            mx0 = fmaxf(mx0, fmaxf(s[j][0], s[j][1]));
            mx8 = fmaxf(mx8, fmaxf(s[j][2], s[j][3]));
        }
        float alpha0, alpha8;
        advance_maxima(mx0, mx8, scale_log2, m0, m8, alpha0, alpha8);

        // P in bf16: the score tiles 2kk and 2kk+1 are exactly the A operand of keys 16kk..16kk+15.
        unsigned pa[kKeys / 16][4];
        float sum0 = 0.0f, sum8 = 0.0f;
#pragma unroll
        for (int kk = 0; kk < kKeys / 16; ++kk) {
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                const float* sj = s[2 * kk + h];
                const __nv_bfloat162 p0 = __floats2bfloat162_rn(exp2f(sj[0] * scale_log2 - m0), exp2f(sj[1] * scale_log2 - m0));
                const __nv_bfloat162 p8 = __floats2bfloat162_rn(exp2f(sj[2] * scale_log2 - m8), exp2f(sj[3] * scale_log2 - m8));
                const float2 f0 = __bfloat1622float2(p0);
                const float2 f8 = __bfloat1622float2(p8);
                sum0 += f0.x + f0.y;
                sum8 += f8.x + f8.y;
                pa[kk][2 * h] = as_u32(p0);
                pa[kk][2 * h + 1] = as_u32(p8);
            }
        }
        l0 = l0 * alpha0 + sum0;
        l8 = l8 * alpha8 + sum8;
#pragma unroll
        for (int d = 0; d < HD / 8; ++d) {
            o[d][0] *= alpha0;
            o[d][1] *= alpha0;
            o[d][2] *= alpha8;
            o[d][3] *= alpha8;
        }

        // O += P·V, B operand from Vᵀ: keys 16kk + 2t.. and 16kk + 8 + 2t.. of channel 8d + g.
#pragma unroll
        for (int kk = 0; kk < kKeys / 16; ++kk) {
#pragma unroll
            for (int d = 0; d < HD / 8; ++d) {
                const bf16* v_row = sV + (8 * d + g) * L::ldv + 16 * kk + 2 * t;
                mma_bf16(o[d], pa[kk], ld32(v_row), ld32(v_row + 8));
            }
        }
    }

    l0 = quad_sum(l0);
    l8 = quad_sum(l8);
    const int r0 = warp * 16 + g;
    const int r8 = r0 + 8;
    const float inv0 = 1.0f / l0;
    const float inv8 = 1.0f / l8;
#pragma unroll
    for (int d = 0; d < HD / 8; ++d) {
        const int c = head * HD + 8 * d + 2 * t;
        if (r0 < q_count)
            *reinterpret_cast<__nv_bfloat162*>(out + static_cast<long long>(q_start + r0) * width + c) =
                __floats2bfloat162_rn(o[d][0] * inv0, o[d][1] * inv0);
        if (r8 < q_count)
            *reinterpret_cast<__nv_bfloat162*>(out + static_cast<long long>(q_start + r8) * width + c) =
                __floats2bfloat162_rn(o[d][2] * inv8, o[d][3] * inv8);
    }
}

} // namespace

#define VISION_ATTENTION(HD)                                                                                    \
    extern "C" __global__ void __launch_bounds__(kThreads) vision_attention_hd##HD(                             \
        const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2) \
    {                                                                                                           \
        attend<HD>(qkv, out, tiles, width, scale_log2);                                                         \
    }

VISION_ATTENTION(32)
VISION_ATTENTION(64)
VISION_ATTENTION(80)
VISION_ATTENTION(128)
