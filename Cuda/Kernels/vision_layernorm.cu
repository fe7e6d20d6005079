// The vision tower's residual step fused with the LayerNorm that follows it, one block per row (patch):
//   x[r]   <- (accumulate ? x[r] : 0) + delta[r] + bias            (bias may be null)
//   out[r] <- bf16((x[r] - mean) * rsqrt(var + eps) * gamma + beta)
// x is the fp32 residual stream, delta a bf16 matmul output, bias/gamma/beta fp32. The variance is taken
// around the mean in a second pass (biased, as torch's LayerNorm). blockDim.x: a multiple of 32, <= 1024.
#include <cuda_bf16.h>

namespace {

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// Sum over the block; every thread gets the total. Safe to call twice in a row (see rmsnorm_residual.cu).
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

extern "C" __global__ void residual_layernorm_f32(
    float* __restrict__ x,
    const __nv_bfloat16* __restrict__ delta,
    const float* __restrict__ bias,
    const float* __restrict__ gamma,
    const float* __restrict__ beta,
    __nv_bfloat16* __restrict__ out,
    int width,
    int accumulate,
    float eps)
{
    const long long row = blockIdx.x;
    float* xr = x + row * width;
    const __nv_bfloat16* dr = delta + row * width;
    __nv_bfloat16* orow = out + row * width;

    float sum = 0.0f;
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
        float v = __bfloat162float(dr[i]);
        if (bias != nullptr) v += bias[i];
        if (accumulate) v += xr[i];
        xr[i] = v;
        sum += v;
    }
    const float mean = block_sum(sum) / static_cast<float>(width);

    // Each thread reads back only the values it wrote above: no barrier needed between the passes.
    float squares = 0.0f;
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
        const float d = xr[i] - mean;
        squares += d * d;
    }
    const float inv_std = rsqrtf(block_sum(squares) / static_cast<float>(width) + eps);

    for (int i = threadIdx.x; i < width; i += blockDim.x)
        orow[i] = __float2bfloat16((xr[i] - mean) * inv_std * gamma[i] + beta[i]);
}
