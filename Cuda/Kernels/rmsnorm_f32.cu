// RMSNorm of the fp32 residual stream into the bf16 input of the next matmul:
//   out[o] = bf16(x * rsqrt(mean(x^2) + eps) * weight),  x = residual[rows ? rows[o] : o]
// with fp32 arithmetic and one rounding. rows (optional) picks the input row of each output row, so the
// final norm runs only over the rows that sample. One block per output row; hidden even;
// blockDim.x a multiple of 32, at most 1024.
#include <cuda_bf16.h>

namespace {

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ float block_sum(float v)
{
    __shared__ float partial[32];
    __shared__ float total;
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        const int warps = (blockDim.x + 31) >> 5;
        float s = lane < warps ? partial[lane] : 0.0f;
        s = warp_sum(s);
        if (lane == 0) total = s;
    }
    __syncthreads();
    return total;
}

} // namespace

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
