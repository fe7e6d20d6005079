// Stand-in for the CUDA SDK's <cuda_bf16.h>, for the clang syntax/type check of the kernels (check_kernels.sh puts
// this folder on the include path, as NVRTC gets the SDK's include folder). It declares the bf16 types and a common
// subset of the SDK's bf16 functions with the SDK's signatures; bodies are left out because nothing is generated.
// A kernel that starts using a bf16 function missing here fails the check with "undeclared identifier": add the
// declaration (copy its signature from the SDK header), do not change the kernel.
#ifndef QWENVL_CUDA_BF16_SHIM_H
#define QWENVL_CUDA_BF16_SHIM_H

#define __CUDA_BF16_TYPES_EXIST__

struct __nv_bfloat16_raw {
    unsigned short x;
};

struct __nv_bfloat162_raw {
    unsigned short x, y;
};

struct __align__(2) __nv_bfloat16 {
    unsigned short __x;

    __nv_bfloat16() = default;
    __host__ __device__ constexpr __nv_bfloat16(const __nv_bfloat16_raw& r) : __x(r.x) {}
    __host__ __device__ __nv_bfloat16& operator=(const __nv_bfloat16_raw& r);
    __host__ __device__ operator __nv_bfloat16_raw() const;

    // Conversions the SDK allows unless __CUDA_NO_BFLOAT16_CONVERSIONS__ is defined.
    __host__ __device__ __nv_bfloat16(float f);
    __host__ __device__ __nv_bfloat16(double f);
    __host__ __device__ __nv_bfloat16(short v);
    __host__ __device__ __nv_bfloat16(unsigned short v);
    __host__ __device__ __nv_bfloat16(int v);
    __host__ __device__ __nv_bfloat16(unsigned int v);
    __host__ __device__ __nv_bfloat16(long long v);
    __host__ __device__ __nv_bfloat16(unsigned long long v);
    __host__ __device__ operator float() const;
    __host__ __device__ __nv_bfloat16& operator=(float f);
    __host__ __device__ __nv_bfloat16& operator=(double f);
};

struct __align__(4) __nv_bfloat162 {
    __nv_bfloat16 x, y;

    __nv_bfloat162() = default;
    __host__ __device__ constexpr __nv_bfloat162(const __nv_bfloat16& a, const __nv_bfloat16& b) : x(a), y(b) {}
    __host__ __device__ __nv_bfloat162(const __nv_bfloat162_raw& r);
    __host__ __device__ __nv_bfloat162& operator=(const __nv_bfloat162_raw& r);
    __host__ __device__ operator __nv_bfloat162_raw() const;
};

typedef __nv_bfloat16 nv_bfloat16;
typedef __nv_bfloat162 nv_bfloat162;

// Conversions.
__host__ __device__ __nv_bfloat16 __float2bfloat16(float a);
__host__ __device__ __nv_bfloat16 __float2bfloat16_rn(float a);
__host__ __device__ __nv_bfloat16 __float2bfloat16_rz(float a);
__host__ __device__ __nv_bfloat16 __double2bfloat16(double a);
__host__ __device__ float __bfloat162float(__nv_bfloat16 a);
__host__ __device__ __nv_bfloat162 __float2bfloat162_rn(float a);
__host__ __device__ __nv_bfloat162 __floats2bfloat162_rn(float a, float b);
__host__ __device__ __nv_bfloat162 __float22bfloat162_rn(float2 a);
__host__ __device__ float2 __bfloat1622float2(__nv_bfloat162 a);
__host__ __device__ float __low2float(__nv_bfloat162 a);
__host__ __device__ float __high2float(__nv_bfloat162 a);
__host__ __device__ __nv_bfloat16 __low2bfloat16(__nv_bfloat162 a);
__host__ __device__ __nv_bfloat16 __high2bfloat16(__nv_bfloat162 a);
__host__ __device__ __nv_bfloat162 __halves2bfloat162(__nv_bfloat16 a, __nv_bfloat16 b);
__host__ __device__ __nv_bfloat162 __bfloat162bfloat162(__nv_bfloat16 a);
__host__ __device__ __nv_bfloat162 __lows2bfloat162(__nv_bfloat162 a, __nv_bfloat162 b);
__host__ __device__ __nv_bfloat162 __highs2bfloat162(__nv_bfloat162 a, __nv_bfloat162 b);
__host__ __device__ short __bfloat16_as_short(__nv_bfloat16 h);
__host__ __device__ unsigned short __bfloat16_as_ushort(__nv_bfloat16 h);
__host__ __device__ __nv_bfloat16 __short_as_bfloat16(short i);
__host__ __device__ __nv_bfloat16 __ushort_as_bfloat16(unsigned short i);
__host__ __device__ int __bfloat162int_rn(__nv_bfloat16 h);
__host__ __device__ __nv_bfloat16 __int2bfloat16_rn(int i);

// Arithmetic (sm_80+ instructions).
__device__ __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat16 __hsub(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat16 __hdiv(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c);
__device__ __nv_bfloat16 __hneg(__nv_bfloat16 a);
__device__ __nv_bfloat16 __habs(__nv_bfloat16 a);
__device__ __nv_bfloat16 __hmax(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat16 __hmin(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ __nv_bfloat162 __hadd2(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ __nv_bfloat162 __hsub2(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ __nv_bfloat162 __hmul2(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ __nv_bfloat162 __h2div(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ __nv_bfloat162 __hfma2(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c);
__device__ __nv_bfloat162 __hneg2(__nv_bfloat162 a);
__device__ __nv_bfloat162 __habs2(__nv_bfloat162 a);
__device__ __nv_bfloat162 __hmax2(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ __nv_bfloat162 __hmin2(__nv_bfloat162 a, __nv_bfloat162 b);
__device__ bool __heq(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ bool __hlt(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ bool __hgt(__nv_bfloat16 a, __nv_bfloat16 b);
__device__ bool __hisnan(__nv_bfloat16 a);

// Operators (cuda_bf16.hpp defines these for device code).
#define QWENVL_BF16_OPERATORS(T)                                                                                       \
    __device__ T operator+(const T& a, const T& b);                                                                    \
    __device__ T operator-(const T& a, const T& b);                                                                    \
    __device__ T operator*(const T& a, const T& b);                                                                    \
    __device__ T operator/(const T& a, const T& b);                                                                    \
    __device__ T& operator+=(T& a, const T& b);                                                                        \
    __device__ T& operator-=(T& a, const T& b);                                                                        \
    __device__ T& operator*=(T& a, const T& b);                                                                        \
    __device__ T& operator/=(T& a, const T& b);                                                                        \
    __device__ T operator+(const T& a);                                                                                \
    __device__ T operator-(const T& a);                                                                                \
    __device__ bool operator==(const T& a, const T& b);                                                                \
    __device__ bool operator!=(const T& a, const T& b);                                                                \
    __device__ bool operator<(const T& a, const T& b);                                                                 \
    __device__ bool operator>(const T& a, const T& b);                                                                 \
    __device__ bool operator<=(const T& a, const T& b);                                                                \
    __device__ bool operator>=(const T& a, const T& b);
QWENVL_BF16_OPERATORS(__nv_bfloat16)
QWENVL_BF16_OPERATORS(__nv_bfloat162)
#undef QWENVL_BF16_OPERATORS

// Warp shuffles and loads of bf16 values.
__device__ __nv_bfloat16 __shfl_sync(unsigned mask, __nv_bfloat16 var, int lane, int width = warpSize);
__device__ __nv_bfloat162 __shfl_sync(unsigned mask, __nv_bfloat162 var, int lane, int width = warpSize);
__device__ __nv_bfloat16 __shfl_xor_sync(unsigned mask, __nv_bfloat16 var, int lane_mask, int width = warpSize);
__device__ __nv_bfloat162 __shfl_xor_sync(unsigned mask, __nv_bfloat162 var, int lane_mask, int width = warpSize);
__device__ __nv_bfloat16 __ldg(const __nv_bfloat16* ptr);
__device__ __nv_bfloat162 __ldg(const __nv_bfloat162* ptr);

#endif // QWENVL_CUDA_BF16_SHIM_H
