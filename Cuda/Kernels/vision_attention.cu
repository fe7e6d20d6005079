// Non-causal attention of the vision tower within segments (the frames of an image), flash style: the
// scores of a block of queries against one tile of keys at a time, with a running max and sum per query
// (online softmax), so no score matrix is ever stored.
//
// qkv: rows of [q | k | v] (each `width` = heads * HD bf16 values), as the qkv matmul writes them after
// bias and rotary. out: rows of `width` bf16 values, head h at columns [h * HD, (h + 1) * HD).
// tiles: one (first query, segment start, segment end) triple per block of up to 64 queries, all inside
// one segment (AttentionTiles builds it on the host). Grid: (tiles, heads). scale_log2 = log2(e) / sqrt(HD).
//
// vision_attention_hdN: 4 warps, 16 queries each; Q·Kᵀ and P·V on the tensor cores (WMMA bf16, fp32
// accumulate); the running output lives in shared memory as fp32. Dynamic shared memory: see Layout
// (AttentionKernel.SharedBytes on the host computes the same number).
// vision_attention_simple_hdN: one warp per query, the keys spread over the lanes; plain fp32 arithmetic.
// Slow; it is the check for the first one.
#include <cuda_bf16.h>
#include <mma.h>

namespace {

using namespace nvcuda;
typedef __nv_bfloat16 bf16;

constexpr int kQueries = 64;
constexpr int kKeys = 64;
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// Shared memory of one block, in bytes and in order. Leading dimensions keep every WMMA tile 32-byte aligned.
template <int HD>
struct Layout {
    static constexpr int ldq = HD + 8;      // Q, K, V rows (bf16)
    static constexpr int lds = kKeys + 4;   // scores (fp32)
    static constexpr int ldp = kKeys + 8;   // probabilities (bf16)
    static constexpr int ldo = HD + 4;      // running output (fp32)
    static constexpr int q_bytes = kQueries * ldq * 2;
    static constexpr int kv_bytes = kKeys * ldq * 2;
    static constexpr int s_bytes = kWarps * 16 * lds * 4;
    static constexpr int p_bytes = kWarps * 16 * ldp * 2;
    static constexpr int o_bytes = kWarps * 16 * ldo * 4;
    static constexpr int stats_bytes = 2 * kQueries * 4;
    static constexpr int k_at = q_bytes;
    static constexpr int v_at = k_at + kv_bytes;
    static constexpr int s_at = v_at + kv_bytes;
    static constexpr int p_at = s_at + s_bytes;
    static constexpr int o_at = p_at + p_bytes;
    static constexpr int stats_at = o_at + o_bytes;
    static constexpr int total = stats_at + stats_bytes;
};

// Rows [first, first + count) of one head's q, k or v into shared memory, 16 bytes at a time; the rest of
// the 64 rows zero (a zero key scores 0 and is masked; a zero value adds nothing).
template <int HD>
__device__ __forceinline__ void load_rows(bf16* dst, const bf16* src, long long stride, int first, int count)
{
    constexpr int chunks = HD / 8;
    constexpr int ld = Layout<HD>::ldq;
    for (int i = threadIdx.x; i < 64 * chunks; i += kThreads) {
        const int r = i / chunks;
        const int c = (i - r * chunks) * 8;
        uint4 v = make_uint4(0u, 0u, 0u, 0u);
        if (r < count) v = *reinterpret_cast<const uint4*>(src + (first + r) * stride + c);
        *reinterpret_cast<uint4*>(dst + r * ld + c) = v;
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
    float* sS = reinterpret_cast<float*>(smem + L::s_at);
    bf16* sP = reinterpret_cast<bf16*>(smem + L::p_at);
    float* sO = reinterpret_cast<float*>(smem + L::o_at);
    float* sM = reinterpret_cast<float*>(smem + L::stats_at);
    float* sL = sM + kQueries;

    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int q_start = tiles[3 * blockIdx.x];
    const int seg_start = tiles[3 * blockIdx.x + 1];
    const int seg_end = tiles[3 * blockIdx.x + 2];
    const int q_count = min(kQueries, seg_end - q_start);
    const int head = blockIdx.y;
    const long long stride = 3LL * width;

    load_rows<HD>(sQ, qkv + head * HD, stride, q_start, q_count);
    for (int i = threadIdx.x; i < kWarps * 16 * L::ldo; i += kThreads) sO[i] = 0.0f;
    for (int i = threadIdx.x; i < kQueries; i += kThreads) {
        sM[i] = neg_inf();
        sL[i] = 0.0f;
    }

    const bf16* sQ_w = sQ + warp * 16 * L::ldq;
    float* sS_w = sS + warp * 16 * L::lds;
    bf16* sP_w = sP + warp * 16 * L::ldp;
    float* sO_w = sO + warp * 16 * L::ldo;

    for (int k_start = seg_start; k_start < seg_end; k_start += kKeys) {
        const int k_count = min(kKeys, seg_end - k_start);
        __syncthreads(); // the last step is done with sK and sV; the first time, sQ, sO and the stats are set
        load_rows<HD>(sK, qkv + width + head * HD, stride, k_start, k_count);
        load_rows<HD>(sV, qkv + 2 * width + head * HD, stride, k_start, k_count);
        __syncthreads();

        // S = Q·Kᵀ for this warp's 16 queries. Kᵀ is K read column-major.
#pragma unroll
        for (int nt = 0; nt < kKeys / 16; ++nt) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::fill_fragment(acc, 0.0f);
#pragma unroll
            for (int kk = 0; kk < HD / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> b;
                wmma::load_matrix_sync(a, sQ_w + kk * 16, L::ldq);
                wmma::load_matrix_sync(b, sK + nt * 16 * L::ldq + kk * 16, L::ldq);
                wmma::mma_sync(acc, a, b, acc);
            }
            wmma::store_matrix_sync(sS_w + nt * 16, acc, L::lds, wmma::mem_row_major);
        }
        __syncwarp();

        // Online softmax: two lanes per query row, 32 key columns each.
        {
            const int r = lane >> 1;
            const int part = lane & 1;
            const int row = warp * 16 + r;
            const int valid = k_count - part * 32;
            const float* s_row = sS_w + r * L::lds + part * 32;
            bf16* p_row = sP_w + r * L::ldp + part * 32;
            float mx = neg_inf();
            for (int c = 0; c < 32; ++c)
                if (c < valid) mx = fmaxf(mx, s_row[c]);
            mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
            const float m_old = sM[row];
            const float m_new = fmaxf(m_old, mx * scale_log2);
            const float alpha = exp2f(m_old - m_new);
            float sum = 0.0f;
            for (int c = 0; c < 32; ++c) {
                const bf16 p = __float2bfloat16(c < valid ? exp2f(s_row[c] * scale_log2 - m_new) : 0.0f);
                p_row[c] = p;
                sum += __bfloat162float(p);
            }
            sum += __shfl_xor_sync(0xffffffffu, sum, 1);
            float* o_row = sO_w + r * L::ldo + part * (HD / 2);
            for (int c = 0; c < HD / 2; ++c) o_row[c] *= alpha;
            __syncwarp();
            if (part == 0) {
                sM[row] = m_new;
                sL[row] = sL[row] * alpha + sum;
            }
        }
        __syncwarp();

        // O += P·V
#pragma unroll
        for (int dt = 0; dt < HD / 16; ++dt) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> o;
            wmma::load_matrix_sync(o, sO_w + dt * 16, L::ldo, wmma::mem_row_major);
#pragma unroll
            for (int kk = 0; kk < kKeys / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> b;
                wmma::load_matrix_sync(a, sP_w + kk * 16, L::ldp);
                wmma::load_matrix_sync(b, sV + kk * 16 * L::ldq + dt * 16, L::ldq);
                wmma::mma_sync(o, a, b, o);
            }
            wmma::store_matrix_sync(sO_w + dt * 16, o, L::ldo, wmma::mem_row_major);
        }
        __syncwarp();
    }

    // out = O / l for this warp's queries, two values per store.
    for (int i = lane; i < 16 * (HD / 2); i += 32) {
        const int r = i / (HD / 2);
        const int c = (i - r * (HD / 2)) * 2;
        const int q = warp * 16 + r;
        if (q < q_count) {
            const float inv = 1.0f / sL[q];
            const float* o = sO_w + r * L::ldo + c;
            *reinterpret_cast<__nv_bfloat162*>(out + static_cast<long long>(q_start + q) * width + head * HD + c) =
                __floats2bfloat162_rn(o[0] * inv, o[1] * inv);
        }
    }
}

template <int HD>
__device__ __forceinline__ void attend_simple(
    const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2)
{
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int q_start = tiles[3 * blockIdx.x];
    const int seg_start = tiles[3 * blockIdx.x + 1];
    const int seg_end = tiles[3 * blockIdx.x + 2];
    const int q_count = min(kQueries, seg_end - q_start);
    const int head = blockIdx.y;
    const long long stride = 3LL * width;

    for (int qi = warp; qi < q_count; qi += kWarps) {
        const bf16* q_row = qkv + (q_start + qi) * stride + head * HD;
        float q[HD];
        float acc[HD];
#pragma unroll
        for (int d = 0; d < HD; ++d) {
            q[d] = __bfloat162float(q_row[d]);
            acc[d] = 0.0f;
        }
        float m = neg_inf();
        float l = 0.0f;
        for (int j = seg_start + lane; j < seg_end; j += 32) {
            const bf16* k_row = qkv + j * stride + width + head * HD;
            const bf16* v_row = k_row + width;
            float s = 0.0f;
#pragma unroll
            for (int d = 0; d < HD; ++d) s += q[d] * __bfloat162float(k_row[d]);
            s *= scale_log2;
            const float m_new = fmaxf(m, s);
            const float alpha = exp2f(m - m_new);
            const float p = exp2f(s - m_new);
            l = l * alpha + p;
#pragma unroll
            for (int d = 0; d < HD; ++d) acc[d] = acc[d] * alpha + p * __bfloat162float(v_row[d]);
            m = m_new;
        }
        // Merge the lanes' partial softmaxes; a lane that saw no key has m = -inf and weighs 0.
        const float mx = warp_max(m);
        const float f = exp2f(m - mx);
        l = warp_sum(l * f);
#pragma unroll
        for (int d = 0; d < HD; ++d) acc[d] = warp_sum(acc[d] * f);
        if (lane == 0) {
            bf16* o_row = out + static_cast<long long>(q_start + qi) * width + head * HD;
            const float inv = 1.0f / l;
#pragma unroll
            for (int d = 0; d < HD; ++d) o_row[d] = __float2bfloat16(acc[d] * inv);
        }
    }
}

} // namespace

#define VISION_ATTENTION(HD)                                                                                    \
    extern "C" __global__ void __launch_bounds__(kThreads) vision_attention_hd##HD(                             \
        const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2) \
    {                                                                                                           \
        attend<HD>(qkv, out, tiles, width, scale_log2);                                                         \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(kThreads) vision_attention_simple_hd##HD(                      \
        const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2) \
    {                                                                                                           \
        attend_simple<HD>(qkv, out, tiles, width, scale_log2);                                                  \
    }

VISION_ATTENTION(32)
VISION_ATTENTION(64)
VISION_ATTENTION(80)
VISION_ATTENTION(128)
