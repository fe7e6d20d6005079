// The qkv biases added and the vision tower's 2-D rotary turned on q and k, in place in the qkv matmul's
// output: rows of [q | k | v], each `width` = heads * head_dim bf16 values. positions holds (row, column)
// of each patch in its frame; inv_freq the head_dim/4 inverse frequencies. Within a head, channel j of the
// first half (j < head_dim/2) pairs with channel j + head_dim/2 (rotate_half) and turns by
//   row * inv_freq[j]                 for j <  head_dim/4
//   column * inv_freq[j - head_dim/4] for j >= head_dim/4.
// fp32 arithmetic, one bf16 rounding per output. Each thread takes two neighbouring channels (j even: a quarter of a
// head is even too, so both turn by the row or both by the column), read and written as bf16 pairs.
// Grid: one block per patch; head_dim divisible by 8.
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
    __nv_bfloat162* row = reinterpret_cast<__nv_bfloat162*>(qkv + patch * 3LL * width);
    const float2* bias2 = reinterpret_cast<const float2*>(bias);
    const int half = head_dim >> 1;
    const int quarter = head_dim >> 2;
    const float pos_row = static_cast<float>(positions[2 * patch]);
    const float pos_col = static_cast<float>(positions[2 * patch + 1]);

    // q and k: width / 4 units of two rotation pairs each.
    const int units = width >> 2;
    const int half_units = half >> 1;
    for (int i = threadIdx.x; i < 2 * units; i += blockDim.x) {
        const int part = i / units;
        const int within = i - part * units;
        const int head = within / half_units;
        const int j = 2 * (within - head * half_units);
        const int c1 = part * width + head * head_dim + j;
        const int c2 = c1 + half;
        const float2 x1 = __bfloat1622float2(row[c1 >> 1]);
        const float2 x2 = __bfloat1622float2(row[c2 >> 1]);
        const float2 b1 = bias2[c1 >> 1];
        const float2 b2 = bias2[c2 >> 1];
        const float pos = j < quarter ? pos_row : pos_col;
        const int f = j < quarter ? j : j - quarter;
        float s0, k0, s1, k1;
        sincosf(pos * inv_freq[f], &s0, &k0);
        sincosf(pos * inv_freq[f + 1], &s1, &k1);
        const float a0 = x1.x + b1.x, a1 = x1.y + b1.y;
        const float e0 = x2.x + b2.x, e1 = x2.y + b2.y;
        row[c1 >> 1] = __floats2bfloat162_rn(a0 * k0 - e0 * s0, a1 * k1 - e1 * s1);
        row[c2 >> 1] = __floats2bfloat162_rn(e0 * k0 + a0 * s0, e1 * k1 + a1 * s1);
    }
    for (int i = threadIdx.x; i < (width >> 1); i += blockDim.x) {
        const int c = width + i; // pair index of v's channels 2i, 2i + 1
        const float2 v = __bfloat1622float2(row[c]);
        const float2 b = bias2[c];
        row[c] = __floats2bfloat162_rn(v.x + b.x, v.y + b.y);
    }
}
