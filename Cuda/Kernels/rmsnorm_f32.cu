// RMSNorm of the fp32 residual stream into the bf16 input of the next matmul:
//   out[o] = bf16(x * rsqrt(mean(x^2) + eps) * weight),  x = residual[rows ? rows[o] : o]
// with fp32 arithmetic and one rounding. rows (optional) picks the input row of each output row, so the
// final norm runs only over the rows that sample. One block per output row; hidden even;
// blockDim.x a multiple of 32, at most 1024.
#include <cuda_bf16.h>
#include "reductions.cuh"

extern "C" __global__ void rmsnorm_f32_bf16(
    const float* __restrict__ residual,
    const float* __restrict__ weight,
    __nv_bfloat16* __restrict__ out,
    const int* __restrict__ rows,
    int hidden,
    float eps)
{
    const long long out_row = blockIdx.x;
    const long long in_row = rows != nullptr ? rows[out_row] : out_row;
    const int pairs = hidden >> 1;
    const float2* x2 = reinterpret_cast<const float2*>(residual + in_row * hidden);
    const float2* w2 = reinterpret_cast<const float2*>(weight);
    __nv_bfloat162* o2 = reinterpret_cast<__nv_bfloat162*>(out + out_row * hidden);

    float sum_sq = 0.0f;
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        const float2 v = x2[i];
        sum_sq += v.x * v.x + v.y * v.y;
    }
    const float inv_rms = rsqrtf(block_sum(sum_sq) / static_cast<float>(hidden) + eps);
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        const float2 v = x2[i];
        const float2 w = w2[i];
        o2[i] = __floats2bfloat162_rn(v.x * inv_rms * w.x, v.y * inv_rms * w.y);
    }
}
