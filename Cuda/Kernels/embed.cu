// The step's first activation: residual[row] = fp32 embedding of the row's token, or, where an image row
// stands in for the token, that fp32 image embedding row (image_src[row] != 0 holds its device address).
// One block per row; hidden must be even (rows are read as pairs).
#include <cuda_bf16.h>

extern "C" __global__ void embed_rows(
    const int* __restrict__ token_ids,
    const unsigned long long* __restrict__ image_src,
    const __nv_bfloat16* __restrict__ table,
    float* __restrict__ residual,
    int hidden)
{
    const long long row = blockIdx.x;
    float2* dst = reinterpret_cast<float2*>(residual + row * hidden);
    const int pairs = hidden >> 1;
    const unsigned long long image = image_src[row];
    if (image != 0ull) {
        const float2* src = reinterpret_cast<const float2*>(image);
        for (int i = threadIdx.x; i < pairs; i += blockDim.x) dst[i] = src[i];
        return;
    }
    const __nv_bfloat162* src = reinterpret_cast<const __nv_bfloat162*>(table + static_cast<long long>(token_ids[row]) * hidden);
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) dst[i] = __bfloat1622float2(src[i]);
}
