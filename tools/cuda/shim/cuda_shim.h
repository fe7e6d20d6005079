// What NVRTC gives every kernel source without an #include, for a clang syntax/type check with no CUDA SDK
// (clang++ -x cuda --cuda-device-only -nocudainc -include cuda_shim.h). tools/cuda/check_kernels.sh includes it.
//
// -nocudainc keeps clang's __clang_cuda_runtime_wrapper.h out, because that header pulls in the SDK (cuda_runtime.h,
// crt/*.hpp). This file does the wrapper's job without the SDK: the execution-space keywords, the built-in variables,
// the vector types, and clang's own device-function, math and warp-intrinsic headers (real signatures, so overload
// resolution behaves as with the SDK). What those lack (atomics, some min/max/isfinite overloads, cvta) is declared
// here by hand; declarations are enough because nothing is generated (-fsyntax-only).
// bf16 is NOT here: NVRTC only has it after #include <cuda_bf16.h>, see cuda_bf16.h beside this file.
#ifndef QWENVL_CUDA_SHIM_H
#define QWENVL_CUDA_SHIM_H

#if !defined(__CUDA__) || !defined(__CUDA_ARCH__)
#error "cuda_shim.h is for clang device-side CUDA compilation (-x cuda --cuda-device-only)"
#endif

// clang's CUDA headers pick their CUDA 9+ / 11+ branches (the *_sync shuffles, cvta helpers) from this.
#define CUDA_VERSION 12080
// NVRTC defines both; kernels may test them.
#define __CUDACC__ 1
#define __CUDACC_RTC__ 1

// ---- execution spaces and the other nvcc keywords (host_defines.h in the SDK) ----
#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __managed__ __attribute__((managed))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#define __grid_constant__ __attribute__((grid_constant))
// __restrict__ is a GNU keyword clang already knows.

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef unsigned int cuuint32_t;  // used by clang's __nvvm_get_smem_pointer

// threadIdx, blockIdx, blockDim, gridDim, warpSize.
#include <__clang_cuda_builtin_vars.h>

// ---- vector types (vector_types.h in the SDK), with the SDK's alignments ----
#define QWENVL_VEC1(T, N, A) struct __align__(A) N##1 { T x; };
#define QWENVL_VEC2(T, N, A) struct __align__(A) N##2 { T x, y; };
#define QWENVL_VEC3(T, N) struct N##3 { T x, y, z; };
#define QWENVL_VEC4(T, N, A) struct __align__(A) N##4 { T x, y, z, w; };
#define QWENVL_MAKE(T, N)                                                                                              \
    __host__ __device__ inline N##1 make_##N##1(T x) { return N##1{x}; }                                               \
    __host__ __device__ inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }                                       \
    __host__ __device__ inline N##3 make_##N##3(T x, T y, T z) { return N##3{x, y, z}; }                               \
    __host__ __device__ inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }
#define QWENVL_VECS(T, N, A1, A2, A4) QWENVL_VEC1(T, N, A1) QWENVL_VEC2(T, N, A2) QWENVL_VEC3(T, N) QWENVL_VEC4(T, N, A4) QWENVL_MAKE(T, N)

QWENVL_VECS(signed char, char, 1, 2, 4)
QWENVL_VECS(unsigned char, uchar, 1, 2, 4)
QWENVL_VECS(short, short, 2, 4, 8)
QWENVL_VECS(unsigned short, ushort, 2, 4, 8)
QWENVL_VECS(int, int, 4, 8, 16)
QWENVL_VECS(unsigned int, uint, 4, 8, 16)
QWENVL_VECS(long, long, 8, 16, 16)
QWENVL_VECS(unsigned long, ulong, 8, 16, 16)
QWENVL_VECS(long long, longlong, 8, 16, 16)
QWENVL_VECS(unsigned long long, ulonglong, 8, 16, 16)
QWENVL_VECS(float, float, 4, 8, 16)
QWENVL_VECS(double, double, 8, 16, 16)

#undef QWENVL_VECS
#undef QWENVL_MAKE
#undef QWENVL_VEC4
#undef QWENVL_VEC3
#undef QWENVL_VEC2
#undef QWENVL_VEC1

struct dim3 {
    unsigned int x, y, z;
    __host__ __device__ constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    __host__ __device__ constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    __host__ __device__ constexpr operator uint3() const { return uint3{x, y, z}; }
};

// The built-in variables convert to dim3/uint3; clang declares these conversions and leaves their definitions to
// whoever provides the vector types (its runtime wrapper does the same).
#define QWENVL_BUILTIN_CONVERSIONS(T)                                                                                  \
    __device__ inline T::operator dim3() const { return dim3(x, y, z); }                                               \
    __device__ inline T::operator uint3() const { return uint3{x, y, z}; }
QWENVL_BUILTIN_CONVERSIONS(__cuda_builtin_threadIdx_t)
QWENVL_BUILTIN_CONVERSIONS(__cuda_builtin_blockIdx_t)
QWENVL_BUILTIN_CONVERSIONS(__cuda_builtin_blockDim_t)
QWENVL_BUILTIN_CONVERSIONS(__cuda_builtin_gridDim_t)
#undef QWENVL_BUILTIN_CONVERSIONS

// ---- device functions, math, warp intrinsics: clang's own implementations over libdevice ----
// (__int_as_float, __fsub_rn, __expf, __trap, ...; expf, rsqrtf, fmaxf, sincosf, erff, ...; __shfl*_sync, __syncwarp,
// __ldg, __nv_cvta_*_impl.) __syncthreads is a clang builtin and needs no declaration.
#include <__clang_cuda_libdevice_declares.h>
#include <__clang_cuda_device_functions.h>
// __clang_cuda_math.h's ldexp/scalbn bodies use these <climits>/<cmath> macros; NVRTC does not define them for
// kernels (sampling.cu defines its own INFINITY), so they are only set around the include.
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)
#define HUGE_VAL __builtin_huge_val()
#define HUGE_VALF __builtin_huge_valf()
#include <__clang_cuda_math.h>
#undef HUGE_VALF
#undef HUGE_VAL
#undef INT_MIN
#undef INT_MAX
#include <__clang_cuda_intrinsics.h>

// ---- what the SDK's math_functions.hpp / device_functions.hpp add on top, and clang's headers lack ----
// min/max overloads beyond (int, int) (clang has those two).
#define QWENVL_MINMAX(R, A, B)                                                                                         \
    __device__ R min(A a, B b);                                                                                        \
    __device__ R max(A a, B b);
QWENVL_MINMAX(unsigned int, unsigned int, unsigned int)
QWENVL_MINMAX(unsigned int, int, unsigned int)
QWENVL_MINMAX(unsigned int, unsigned int, int)
QWENVL_MINMAX(long, long, long)
QWENVL_MINMAX(unsigned long, unsigned long, unsigned long)
QWENVL_MINMAX(long long, long long, long long)
QWENVL_MINMAX(unsigned long long, unsigned long long, unsigned long long)
QWENVL_MINMAX(unsigned long long, long long, unsigned long long)
QWENVL_MINMAX(unsigned long long, unsigned long long, long long)
QWENVL_MINMAX(float, float, float)
QWENVL_MINMAX(double, double, double)
QWENVL_MINMAX(double, float, double)
QWENVL_MINMAX(double, double, float)
#undef QWENVL_MINMAX

// C++ <cmath> classification and float overloads, which the SDK declares in the global namespace.
__device__ bool isfinite(float x);
__device__ bool isfinite(double x);
__device__ bool isinf(float x);
__device__ bool isinf(double x);
__device__ bool isnan(float x);
__device__ bool isnan(double x);
__device__ bool signbit(float x);
__device__ bool signbit(double x);
#define QWENVL_FLOAT_OVERLOAD(F) __device__ float F(float x);
QWENVL_FLOAT_OVERLOAD(exp)
QWENVL_FLOAT_OVERLOAD(exp2)
QWENVL_FLOAT_OVERLOAD(log)
QWENVL_FLOAT_OVERLOAD(log2)
QWENVL_FLOAT_OVERLOAD(sqrt)
QWENVL_FLOAT_OVERLOAD(fabs)
QWENVL_FLOAT_OVERLOAD(abs)
QWENVL_FLOAT_OVERLOAD(floor)
QWENVL_FLOAT_OVERLOAD(ceil)
QWENVL_FLOAT_OVERLOAD(tanh)
QWENVL_FLOAT_OVERLOAD(erf)
QWENVL_FLOAT_OVERLOAD(sin)
QWENVL_FLOAT_OVERLOAD(cos)
#undef QWENVL_FLOAT_OVERLOAD
__device__ float pow(float x, float y);
__device__ float fmax(float x, float y);
__device__ float fmin(float x, float y);

// Address-space conversion (sm_20_intrinsics in the SDK), over clang's __nv_cvta_*_impl.
__device__ inline size_t __cvta_generic_to_shared(const void* p) { return __nv_cvta_generic_to_shared_impl(p); }
__device__ inline size_t __cvta_generic_to_global(const void* p) { return __nv_cvta_generic_to_global_impl(p); }
__device__ inline void* __cvta_shared_to_generic(size_t a) { return __nv_cvta_shared_to_generic_impl(a); }
__device__ inline void* __cvta_global_to_generic(size_t a) { return __nv_cvta_global_to_generic_impl(a); }

// Atomics (device_atomic_functions.h, sm_60_atomic_functions.h in the SDK): declarations only.
#define QWENVL_ATOMIC(F, T) __device__ T F(T* address, T val);
#define QWENVL_ATOMIC_INTS(F)                                                                                          \
    QWENVL_ATOMIC(F, int) QWENVL_ATOMIC(F, unsigned int) QWENVL_ATOMIC(F, unsigned long long)
QWENVL_ATOMIC_INTS(atomicAdd)
QWENVL_ATOMIC(atomicAdd, float)
QWENVL_ATOMIC(atomicAdd, double)
QWENVL_ATOMIC(atomicSub, int)
QWENVL_ATOMIC(atomicSub, unsigned int)
QWENVL_ATOMIC_INTS(atomicExch)
QWENVL_ATOMIC(atomicExch, float)
QWENVL_ATOMIC_INTS(atomicMin)
QWENVL_ATOMIC(atomicMin, long long)
QWENVL_ATOMIC_INTS(atomicMax)
QWENVL_ATOMIC(atomicMax, long long)
QWENVL_ATOMIC_INTS(atomicAnd)
QWENVL_ATOMIC_INTS(atomicOr)
QWENVL_ATOMIC_INTS(atomicXor)
QWENVL_ATOMIC(atomicInc, unsigned int)
QWENVL_ATOMIC(atomicDec, unsigned int)
#undef QWENVL_ATOMIC_INTS
#undef QWENVL_ATOMIC
__device__ int atomicCAS(int* address, int compare, int val);
__device__ unsigned int atomicCAS(unsigned int* address, unsigned int compare, unsigned int val);
__device__ unsigned long long atomicCAS(unsigned long long* address, unsigned long long compare, unsigned long long val);
__device__ unsigned short atomicCAS(unsigned short* address, unsigned short compare, unsigned short val);

// Fences and clocks (clang has __threadfence* as builtins; these are the SDK's other spellings).
__device__ long long clock64();
__device__ unsigned long long __globaltimer();

// Device-side printf, as NVRTC allows it without <cstdio>.
extern "C" __device__ int printf(const char*, ...);

// NVRTC compiles with -default-device: a function with no execution-space keyword is a device function. The
// closest clang has is this pragma, which makes such functions __host__ __device__ until the end of the source.
// (Functions declared above keep their explicit spaces.)
#pragma clang force_cuda_host_device begin

#endif // QWENVL_CUDA_SHIM_H
