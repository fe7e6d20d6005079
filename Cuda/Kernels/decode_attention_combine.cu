// Merges the partials of split-K decode attention (decode_attention_mma.cu) into each query head's output: every
// split wrote its unnormalised output sum, its running max (base 2) and its sum of weights; the splits are rescaled to
// their common max and added. One block per (sequence, query head), one thread per dim.
//   partials [sequences, heads, splits, HD + 2] fp32        out [n, heads * HD] bf16, row seqs[sequence].x
#include <cuda_bf16.h>
#include "reductions.cuh"

namespace {

template <int HD>
__device__ __forceinline__ void decode_attention_combine(
    const float* __restrict__ partials, __nv_bfloat16* __restrict__ out, const int4* __restrict__ seqs, int heads,
    int splits)
{
    const int head = blockIdx.y, d = threadIdx.x;
    const float* part = partials + (static_cast<long long>(blockIdx.x) * heads + head) * splits * (HD + 2);
    float mx = neg_inf();
    for (int s = 0; s < splits; ++s) mx = fmaxf(mx, part[s * (HD + 2) + HD]);
    float sum = 0.0f, o = 0.0f;
    for (int s = 0; s < splits; ++s) {
        const float* p = part + s * (HD + 2);
        const float weight = exp2f(p[HD] - mx); // an empty split has max -inf: weight 0
        sum += p[HD + 1] * weight;
        o += p[d] * weight;
    }
    out[static_cast<long long>(seqs[blockIdx.x].x) * heads * HD + head * HD + d] = __float2bfloat16(o / sum);
}

} // namespace

#define DECODE_ATTENTION_COMBINE_ENTRY(HD)                                                                         \
    extern "C" __global__ void __launch_bounds__(HD) decode_attention_combine_hd##HD(                              \
        const float* __restrict__ partials, __nv_bfloat16* __restrict__ out, const int4* __restrict__ seqs,        \
        int heads, int splits)                                                                                     \
    {                                                                                                              \
        decode_attention_combine<HD>(partials, out, seqs, heads, splits);                                          \
    }

DECODE_ATTENTION_COMBINE_ENTRY(64)
DECODE_ATTENTION_COMBINE_ENTRY(128)
