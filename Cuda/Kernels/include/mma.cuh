// PTX helpers (sm_80+) shared by the tensor-core attention kernels: shared-memory addresses, cp.async with zero fill,
// ldmatrix (plain and transposed), the bf16 m16n8k16 mma and the 32-bit views of bf16 pairs its operands are.
// KernelSources pastes this file over a kernel's include line for it, at file scope after <cuda_bf16.h>.
// Plain inline functions at file scope (no unnamed namespace), so that one a kernel does not use draws no NVRTC warning.
#ifndef QWENVL_MMA_CUH
#define QWENVL_MMA_CUH

__device__ __forceinline__ unsigned smem_address(const void* p)
{
    unsigned address;
    asm volatile("{ .reg .u64 a; cvta.to.shared.u64 a, %1; cvt.u32.u64 %0, a; }\n" : "=r"(address) : "l"(p));
    return address;
}

// 16 bytes global -> shared, asynchronously; valid = false writes 16 zero bytes and reads nothing (src-size 0).
__device__ __forceinline__ void cp_async16(unsigned dst, const void* src, bool valid)
{
    const int bytes = valid ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes) : "memory");
}

__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }

// Waits until at most one committed group (the next tile's) is still in flight, or none.
__device__ __forceinline__ void cp_async_wait(bool one_pending)
{
    if (one_pending) asm volatile("cp.async.wait_group 1;\n" ::: "memory");
    else asm volatile("cp.async.wait_group 0;\n" ::: "memory");
}

__device__ __forceinline__ void cp_async_wait_all() { cp_async_wait(false); }

// Four 8x8 b16 matrices; lanes 8i .. 8i+7 give the row addresses of matrix i, register i gets lane's
// (row lane/4, columns 2(lane%4), +1) of matrix i.
__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], unsigned address)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
        : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
        : "r"(address));
}

// The same, transposed: register i gets (rows 2(lane%4), +1, column lane/4) of matrix i.
__device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], unsigned address)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
        : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
        : "r"(address));
}

// d += a·b for one 16x8x16 tile. Per lane (g = lane / 4, t = lane % 4):
//   a: {row g, cols 2t..2t+1}, {row g+8, cols 2t..}, {row g, cols 2t+8..}, {row g+8, cols 2t+8..}
//   b: {k 2t..2t+1, col g}, {k 2t+8..2t+9, col g}
//   d: {row g, cols 2t, 2t+1}, {row g+8, cols 2t, 2t+1}
__device__ __forceinline__ void mma_bf16(float (&d)[4], const unsigned (&a)[4], unsigned b0, unsigned b1)
{
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two consecutive bf16 values (4-byte aligned) as one 32-bit mma operand register.
__device__ __forceinline__ unsigned ld32(const __nv_bfloat16* p) { return *reinterpret_cast<const unsigned*>(p); }

// A warp's 16 rows of a bf16 tile in shared memory as mma A operands, one set per 16 columns: q0 points at row g,
// column 2t of the lane, q8 at row g + 8.
template <int K16>
__device__ __forceinline__ void load_a_operands(unsigned (&a)[K16][4], const __nv_bfloat16* q0, const __nv_bfloat16* q8)
{
#pragma unroll
    for (int kk = 0; kk < K16; ++kk) {
        a[kk][0] = ld32(q0 + kk * 16);
        a[kk][1] = ld32(q8 + kk * 16);
        a[kk][2] = ld32(q0 + kk * 16 + 8);
        a[kk][3] = ld32(q8 + kk * 16 + 8);
    }
}

__device__ __forceinline__ unsigned as_u32(__nv_bfloat162 v) { return *reinterpret_cast<unsigned*>(&v); }


#endif // QWENVL_MMA_CUH
