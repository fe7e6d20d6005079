// Decode attention over the paged KV cache (bf16) on the tensor cores, split-K ("flash-decoding"): the keys of one
// (sequence, KV head) are cut into gridDim.z splits so that a short batch still fills the GPU; each split writes a
// partial, which decode_attention_combine.cu merges.
//
// Every sequence of the step has one query (at position ctx), which sees keys 0 .. ctx. The G = heads / kv_heads
// query heads of one KV head share every K and V row, so they are the rows of one m16 tile: S = Q·Kᵀ and O += P·V
// run on mma.sync m16n8k16 (bf16 operands, fp32 accumulate) and each K/V element brought from memory serves G heads
// for one multiply of the tensor core instead of G scalar FMAs. Rows G .. 15 are padding: zero queries, computed
// alongside (the mma has 16 rows whatever G is) and never written.
//
//   q    [n, heads * HD] bf16 (rotated)            out [n, heads * HD] bf16
//   k_cache, v_cache: this layer's [slots, kv_heads * HD] bf16, slot = block * block_size + offset
//   seqs per sequence: row in the step, query count (1), context length before the step, block table start
//   partials [sequences, heads, splits, HD + 2] fp32: output sum, then max (base 2) and sum of weights
// Grid (sequences, kv_heads, splits), one warp per block. The number of splits is fixed at launch (a captured graph
// keeps it) and each block derives its key range from the sequence's length, so the same launch serves any context:
// the block's keys are [split * per, min(kv_len, split * per + per)) with per = ceil(kv_len / splits) rounded up to
// the 32-key tile.
// With one split the block writes the normalised output; otherwise it writes a partial (an empty split: max -inf,
// sum 0). K and V tiles of 32 keys are gathered through the block table by cp.async into a two-stage ring in
// dynamic shared memory (DecodeAttentionMmaKernel.SharedBytesFor), so the next tile's loads are in flight while
// this one is computed: decode attention is bound by memory latency, not arithmetic.
#include <cuda_bf16.h>
#include "reductions.cuh"
#include "online_softmax.cuh"
#include "staged_kv_mma.cuh"

namespace {

typedef __nv_bfloat16 bf16;

constexpr int kKeys = 32;   // keys per K/V tile (4 column blocks of 8 for S, 2 k-steps of 16 for P·V)
constexpr int kStages = 2;

// Shared memory (bf16 element offsets): K [2][32][ld], then V [2][32][ld]. Rows are padded by 16 bytes, so the 8 row
// addresses of one ldmatrix phase fall in 8 different 16-byte bank groups.
template <int HD>
struct Layout {
    static constexpr int ld = HD + 8;
    static constexpr int tile = kKeys * ld;
    static constexpr int v_at = kStages * tile;
    static constexpr int elements = 2 * kStages * tile;
};

// Queues the copies of keys key0 .. key0 + 31 of one KV head into a K and a V stage as one group; keys at or past
// k_end become zeros (their slots may hold anything, and a NaN V row would poison P·V even with weight 0). Each lane
// reads one block-table entry; the 16-byte chunks of a row go to consecutive lanes, so a row's reads coalesce.
template <int HD>
__device__ __forceinline__ void load_kv_tile(unsigned k_dst, unsigned v_dst, const bf16* __restrict__ k_cache,
    const bf16* __restrict__ v_cache, const int* __restrict__ table, int block_size, int kv_stride, int kv_column,
    int key0, int k_end, int lane)
{
    constexpr int chunks = HD / 8;
    long long my_slot = 0;
    if (key0 + lane < k_end) {
        const int p = key0 + lane;
        my_slot = static_cast<long long>(table[p / block_size]) * block_size + p % block_size;
    }
#pragma unroll 4
    for (int i = lane; i < kKeys * chunks; i += 32) {
        const int r = i / chunks;
        const int c = (i - r * chunks) * 8;
        const long long slot = __shfl_sync(0xffffffffu, my_slot, r);
        const bool valid = key0 + r < k_end;
        const long long at = valid ? slot * kv_stride + kv_column + c : 0; // invalid: copies nothing
        const unsigned offset = static_cast<unsigned>((r * Layout<HD>::ld + c) * 2);
        cp_async16(k_dst + offset, k_cache + at, valid);
        cp_async16(v_dst + offset, v_cache + at, valid);
    }
    cp_async_commit();
}

template <int HD, int G>
__device__ __forceinline__ void decode_attention_mma(
    const bf16* __restrict__ q, const bf16* __restrict__ k_cache, const bf16* __restrict__ v_cache,
    bf16* __restrict__ out, float* __restrict__ partials, const int4* __restrict__ seqs,
    const int* __restrict__ block_tables, int block_size, int heads, int kv_heads, float scale_log2)
{
    typedef Layout<HD> L;
    extern __shared__ __align__(128) unsigned char smem[];
    const unsigned smem_base = smem_address(smem);
    const unsigned k_base = smem_base;
    const unsigned v_base = smem_base + L::v_at * 2;
    constexpr unsigned stage_bytes = L::tile * 2;

    const int lane = threadIdx.x & 31;
    const int g = lane >> 2; // this lane's rows: query head g of the group (and padding row g + 8)
    const int t = lane & 3;
    const int kv_head = blockIdx.y, split = blockIdx.z, splits = gridDim.z;
    const int4 seq = seqs[blockIdx.x];
    const int row = seq.x, kv_len = seq.z + seq.y;
    const int* table = block_tables + seq.w;
    const int per = ((kv_len + splits - 1) / splits + kKeys - 1) / kKeys * kKeys;
    const int k_begin = split * per, k_end = min(kv_len, k_begin + per);
    const int kv_stride = kv_heads * HD;

    if (k_begin < k_end)
        load_kv_tile<HD>(k_base, v_base, k_cache, v_cache, table, block_size, kv_stride, kv_head * HD, k_begin, k_end, lane);

    // Q rows as A operands, read straight from global while the first tile is in flight: lane holds head g's
    // channels 16kk + 2t, +1 and 16kk + 8 + 2t, +1; the padding rows (g >= G and every g + 8) are zero.
    unsigned qa[HD / 16][4];
    {
        const bool real = g < G;
        const bf16* qrow = q + static_cast<long long>(row) * heads * HD + (kv_head * G + (real ? g : 0)) * HD + 2 * t;
#pragma unroll
        for (int kk = 0; kk < HD / 16; ++kk) {
            qa[kk][0] = real ? *reinterpret_cast<const unsigned*>(qrow + 16 * kk) : 0u;
            qa[kk][2] = real ? *reinterpret_cast<const unsigned*>(qrow + 16 * kk + 8) : 0u;
            qa[kk][1] = qa[kk][3] = 0u;
        }
    }

    // Output of row g: channels 8d + 2t, 8d + 2t + 1 in o[d][0..1]; o[d][2..3] belong to padding row g + 8.
    float o[HD / 8][4];
#pragma unroll
    for (int d = 0; d < HD / 8; ++d) o[d][0] = o[d][1] = o[d][2] = o[d][3] = 0.0f;
    float m = neg_inf(); // running max of row g (base 2), equal across the row's 4 lanes
    float l = 0.0f;      // this lane's share of row g's running sum

    const unsigned k_lane = k_lane_offset<L::ld>(lane);
    const unsigned v_lane = v_lane_offset<L::ld>(lane);

    int stage = 0;
    for (int key0 = k_begin; key0 < k_end; key0 += kKeys, stage ^= 1) {
        const bool more = key0 + kKeys < k_end;
        if (more)
            load_kv_tile<HD>(k_base + (stage ^ 1) * stage_bytes, v_base + (stage ^ 1) * stage_bytes, k_cache, v_cache,
                table, block_size, kv_stride, kv_head * HD, key0 + kKeys, k_end, lane);
        cp_async_wait(more); // this lane's copies of this tile have landed ...
        __syncwarp();        // ... and every lane's
        const unsigned k_stage = k_base + stage * stage_bytes + k_lane;
        const unsigned v_stage = v_base + stage * stage_bytes + v_lane;

        // S = Q·Kᵀ: 4 blocks of 8 keys; lane holds keys 8n + 2t, 8n + 2t + 1 of row g in s[n][0..1].
        float s[kKeys / 8][4];
        stage_scores<L::ld>(s, qa, k_stage);
        if (key0 + kKeys > k_end) {
            // The split's last, partial tile: its zero-filled keys get no weight.
#pragma unroll
            for (int n = 0; n < kKeys / 8; ++n) {
                const int key = key0 + 8 * n + 2 * t;
                if (key >= k_end) s[n][0] = neg_inf();
                if (key + 1 >= k_end) s[n][1] = neg_inf();
            }
        }

        // The tile's first key is valid, so the new max is finite and exp2(m - m_new) is 0 on the first tile.
        float mx = neg_inf();
#pragma unroll
        for (int n = 0; n < kKeys / 8; ++n) mx = fmaxf(mx, fmaxf(s[n][0], s[n][1]));
        mx = quad_max(mx);
        const float m_new = fmaxf(m, mx * scale_log2);
        const float alpha = exp2f(m - m_new);
        m = m_new;

        // P in bf16: score blocks 2kk and 2kk + 1 are exactly the A operand of keys 16kk .. 16kk + 15 (row g only; row
        // g + 8 stays zero). The sum adds the rounded probabilities, the ones P·V multiplies.
        unsigned pa[kKeys / 16][4];
        float sum = 0.0f;
#pragma unroll
        for (int kk = 0; kk < kKeys / 16; ++kk) {
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                const float* sn = s[2 * kk + h];
                const __nv_bfloat162 pr = __floats2bfloat162_rn(exp2f(fmaf(sn[0], scale_log2, -m_new)), exp2f(fmaf(sn[1], scale_log2, -m_new)));
                const float2 f = __bfloat1622float2(pr);
                sum += f.x + f.y;
                pa[kk][2 * h] = as_u32(pr);
                pa[kk][2 * h + 1] = 0u;
            }
        }
        l = l * alpha + sum;
#pragma unroll
        for (int d = 0; d < HD / 8; ++d) {
            o[d][0] *= alpha;
            o[d][1] *= alpha;
        }

        // O += P·V
        stage_accumulate<L::ld>(o, pa, v_stage);
        __syncwarp(); // every lane is done with this stage before the next iteration refills it
    }

    l = quad_sum(l);
    if (g >= G) return;
    const int head = kv_head * G + g;
    if (splits == 1) {
        const float inv = 1.0f / l;
        bf16* dst = out + static_cast<long long>(row) * heads * HD + head * HD + 2 * t;
#pragma unroll
        for (int d = 0; d < HD / 8; ++d)
            *reinterpret_cast<__nv_bfloat162*>(dst + 8 * d) = __floats2bfloat162_rn(o[d][0] * inv, o[d][1] * inv);
    } else {
        float* part = partials + ((static_cast<long long>(blockIdx.x) * heads + head) * splits + split) * (HD + 2);
#pragma unroll
        for (int d = 0; d < HD / 8; ++d) *reinterpret_cast<float2*>(part + 8 * d + 2 * t) = make_float2(o[d][0], o[d][1]);
        if (t == 0) {
            part[HD] = m;
            part[HD + 1] = l;
        }
    }
}

} // namespace

#define DECODE_ATTENTION_MMA_GROUP(HD, G)                                                                          \
    extern "C" __global__ void __launch_bounds__(32) decode_attention_mma_hd##HD##_g##G(                           \
        const bf16* __restrict__ q, const bf16* __restrict__ k_cache, const bf16* __restrict__ v_cache,            \
        bf16* __restrict__ out, float* __restrict__ partials, const int4* __restrict__ seqs,                      \
        const int* __restrict__ block_tables, int block_size, int heads, int kv_heads, float scale_log2)           \
    {                                                                                                              \
        decode_attention_mma<HD, G>(q, k_cache, v_cache, out, partials, seqs, block_tables, block_size, heads,     \
            kv_heads, scale_log2);                                                                                 \
    }

// The group size as a template parameter only decides which rows are real; every G costs the same mma work.
#define DECODE_ATTENTION_MMA_ENTRY(HD)                                                                             \
    DECODE_ATTENTION_MMA_GROUP(HD, 1)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 2)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 3)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 4)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 5)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 6)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 7)                                                                              \
    DECODE_ATTENTION_MMA_GROUP(HD, 8)

DECODE_ATTENTION_MMA_ENTRY(64)
DECODE_ATTENTION_MMA_ENTRY(128)
