// Causal grouped-query attention of a varlen batch over the paged KV cache (bf16) on the tensor cores:
// flash-attention-2 style, mma.sync m16n8k16 (bf16 operands, fp32 accumulate), online softmax in base 2.
//
//   q         [n, heads * HD] bf16 (rotated)          out [n, heads * HD] bf16
//   k_cache, v_cache: this layer's [slots, kv_heads * HD] bf16,
//             slot of position p = block_tables[table + p / block_size] * block_size + p % block_size
//   seqs      int4 per sequence: first row in the step, query count, context length before the step,
//             start of its block table in block_tables
//   tiles     int2 per tile: sequence index, first query of the tile (a multiple of 64 within the sequence);
//             a tile holds up to 64 queries of one sequence (PagedPrefillAttentionKernel.FillTiles builds the list,
//             heaviest tiles first so that the long causal rows do not all start last)
// Grid (heads, tiles), 128 threads: one block per (tile, query head); warp w owns the tile's queries
// 16w .. 16w + 15. Query i of a sequence sits at position ctx + i and sees keys 0 .. ctx + i.
// scale_log2 = log2(e) / sqrt(HD): scores are kept in base 2.
//
// Keys are processed 64 at a time (4 cache blocks of 16). K and V tiles are gathered from the cache by
// cp.async into a two-stage ring in shared memory, so the next tile's loads overlap this tile's mma work;
// keys past the tile's last visible one are zero-filled by cp.async (never read from the cache: their slots may
// hold anything). Only tiles that reach past the first query's position apply the causal mask.
#include <cuda_bf16.h>
#include "reductions.cuh"
#include "online_softmax.cuh"
#include "staged_kv_mma.cuh"

namespace {

typedef __nv_bfloat16 bf16;

constexpr int kQueries = 64; // queries (rows) per block: 4 warps of 16
constexpr int kKeys = 64;    // keys per K/V tile
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kStages = 2;

// Shared memory of one block (element offsets, bf16): Q [64][ld], then K [2][64][ld] and V [2][64][ld], all rows
// keys (or queries) by channel. Rows are padded by 16 bytes, so the 8 row addresses of one ldmatrix phase (and the
// 8 x 4 words of Q's fragment reads) fall in 32 different banks. PagedPrefillAttentionKernel.SharedBytesFor on the
// host computes the same size.
template <int HD>
struct Layout {
    static constexpr int ld = HD + 8;
    static constexpr int tile = kKeys * ld;
    static constexpr int k_at = kQueries * ld;
    static constexpr int v_at = k_at + kStages * tile;
    static constexpr int elements = v_at + kStages * tile;
};

// Queues the cp.async copies of keys key0 .. key0 + 63 of one KV head into a K and a V stage; keys at or past
// kv_end become zeros.
template <int HD>
__device__ __forceinline__ void load_kv_tile(unsigned k_dst, unsigned v_dst, const bf16* __restrict__ k_cache,
    const bf16* __restrict__ v_cache, const int* __restrict__ table, int block_size, int kv_stride, int kv_column,
    int key0, int kv_end)
{
    constexpr int chunks = HD / 8; // 16-byte pieces per row
    for (int i = threadIdx.x; i < kKeys * chunks; i += kThreads) {
        const int r = i / chunks;
        const int c = (i - r * chunks) * 8;
        const int p = key0 + r;
        const bool valid = p < kv_end;
        long long at = 0; // an invalid key copies nothing; the cache base is merely a harmless address
        if (valid) {
            const long long slot = static_cast<long long>(table[p / block_size]) * block_size + p % block_size;
            at = slot * kv_stride + kv_column + c;
        }
        const unsigned offset = static_cast<unsigned>((r * Layout<HD>::ld + c) * 2);
        cp_async16(k_dst + offset, k_cache + at, valid);
        cp_async16(v_dst + offset, v_cache + at, valid);
    }
}

template <int HD>
__device__ __forceinline__ void prefill_attention(
    const bf16* __restrict__ q,
    const bf16* __restrict__ k_cache,
    const bf16* __restrict__ v_cache,
    bf16* __restrict__ out,
    const int4* __restrict__ seqs,
    const int* __restrict__ block_tables,
    const int2* __restrict__ tiles,
    int block_size,
    int heads,
    int kv_heads,
    float scale_log2)
{
    typedef Layout<HD> L;
    extern __shared__ __align__(128) unsigned char smem[];
    const bf16* sQ = reinterpret_cast<const bf16*>(smem);
    const unsigned smem_base = smem_address(smem);
    const unsigned q_base = smem_base;
    const unsigned k_base = smem_base + L::k_at * 2;
    const unsigned v_base = smem_base + L::v_at * 2;
    constexpr unsigned stage_bytes = L::tile * 2;

    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t = lane & 3;
    const int head = blockIdx.x;
    const int kv_head = head / (heads / kv_heads);
    const int2 tile = tiles[blockIdx.y];
    const int4 seq = seqs[tile.x];
    const int q_start = seq.x, q_len = seq.y, ctx = seq.z;
    const int* table = block_tables + seq.w;
    const int first = tile.y;
    // A tile outside its sequence is a host bug that would read and write other rows: stop the launch loudly.
    if (first < 0 || first >= q_len) __trap();
    const int queries = min(kQueries, q_len - first);
    const int q_stride = heads * HD;
    const int kv_stride = kv_heads * HD;
    const int pos0 = ctx + first;      // position of the tile's first query
    const int kv_end = pos0 + queries; // keys visible to its last query
    const int key_tiles = (kv_end + kKeys - 1) / kKeys;

    // Q rows (zeros past the tile's queries) and the first K/V tile: one group of copies.
    {
        constexpr int chunks = HD / 8;
        const bf16* src = q + static_cast<long long>(q_start + first) * q_stride + head * HD;
        for (int i = threadIdx.x; i < kQueries * chunks; i += kThreads) {
            const int r = i / chunks;
            const int c = (i - r * chunks) * 8;
            const bool valid = r < queries;
            cp_async16(q_base + static_cast<unsigned>((r * L::ld + c) * 2), src + (valid ? static_cast<long long>(r) * q_stride + c : 0), valid);
        }
    }
    load_kv_tile<HD>(k_base, v_base, k_cache, v_cache, table, block_size, kv_stride, kv_head * HD, 0, kv_end);
    cp_async_commit();

    const unsigned k_lane = k_lane_offset<L::ld>(lane);
    const unsigned v_lane = v_lane_offset<L::ld>(lane);

    const int r0 = warp * 16 + g; // this lane's rows: r0 and r0 + 8
    const int p0 = pos0 + r0;     // their positions: p0 and p0 + 8
    const int p8 = p0 + 8;

    unsigned qa[HD / 16][4];
    // Output rows r0 and r0+8: channels 8d + 2t, 8d + 2t + 1 of each 8-channel block d.
    float o[HD / 8][4];
#pragma unroll
    for (int d = 0; d < HD / 8; ++d) o[d][0] = o[d][1] = o[d][2] = o[d][3] = 0.0f;
    float m0 = neg_inf(), m8 = neg_inf(); // running max of rows r0 and r0+8 (log2 units), equal across a row's 4 lanes
    float l0 = 0.0f, l8 = 0.0f;           // this lane's share of the running sums

    for (int j = 0; j < key_tiles; ++j) {
        const int stage = j & 1;
        cp_async_wait_all(); // this thread's copies of tile j (and of Q) have landed ...
        __syncthreads();     // ... and everyone's; every warp is also done with tile j - 1, whose stage comes next
        if (j + 1 < key_tiles) {
            load_kv_tile<HD>(k_base + (stage ^ 1) * stage_bytes, v_base + (stage ^ 1) * stage_bytes, k_cache, v_cache,
                table, block_size, kv_stride, kv_head * HD, (j + 1) * kKeys, kv_end);
            cp_async_commit();
        }
        if (j == 0) {
            // This warp's 16 query rows as A operands, one set per 16 channels; they stay in registers.
            const bf16* q0 = sQ + r0 * L::ld + 2 * t;
            load_a_operands(qa, q0, q0 + 8 * L::ld);
        }
        const unsigned k_stage = k_base + stage * stage_bytes + k_lane;
        const unsigned v_stage = v_base + stage * stage_bytes + v_lane;

        // S = Q·Kᵀ: 8 blocks of 8 keys; lane holds keys 8n + 2t, 8n + 2t + 1 of rows r0 and r0+8.
        float s[kKeys / 8][4];
        stage_scores<L::ld>(s, qa, k_stage);

        const int key0 = j * kKeys;
        if (key0 + kKeys - 1 > pos0) {
            // Diagonal tile: keys past a row's position (and every key at or past kv_end, zero-filled) are masked.
#pragma unroll
            for (int n = 0; n < kKeys / 8; ++n) {
                const int key = key0 + 8 * n + 2 * t;
                if (key > p0) s[n][0] = neg_inf();
                if (key + 1 > p0) s[n][1] = neg_inf();
                if (key > p8) s[n][2] = neg_inf();
                if (key + 1 > p8) s[n][3] = neg_inf();
            }
        }

        // Key 0 is visible to every row (used or not), so after the first tile m0, m8 are finite.
        unsigned pa[kKeys / 16][4];
        online_softmax_rows(s, scale_log2, m0, m8, l0, l8, o, pa);

        // O += P·V
        stage_accumulate<L::ld>(o, pa, v_stage);
    }

    l0 = quad_sum(l0);
    l8 = quad_sum(l8);
    const float inv0 = 1.0f / l0;
    const float inv8 = 1.0f / l8;
    bf16* o0 = out + static_cast<long long>(q_start + first + r0) * q_stride + head * HD + 2 * t;
    bf16* o8 = o0 + 8LL * q_stride;
#pragma unroll
    for (int d = 0; d < HD / 8; ++d) {
        if (r0 < queries) *reinterpret_cast<__nv_bfloat162*>(o0 + 8 * d) = __floats2bfloat162_rn(o[d][0] * inv0, o[d][1] * inv0);
        if (r0 + 8 < queries) *reinterpret_cast<__nv_bfloat162*>(o8 + 8 * d) = __floats2bfloat162_rn(o[d][2] * inv8, o[d][3] * inv8);
    }
}

} // namespace

#define PAGED_PREFILL_ATTENTION_ENTRY(HD)                                                                           \
    extern "C" __global__ void __launch_bounds__(kThreads, 2) paged_prefill_attention_hd##HD(                      \
        const bf16* __restrict__ q, const bf16* __restrict__ k_cache, const bf16* __restrict__ v_cache,            \
        bf16* __restrict__ out, const int4* __restrict__ seqs, const int* __restrict__ block_tables,              \
        const int2* __restrict__ tiles, int block_size, int heads, int kv_heads, float scale_log2)                 \
    {                                                                                                              \
        prefill_attention<HD>(q, k_cache, v_cache, out, seqs, block_tables, tiles, block_size, heads, kv_heads,    \
            scale_log2);                                                                                           \
    }

PAGED_PREFILL_ATTENTION_ENTRY(64)
PAGED_PREFILL_ATTENTION_ENTRY(128)
