// The vision tower's residual step fused with the LayerNorm that follows it, one block per row (patch):
//   x[r]   <- (accumulate ? x[r] : 0) + delta[r] + bias            (bias may be null)
//   out[r] <- bf16((x[r] - mean) * rsqrt(var + eps) * gamma + beta)
// x is the fp32 residual stream, delta a bf16 matmul output, bias/gamma/beta fp32. The variance is taken
// around the mean in a second pass (biased, as torch's LayerNorm). blockDim.x: a multiple of 32, <= 1024.
#include <cuda_bf16.h>
#include "reductions.cuh"

namespace {

__device__ __forceinline__ float4 load_bf16x4(const __nv_bfloat16* p)
{
    const uint2 raw = *reinterpret_cast<const uint2*>(p);
    const float2 lo = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&raw.x));
    const float2 hi = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&raw.y));
    return make_float4(lo.x, lo.y, hi.x, hi.y);
}

} // namespace

// width must be a multiple of 4: each thread moves 4 values at a time (16-byte fp32, 8-byte bf16 accesses).
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
    const int quads = width >> 2;
    float4* xr = reinterpret_cast<float4*>(x + row * width);
    const __nv_bfloat16* dr = delta + row * width;
    uint2* orow = reinterpret_cast<uint2*>(out + row * width);
    const float4* b4 = reinterpret_cast<const float4*>(bias);
    const float4* g4 = reinterpret_cast<const float4*>(gamma);
    const float4* be4 = reinterpret_cast<const float4*>(beta);

    float sum = 0.0f;
    for (int i = threadIdx.x; i < quads; i += blockDim.x) {
        float4 v = load_bf16x4(dr + 4 * i);
        if (bias != nullptr) {
            const float4 b = b4[i];
            v.x += b.x; v.y += b.y; v.z += b.z; v.w += b.w;
        }
        if (accumulate) {
            const float4 r = xr[i];
            v.x += r.x; v.y += r.y; v.z += r.z; v.w += r.w;
        }
        xr[i] = v;
        sum += (v.x + v.y) + (v.z + v.w);
    }
    const float mean = block_sum(sum) / static_cast<float>(width);

    // Each thread reads back only the values it wrote above: no barrier needed between the passes.
    float squares = 0.0f;
    for (int i = threadIdx.x; i < quads; i += blockDim.x) {
        const float4 v = xr[i];
        const float a = v.x - mean, b = v.y - mean, c = v.z - mean, d = v.w - mean;
        squares += (a * a + b * b) + (c * c + d * d);
    }
    const float inv_std = rsqrtf(block_sum(squares) / static_cast<float>(width) + eps);

    for (int i = threadIdx.x; i < quads; i += blockDim.x) {
        const float4 v = xr[i];
        const float4 g = g4[i];
        const float4 b = be4[i];
        const __nv_bfloat162 lo = __floats2bfloat162_rn((v.x - mean) * inv_std * g.x + b.x, (v.y - mean) * inv_std * g.y + b.y);
        const __nv_bfloat162 hi = __floats2bfloat162_rn((v.z - mean) * inv_std * g.z + b.z, (v.w - mean) * inv_std * g.w + b.w);
        uint2 packed;
        packed.x = *reinterpret_cast<const unsigned*>(&lo);
        packed.y = *reinterpret_cast<const unsigned*>(&hi);
        orow[i] = packed;
    }
}
