// Decode-sized products, y[r, j] = x[r, :] · w[j, :] for a few rows r (M ≤ 4): reading the weights once is all
// that matters there, and a warp per output column streams its weight row with 16-byte loads that bypass L1,
// while the activation rows (a few KiB, shared by every warp) stay in cache. cuBLASLt's kernels for these shapes
// reach 0.6-2.2 TB/s on the H100; the floor is the copy rate, ~3 TB/s.
//   x [M, k] bf16, w [n, k] bf16 (PyTorch's [out, in]), k a multiple of 8
//   gemv_f32_m*:  y [M, n] fp32, stored (accumulate 0) or added to (accumulate 1: a projection into the residual)
//   gemv_silu_m*: w holds 2n rows, gate then up (the merged gate_up projection); y [M, n] bf16 = silu(gate) * up
// With norm (fp32 [k]) given, x is not read: each block computes the RMSNorm of the fp32 residual rows itself,
// bf16(r * rsqrt(mean(r^2) + eps) * norm) as rmsnorm_f32.cu does, so the norm needs no launch of its own.
#include <cuda_bf16.h>
#include "reductions.cuh"

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

// Where a row's activations come from: bf16 x, or the fp32 residual normed on the fly (norm != nullptr).
template <int M>
struct Activations {
    const __nv_bfloat16* x;
    const float* residual;
    const float* norm;
    float inv_rms[M];
};

__device__ __forceinline__ unsigned int pack_bf16x2(float lo, float hi)
{
    const __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<const unsigned int*>(&v);
}

// chunk c (8 values) of row r
template <int M>
__device__ __forceinline__ uint4 load_x(const Activations<M>& a, int r, int k, int c)
{
    if (a.norm == nullptr) return __ldg(reinterpret_cast<const uint4*>(a.x + static_cast<long long>(r) * k + c * 8));
    const float4* res = reinterpret_cast<const float4*>(a.residual + static_cast<long long>(r) * k + c * 8);
    const float4* nw = reinterpret_cast<const float4*>(a.norm + c * 8);
    const float4 v0 = __ldg(res), v1 = __ldg(res + 1), w0 = __ldg(nw), w1 = __ldg(nw + 1);
    const float s = a.inv_rms[r];
    return make_uint4(pack_bf16x2(v0.x * s * w0.x, v0.y * s * w0.y), pack_bf16x2(v0.z * s * w0.z, v0.w * s * w0.w),
        pack_bf16x2(v1.x * s * w1.x, v1.y * s * w1.y), pack_bf16x2(v1.z * s * w1.z, v1.w * s * w1.w));
}

// The block's rows' 1 / rms, when the activations are normed here; every thread of the block must call it.
template <int M>
__device__ __forceinline__ void prepare(Activations<M>& a, int rows, int k, float eps)
{
    if (a.norm == nullptr) return;
    __shared__ float partial[WARPS][M];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    float ss[M];
#pragma unroll
    for (int r = 0; r < M; ++r) ss[r] = 0.0f;
    for (int i = threadIdx.x; i < (k >> 2); i += blockDim.x) {
#pragma unroll
        for (int r = 0; r < M; ++r) {
            if (r < rows) {
                const float4 v = __ldg(reinterpret_cast<const float4*>(a.residual + static_cast<long long>(r) * k) + i);
                ss[r] += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
            }
        }
    }
#pragma unroll
    for (int r = 0; r < M; ++r) {
        ss[r] = warp_sum(ss[r]);
        if (lane == 0) partial[warp][r] = ss[r];
    }
    __syncthreads();
#pragma unroll
    for (int r = 0; r < M; ++r) {
        float total = 0.0f;
#pragma unroll
        for (int w = 0; w < WARPS; ++w) total += partial[w][r];
        a.inv_rms[r] = rsqrtf(total / static_cast<float>(k) + eps);
    }
}

// acc[r] += x[r, :] · w_row for every row r < M, this lane's share of the 16-byte chunks
template <int M>
__device__ __forceinline__ void row_dots(const Activations<M>& a, const __nv_bfloat16* __restrict__ w_row, int rows,
    int k, int first_chunk, int end_chunk, int lane, float* acc)
{
#pragma unroll 8
    for (int c = first_chunk + lane; c < end_chunk; c += 32) {
        const uint4 wv = load_stream(w_row + c * 8);
#pragma unroll
        for (int r = 0; r < M; ++r) {
            if (r < rows) acc[r] = dot8(wv, load_x(a, r, k, c), acc[r]);
        }
    }
#pragma unroll
    for (int r = 0; r < M; ++r) acc[r] = warp_sum(acc[r]);
}

// A block of WARPS warps serves WARPS / ksplit columns; the ksplit warps of one column each take a contiguous share
// of its 16-byte chunks (so that a long row, k = 8960, has several warps' loads in flight), then add up in shared memory.
template <int M>
__device__ __forceinline__ void gemv_f32(Activations<M> a, const __nv_bfloat16* __restrict__ w,
    float* __restrict__ y, int rows, int n, int k, int accumulate, int ksplit, float eps)
{
    prepare(a, rows, k, eps);
    __shared__ float partial[WARPS][M];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int j = blockIdx.x * (WARPS / ksplit) + warp / ksplit, part = warp % ksplit;
    const int chunks = k >> 3, per = (chunks + ksplit - 1) / ksplit;
    const int first = min(chunks, part * per), end = min(chunks, first + per);
    float acc[M];
#pragma unroll
    for (int r = 0; r < M; ++r) acc[r] = 0.0f;
    if (j < n) row_dots<M>(a, w + static_cast<long long>(j) * k, rows, k, first, end, lane, acc);
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
__device__ __forceinline__ void gemv_silu(Activations<M> a, const __nv_bfloat16* __restrict__ w,
    __nv_bfloat16* __restrict__ y, int rows, int n, int k, float eps)
{
    prepare(a, rows, k, eps);
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
                const uint4 xv = load_x(a, r, k, c);
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
        const float* __restrict__ residual, const float* __restrict__ norm, float eps,                               \
        const __nv_bfloat16* __restrict__ w, float* __restrict__ y, int rows, int n, int k, int accumulate, int ksplit) \
    {                                                                                                                \
        gemv_f32<M>(Activations<M>{x, residual, norm, {}}, w, y, rows, n, k, accumulate, ksplit, eps);              \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(WARPS * 32) gemv_silu_m##M(const __nv_bfloat16* __restrict__ x,    \
        const float* __restrict__ residual, const float* __restrict__ norm, float eps,                               \
        const __nv_bfloat16* __restrict__ w, __nv_bfloat16* __restrict__ y, int rows, int n, int k)                  \
    {                                                                                                                \
        gemv_silu<M>(Activations<M>{x, residual, norm, {}}, w, y, rows, n, k, eps);                                  \
    }

GEMV_ENTRIES(1)
GEMV_ENTRIES(2)
GEMV_ENTRIES(4)
