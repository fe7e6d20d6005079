// After the fused QKV matmul (fp32 out, no bias): adds the bias, applies M-RoPE to every q and k head,
// writes q (bf16) for attention and k, v (bf16) into their slots of the paged cache.
//   qkv       [n, (heads + 2 kv_heads) * head_dim] fp32, rows q | k | v
//   positions [3, n] plane-major M-RoPE ids (temporal, height, width) of the step's tokens
//   slots     [n] cache slot of each token: block * block_size + position % block_size
//   inv_freq  [head_dim / 2] 1 / theta^(2j / head_dim), as the host computes it
// Frequency j turns by the temporal id below section1, the height id below section2, the width id above.
// Rotation pairs (x[j], x[j + half]) as rotate_half does; angles in fp32, sincosf at full accuracy.
// One block per token.
#include <cuda_bf16.h>

extern "C" __global__ void qkv_bias_rope_cache(
    const float* __restrict__ qkv,
    const float* __restrict__ bias,
    const int* __restrict__ positions,
    const int* __restrict__ slots,
    const float* __restrict__ inv_freq,
    __nv_bfloat16* __restrict__ q_out,
    __nv_bfloat16* __restrict__ k_cache,
    __nv_bfloat16* __restrict__ v_cache,
    int n,
    int heads,
    int kv_heads,
    int head_dim,
    int section1,
    int section2)
{
    __shared__ float cos_s[256];
    __shared__ float sin_s[256];
    const int t = blockIdx.x;
    const int half = head_dim >> 1;
    const int q_width = heads * head_dim;
    const int kv_width = kv_heads * head_dim;
    const float* row = qkv + static_cast<long long>(t) * (q_width + 2 * kv_width);

    for (int j = threadIdx.x; j < half; j += blockDim.x) {
        const int plane = j < section1 ? 0 : (j < section2 ? 1 : 2);
        const float angle = static_cast<float>(positions[plane * n + t]) * inv_freq[j];
        float s, c;
        sincosf(angle, &s, &c);
        cos_s[j] = c;
        sin_s[j] = s;
    }
    __syncthreads();

    const long long slot = slots[t];
    const int rotated = (heads + kv_heads) * half;
    for (int idx = threadIdx.x; idx < rotated; idx += blockDim.x) {
        const int head = idx / half;
        const int j = idx - head * half;
        const int a = head * head_dim + j;
        const int b = a + half;
        const float x1 = row[a] + bias[a];
        const float x2 = row[b] + bias[b];
        const float c = cos_s[j], s = sin_s[j];
        const __nv_bfloat16 r1 = __float2bfloat16(x1 * c - x2 * s);
        const __nv_bfloat16 r2 = __float2bfloat16(x2 * c + x1 * s);
        if (head < heads) {
            __nv_bfloat16* q = q_out + static_cast<long long>(t) * q_width;
            q[a] = r1;
            q[b] = r2;
        } else {
            __nv_bfloat16* k = k_cache + slot * kv_width + (a - q_width);
            k[0] = r1;
            k[half] = r2;
        }
    }
    const float* v = row + q_width + kv_width;
    const float* v_bias = bias + q_width + kv_width;
    __nv_bfloat16* v_dst = v_cache + slot * kv_width;
    for (int i = threadIdx.x; i < kv_width; i += blockDim.x) v_dst[i] = __float2bfloat16(v[i] + v_bias[i]);
}
