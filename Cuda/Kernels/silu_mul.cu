// SwiGLU's activation: out[r, j] = bf16(silu(gate[r, j]) * up[r, j]) with fp32 arithmetic, where each input
// row holds gate then up (2 * inter values, as the merged gate_up projection writes them).
// inter must be even (pairs of bf16 are read); grid: (ceil(inter / 2 / blockDim.x), rows).
#include <cuda_bf16.h>

extern "C" __global__ void silu_mul_bf16(
    const __nv_bfloat16* __restrict__ gate_up,
    __nv_bfloat16* __restrict__ out,
    int inter)
{
    const long long row = blockIdx.y;
    const int pairs = inter >> 1;
    const __nv_bfloat162* g2 = reinterpret_cast<const __nv_bfloat162*>(gate_up + row * 2LL * inter);
    const __nv_bfloat162* u2 = g2 + pairs;
    __nv_bfloat162* o2 = reinterpret_cast<__nv_bfloat162*>(out + row * inter);
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < pairs; i += gridDim.x * blockDim.x) {
        const float2 g = __bfloat1622float2(g2[i]);
        const float2 u = __bfloat1622float2(u2[i]);
        const float sx = g.x / (1.0f + expf(-g.x));
        const float sy = g.y / (1.0f + expf(-g.y));
        o2[i] = __floats2bfloat162_rn(sx * u.x, sy * u.y);
    }
}
