// Fused residual add + RMSNorm, one block per row (token), bf16 in and out, fp32 arithmetic.
//   residual <- bf16(x + residual)                         (the stream the next layer adds to)
//   out      <- bf16(bf16(residual * rsqrt(mean(residual^2) + eps)) * weight)
// The two roundings are Hugging Face's Qwen2RMSNorm: normalise in fp32, cast to bf16, then multiply by
// the bf16 weight. hidden must be even (rows are read as bf16 pairs); blockDim.x a multiple of 32, <= 1024.
#include <cuda_bf16.h>
#include "reductions.cuh"

extern "C" __global__ void rmsnorm_residual_bf16(
    const __nv_bfloat16* __restrict__ x,
    __nv_bfloat16* __restrict__ residual,
    const __nv_bfloat16* __restrict__ weight,
    __nv_bfloat16* __restrict__ out,
    int hidden,
    float eps)
{
    const long long row = blockIdx.x;
    const int pairs = hidden >> 1;
    const __nv_bfloat162* x2 = reinterpret_cast<const __nv_bfloat162*>(x + row * hidden);
    __nv_bfloat162* r2 = reinterpret_cast<__nv_bfloat162*>(residual + row * hidden);
    const __nv_bfloat162* w2 = reinterpret_cast<const __nv_bfloat162*>(weight);
    __nv_bfloat162* o2 = reinterpret_cast<__nv_bfloat162*>(out + row * hidden);

    float sum_sq = 0.0f;
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        const float2 a = __bfloat1622float2(x2[i]);
        const float2 b = __bfloat1622float2(r2[i]);
        const __nv_bfloat162 z = __floats2bfloat162_rn(a.x + b.x, a.y + b.y);
        r2[i] = z;
        const float2 zf = __bfloat1622float2(z);
        sum_sq += zf.x * zf.x + zf.y * zf.y;
    }
    const float inv_rms = rsqrtf(block_sum(sum_sq) / static_cast<float>(hidden) + eps);

    // Each thread reads back only the pairs it wrote above, so no barrier is needed between the passes.
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        const float2 z = __bfloat1622float2(r2[i]);
        const float2 w = __bfloat1622float2(w2[i]);
        const float nx = __bfloat162float(__float2bfloat16(z.x * inv_rms));
        const float ny = __bfloat162float(__float2bfloat16(z.y * inv_rms));
        o2[i] = __floats2bfloat162_rn(nx * w.x, ny * w.y);
    }
}
