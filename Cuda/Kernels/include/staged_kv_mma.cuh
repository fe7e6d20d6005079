// The two products of tensor-core attention over K and V tiles staged in shared memory (rows of LD bf16, keys by
// channel, as cp.async writes them), read with ldmatrix. Fragments as in mma.cuh: lane 4g + t holds rows g and g + 8.
// KernelSources pastes this file over a kernel's include line for it, at file scope after <cuda_bf16.h>.
// Plain inline functions at file scope (no unnamed namespace), so that one a kernel does not use draws no NVRTC warning.
#ifndef QWENVL_STAGED_KV_MMA_CUH
#define QWENVL_STAGED_KV_MMA_CUH

#include "mma.cuh"

// Per-lane byte offsets of the ldmatrix row addresses within a stage:
//   K (B of S = Q·Kᵀ): matrix i = lane / 8 covers keys +lane%8, channels 8i .. 8i+7: registers {b0, b1} of
//   channels 0..15 and {b0, b1} of channels 16..31 of one 8-key column block.
//   V (B of O = P·V, transposed): matrix i covers keys 8(i%2) + lane%8, channels 8(i/2) ..: registers {b0, b1}
//   of one 8-channel block and {b0, b1} of the next, for 16 keys.
template <int LD>
__device__ __forceinline__ unsigned k_lane_offset(int lane)
{
    return static_cast<unsigned>(((lane & 7) * LD + 8 * (lane >> 3)) * 2);
}

template <int LD>
__device__ __forceinline__ unsigned v_lane_offset(int lane)
{
    return static_cast<unsigned>(((((lane >> 3) & 1) * 8 + (lane & 7)) * LD + 8 * (lane >> 4)) * 2);
}

// S = Q·Kᵀ for N blocks of 8 keys: qa holds the lane's Q rows as A operands, one set per 16 channels; k_stage is the
// stage's shared address plus k_lane_offset. Lane holds keys 8n + 2t, 8n + 2t + 1 of its two rows in s[n].
template <int LD, int N, int KK>
__device__ __forceinline__ void stage_scores(float (&s)[N][4], unsigned (&qa)[KK][4], unsigned k_stage)
{
#pragma unroll
    for (int n = 0; n < N; ++n) {
        s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
        for (int kp = 0; kp < KK / 2; ++kp) {
            unsigned b[4];
            ldmatrix_x4(b, k_stage + static_cast<unsigned>(n * 8 * LD * 2 + kp * 64));
            mma_bf16(s[n], qa[2 * kp], b[0], b[1]);
            mma_bf16(s[n], qa[2 * kp + 1], b[2], b[3]);
        }
    }
}

// O += P·V for KK steps of 16 keys: per 16 keys, one transposed ldmatrix gives the B operands of two 8-channel
// blocks; v_stage is the stage's shared address plus v_lane_offset.
template <int LD, int KK, int D>
__device__ __forceinline__ void stage_accumulate(float (&o)[D][4], unsigned (&pa)[KK][4], unsigned v_stage)
{
#pragma unroll
    for (int kk = 0; kk < KK; ++kk) {
#pragma unroll
        for (int dp = 0; dp < D / 2; ++dp) {
            unsigned b[4];
            ldmatrix_x4_trans(b, v_stage + static_cast<unsigned>(kk * 16 * LD * 2 + dp * 32));
            mma_bf16(o[2 * dp], pa[kk], b[0], b[1]);
            mma_bf16(o[2 * dp + 1], pa[kk], b[2], b[3]);
        }
    }
}


#endif // QWENVL_STAGED_KV_MMA_CUH
