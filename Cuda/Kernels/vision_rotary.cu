// The qkv biases added and the vision tower's 2-D rotary turned on q and k, in place in the qkv matmul's
// output: rows of [q | k | v], each `width` = heads * head_dim bf16 values. positions holds (row, column)
// of each patch in its frame; inv_freq the head_dim/4 inverse frequencies. Within a head, channel j of the
// first half (j < head_dim/2) pairs with channel j + head_dim/2 (rotate_half) and turns by
//   row * inv_freq[j]                 for j <  head_dim/4
//   column * inv_freq[j - head_dim/4] for j >= head_dim/4.
// fp32 arithmetic, one bf16 rounding per output. Grid: one block per patch; head_dim divisible by 4.
#include <cuda_bf16.h>

extern "C" __global__ void qkv_bias_rotary_bf16(
    __nv_bfloat16* __restrict__ qkv,
    const float* __restrict__ bias,
    const int* __restrict__ positions,
    const float* __restrict__ inv_freq,
    int width,
    int head_dim)
{
    const long long patch = blockIdx.x;
    __nv_bfloat16* row = qkv + patch * 3LL * width;
    const int half = head_dim >> 1;
    const int quarter = head_dim >> 2;
    const float pos_row = static_cast<float>(positions[2 * patch]);
    const float pos_col = static_cast<float>(positions[2 * patch + 1]);

    // q and k: width / 2 rotation pairs each.
    const int pairs = width >> 1;
    for (int i = threadIdx.x; i < 2 * pairs; i += blockDim.x) {
        const int part = i / pairs;
        const int within = i - part * pairs;
        const int head = within / half;
        const int j = within - head * half;
        const int c1 = part * width + head * head_dim + j;
        const int c2 = c1 + half;
        const float x1 = __bfloat162float(row[c1]) + bias[c1];
        const float x2 = __bfloat162float(row[c2]) + bias[c2];
        const float angle = j < quarter ? pos_row * inv_freq[j] : pos_col * inv_freq[j - quarter];
        float s, c;
        sincosf(angle, &s, &c);
        row[c1] = __float2bfloat16(x1 * c - x2 * s);
        row[c2] = __float2bfloat16(x2 * c + x1 * s);
    }
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
        const int c = 2 * width + i;
        row[c] = __float2bfloat16(__bfloat162float(row[c]) + bias[c]);
    }
}
