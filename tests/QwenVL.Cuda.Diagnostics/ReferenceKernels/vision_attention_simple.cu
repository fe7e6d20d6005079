// The vision tower's attention within segments on CUDA cores, plain fp32 arithmetic: the reference the checks compare
// the tensor-core kernel (Cuda/Kernels/vision_attention.cu) with. Same arguments, work list and grid: one block of
// 4 warps per (tile of up to 64 queries, head); one warp per query, the keys spread over the lanes. Slow by design.
#include <cuda_bf16.h>
#include "reductions.cuh"

namespace {

typedef __nv_bfloat16 bf16;

constexpr int kQueries = 64;
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;

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

#define VISION_ATTENTION_SIMPLE(HD)                                                                             \
    extern "C" __global__ void __launch_bounds__(kThreads) vision_attention_simple_hd##HD(                      \
        const bf16* __restrict__ qkv, bf16* __restrict__ out, const int* __restrict__ tiles, int width, float scale_log2) \
    {                                                                                                           \
        attend_simple<HD>(qkv, out, tiles, width, scale_log2);                                                  \
    }

VISION_ATTENTION_SIMPLE(32)
VISION_ATTENTION_SIMPLE(64)
VISION_ATTENTION_SIMPLE(80)
VISION_ATTENTION_SIMPLE(128)
