// Element-wise passes of the vision tower over bf16 matrices of `cols` columns, fp32 arithmetic, in place,
// each fusing the bias of the matmul before it. cols must be even (values are read as bf16 pairs);
// `pairs` is rows * cols / 2. Grid-stride loops: any grid size works.
#include <cuda_bf16.h>

namespace {

__device__ __forceinline__ float quick_gelu(float v) { return v / (1.0f + expf(-1.702f * v)); }

// Exact GELU, x * Phi(x) with erf (torch's nn.GELU default).
__device__ __forceinline__ float gelu(float v) { return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); }

} // namespace

// Pixel values arrive as fp32; the patch embedding's matmul reads bf16.
extern "C" __global__ void f32_to_bf16(const float* __restrict__ in, __nv_bfloat16* __restrict__ out, long long count)
{
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < count; i += static_cast<long long>(gridDim.x) * blockDim.x)
        out[i] = __float2bfloat16(in[i]);
}

// out[i] = float(in[i]): the tower's bf16 embeddings widened for the decoder's fp32 image store.
extern "C" __global__ void bf16_to_f32(const __nv_bfloat16* __restrict__ in, float* __restrict__ out, long long count)
{
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < count; i += static_cast<long long>(gridDim.x) * blockDim.x)
        out[i] = __bfloat162float(in[i]);
}

// x <- quick_gelu(x + bias): the vision blocks' fc1 bias and MLP activation.
extern "C" __global__ void bias_quick_gelu_bf16(__nv_bfloat16* __restrict__ x, const float* __restrict__ bias, int cols, long long pairs)
{
    __nv_bfloat162* x2 = reinterpret_cast<__nv_bfloat162*>(x);
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < pairs; i += static_cast<long long>(gridDim.x) * blockDim.x) {
        const int c = static_cast<int>((2 * i) % cols);
        const float2 v = __bfloat1622float2(x2[i]);
        x2[i] = __floats2bfloat162_rn(quick_gelu(v.x + bias[c]), quick_gelu(v.y + bias[c + 1]));
    }
}

// x <- gelu(x + bias): the PatchMerger's first Linear bias and activation.
extern "C" __global__ void bias_gelu_bf16(__nv_bfloat16* __restrict__ x, const float* __restrict__ bias, int cols, long long pairs)
{
    __nv_bfloat162* x2 = reinterpret_cast<__nv_bfloat162*>(x);
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < pairs; i += static_cast<long long>(gridDim.x) * blockDim.x) {
        const int c = static_cast<int>((2 * i) % cols);
        const float2 v = __bfloat1622float2(x2[i]);
        x2[i] = __floats2bfloat162_rn(gelu(v.x + bias[c]), gelu(v.y + bias[c + 1]));
    }
}

// x <- x + bias: the PatchMerger's last Linear bias, on the embeddings written to the caller's buffer.
extern "C" __global__ void bias_add_bf16(__nv_bfloat16* __restrict__ x, const float* __restrict__ bias, int cols, long long pairs)
{
    __nv_bfloat162* x2 = reinterpret_cast<__nv_bfloat162*>(x);
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < pairs; i += static_cast<long long>(gridDim.x) * blockDim.x) {
        const int c = static_cast<int>((2 * i) % cols);
        const float2 v = __bfloat1622float2(x2[i]);
        x2[i] = __floats2bfloat162_rn(v.x + bias[c], v.y + bias[c + 1]);
    }
}
