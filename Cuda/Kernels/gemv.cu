// Decode-sized products, y[r, j] = x[r, :] · w[j, :] for a few rows r (M ≤ 4): reading the weights once is all
// that matters there, and a warp per output column streams its weight row with 16-byte loads that bypass L1,
// while the activation rows (a few KiB, shared by every warp) stay in cache. cuBLASLt's kernels for these shapes
// reach 0.6-2.2 TB/s on the H100; the floor is the copy rate, ~3 TB/s.
//   x [M, k] bf16, w [n, k] bf16 (PyTorch's [out, in]), k a multiple of 8
//   gemv_f32_m*:  y [M, n] fp32, stored (accumulate 0) or added to (accumulate 1: a projection into the residual)
//   gemv_silu_m*: w holds 2n rows, gate then up (the merged gate_up projection); y [M, n] bf16 = silu(gate) * up
#include <cuda_bf16.h>

namespace {

constexpr int WARPS = 8;

__device__ __forceinline__ uint4 load_stream(const __nv_bfloat16* p)
{
    uint4 v;
    asm("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
    return v;
}

__device__ __forceinline__ float2 bf2(unsigned int bits)
{
    return make_float2(__uint_as_float(bits << 16), __uint_as_float(bits & 0xffff0000u));
}

__device__ __forceinline__ float dot8(uint4 a, uint4 b, float acc)
{
    float2 x = bf2(a.x), y = bf2(b.x);
    acc = fmaf(x.x, y.x, fmaf(x.y, y.y, acc));
    x = bf2(a.y); y = bf2(b.y);
    acc = fmaf(x.x, y.x, fmaf(x.y, y.y, acc));
    x = bf2(a.z); y = bf2(b.z);
    acc = fmaf(x.x, y.x, fmaf(x.y, y.y, acc));
    x = bf2(a.w); y = bf2(b.w);
    return fmaf(x.x, y.x, fmaf(x.y, y.y, acc));
}

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// acc[r] += x[r, :] · w_row for every row r < M, this lane's share of the 16-byte chunks
template <int M>
__device__ __forceinline__ void row_dots(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w_row, int rows,
    int k, int first_chunk, int end_chunk, int lane, float* acc)
{
#pragma unroll 8
    for (int c = first_chunk + lane; c < end_chunk; c += 32) {
        const uint4 wv = load_stream(w_row + c * 8);
#pragma unroll
        for (int r = 0; r < M; ++r) {
            if (r < rows) {
                const uint4 xv = __ldg(reinterpret_cast<const uint4*>(x + static_cast<long long>(r) * k + c * 8));
                acc[r] = dot8(wv, xv, acc[r]);
            }
        }
    }
#pragma unroll
    for (int r = 0; r < M; ++r) acc[r] = warp_sum(acc[r]);
}

// A block of WARPS warps serves WARPS / ksplit columns; the ksplit warps of one column each take a contiguous share
// of its 16-byte chunks (so that a long row, k = 8960, has several warps' loads in flight), then add up in shared memory.
template <int M>
__device__ __forceinline__ void gemv_f32(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
    float* __restrict__ y, int rows, int n, int k, int accumulate, int ksplit)
{
    __shared__ float partial[WARPS][M];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int j = blockIdx.x * (WARPS / ksplit) + warp / ksplit, part = warp % ksplit;
    const int chunks = k >> 3, per = (chunks + ksplit - 1) / ksplit;
    const int first = min(chunks, part * per), end = min(chunks, first + per);
    float acc[M];
#pragma unroll
    for (int r = 0; r < M; ++r) acc[r] = 0.0f;
    if (j < n) row_dots<M>(x, w + static_cast<long long>(j) * k, rows, k, first, end, lane, acc);
#pragma unroll
    for (int r = 0; r < M; ++r)
        if (lane == r) partial[warp][r] = acc[r];
    __syncthreads();
    if (part != 0 || j >= n || lane >= M || lane >= rows) return;
    float sum = 0.0f;
    for (int p = 0; p < ksplit; ++p) sum += partial[warp + p][lane];
    float* out = y + static_cast<long long>(lane) * n + j;
    *out = accumulate ? *out + sum : sum;
}

template <int M>
__device__ __forceinline__ void gemv_silu(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
    __nv_bfloat16* __restrict__ y, int rows, int n, int k)
{
    const int lane = threadIdx.x & 31;
    const int j = blockIdx.x * WARPS + (threadIdx.x >> 5);
    if (j >= n) return;
    float gate[M], up[M];
#pragma unroll
    for (int r = 0; r < M; ++r) { gate[r] = 0.0f; up[r] = 0.0f; }
    // the gate and up rows in one loop, so that both rows' loads are in flight together
    const __nv_bfloat16* gate_row = w + static_cast<long long>(j) * k;
    const __nv_bfloat16* up_row = w + static_cast<long long>(n + j) * k;
    const int chunks = k >> 3;
#pragma unroll 4
    for (int c = lane; c < chunks; c += 32) {
        const uint4 gv = load_stream(gate_row + c * 8);
        const uint4 uv = load_stream(up_row + c * 8);
#pragma unroll
        for (int r = 0; r < M; ++r) {
            if (r < rows) {
                const uint4 xv = __ldg(reinterpret_cast<const uint4*>(x + static_cast<long long>(r) * k + c * 8));
                gate[r] = dot8(gv, xv, gate[r]);
                up[r] = dot8(uv, xv, up[r]);
            }
        }
    }
#pragma unroll
    for (int r = 0; r < M; ++r) {
        gate[r] = warp_sum(gate[r]);
        up[r] = warp_sum(up[r]);
    }
#pragma unroll
    for (int r = 0; r < M; ++r) {
        if (lane == r && r < rows) {
            const float g = gate[r];
            y[static_cast<long long>(r) * n + j] = __float2bfloat16(g / (1.0f + expf(-g)) * up[r]);
        }
    }
}

} // namespace

#define GEMV_ENTRIES(M)                                                                                              \
    extern "C" __global__ void __launch_bounds__(WARPS * 32) gemv_f32_m##M(const __nv_bfloat16* __restrict__ x,     \
        const __nv_bfloat16* __restrict__ w, float* __restrict__ y, int rows, int n, int k, int accumulate, int ksplit) \
    {                                                                                                                \
        gemv_f32<M>(x, w, y, rows, n, k, accumulate, ksplit);                                                        \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(WARPS * 32) gemv_silu_m##M(const __nv_bfloat16* __restrict__ x,    \
        const __nv_bfloat16* __restrict__ w, __nv_bfloat16* __restrict__ y, int rows, int n, int k)                  \
    {                                                                                                                \
        gemv_silu<M>(x, w, y, rows, n, k);                                                                           \
    }

GEMV_ENTRIES(1)
GEMV_ENTRIES(2)
GEMV_ENTRIES(4)
