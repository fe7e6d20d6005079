// The online softmax (FlashAttention's running max and sum, base 2) as the tensor-core attention kernels apply it to
// one tile of scores held in m16n8 accumulator fragments: lane 4g + t holds rows g and g + 8 of the tile, keys 8n + 2t
// and 8n + 2t + 1 of each 8-key block n. KernelSources pastes this file over a kernel's include line for it, at file
// scope after <cuda_bf16.h>.
// Plain inline functions at file scope (no unnamed namespace), so that one a kernel does not use draws no NVRTC warning.
#ifndef QWENVL_ONLINE_SOFTMAX_CUH
#define QWENVL_ONLINE_SOFTMAX_CUH

#include "reductions.cuh"
#include "mma.cuh"

// Max and sum over the four lanes 4g .. 4g + 3 that hold one row of a fragment.
__device__ __forceinline__ float quad_max(float v)
{
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 1));
    return fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 2));
}

__device__ __forceinline__ float quad_sum(float v)
{
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    return v + __shfl_xor_sync(0xffffffffu, v, 2);
}

// The running maxima of a thread's two rows (g and g + 8) after a tile whose maxima before scaling are mx0 and mx8 in
// this thread: reduced over the quad, scaled, merged into m0 and m8; alpha0 and alpha8 rescale what was summed before.
__device__ __forceinline__ void advance_maxima(float mx0, float mx8, float scale_log2, float& m0, float& m8, float& alpha0,
    float& alpha8)
{
    mx0 = quad_max(mx0);
    mx8 = quad_max(mx8);
    const float n0 = fmaxf(m0, mx0 * scale_log2);
    const float n8 = fmaxf(m8, mx8 * scale_log2);
    alpha0 = exp2f(m0 - n0);
    alpha8 = exp2f(m8 - n8);
    m0 = n0;
    m8 = n8;
}

// One tile's step for both rows of the lane: s holds the tile's raw scores (masked ones -inf) in N blocks of 8 keys;
// m0, m8 are the rows' running maxima (log2 units, equal across a row's 4 lanes), l0, l8 this lane's share of their
// running sums, o the output accumulator (D blocks of 8 channels), all updated. pa receives the probabilities in bf16
// as the A operands of P·V: score blocks 2kk and 2kk + 1 are exactly the A operand of keys 16kk .. 16kk + 15. The
// sums add the rounded probabilities, the ones P·V multiplies. A row must have a finite max by the end of its first
// tile: then a later tile with no visible key gives it probabilities exp2(-inf) = 0 and a factor alpha = 1.
template <int N, int D>
__device__ __forceinline__ void online_softmax_rows(float (&s)[N][4], float scale_log2, float& m0, float& m8,
    float& l0, float& l8, float (&o)[D][4], unsigned (&pa)[N / 2][4])
{
    float mx0 = neg_inf(), mx8 = neg_inf();
#pragma unroll
    for (int n = 0; n < N; ++n) {
        mx0 = fmaxf(mx0, fmaxf(s[n][0], s[n][1]));
        mx8 = fmaxf(mx8, fmaxf(s[n][2], s[n][3]));
    }
    float alpha0, alpha8;
    advance_maxima(mx0, mx8, scale_log2, m0, m8, alpha0, alpha8);

    float sum0 = 0.0f, sum8 = 0.0f;
#pragma unroll
    for (int kk = 0; kk < N / 2; ++kk) {
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const float* sn = s[2 * kk + h];
            const __nv_bfloat162 pr0 = __floats2bfloat162_rn(exp2f(fmaf(sn[0], scale_log2, -m0)), exp2f(fmaf(sn[1], scale_log2, -m0)));
            const __nv_bfloat162 pr8 = __floats2bfloat162_rn(exp2f(fmaf(sn[2], scale_log2, -m8)), exp2f(fmaf(sn[3], scale_log2, -m8)));
            const float2 f0 = __bfloat1622float2(pr0);
            const float2 f8 = __bfloat1622float2(pr8);
            sum0 += f0.x + f0.y;
            sum8 += f8.x + f8.y;
            pa[kk][2 * h] = as_u32(pr0);
            pa[kk][2 * h + 1] = as_u32(pr8);
        }
    }
    l0 = l0 * alpha0 + sum0;
    l8 = l8 * alpha8 + sum8;
#pragma unroll
    for (int d = 0; d < D; ++d) {
        o[d][0] *= alpha0;
        o[d][1] *= alpha0;
        o[d][2] *= alpha8;
        o[d][3] *= alpha8;
    }
}


#endif // QWENVL_ONLINE_SOFTMAX_CUH
