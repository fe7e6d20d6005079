// Warp and block reductions shared by the kernels, and the identity of a max (-inf as a bit pattern, so no header of
// the math library is needed). KernelSources pastes this file over a kernel's include line for it, at file scope
// after <cuda_bf16.h>; the guard keeps a second include (from another header) from defining the functions again.
// Plain inline functions at file scope (no unnamed namespace), so that one a kernel does not use draws no NVRTC warning.
#ifndef QWENVL_REDUCTIONS_CUH
#define QWENVL_REDUCTIONS_CUH

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// Sum over the block; every thread gets the total. blockDim.x a multiple of 32, at most 1024. Safe to call twice in a
// row: the second call's first __syncthreads comes after every thread has read the first call's total.
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


#endif // QWENVL_REDUCTIONS_CUH
