namespace QwenVL.Cuda.Executor;

/// <summary>
/// One step's metadata as <see cref="StepMetadata.Pack"/> laid it out: the counts, and the byte offset of each
/// section from the buffer's start (the same offsets hold in the device copy).
/// </summary>
/// <param name="ImageSources">u64 [Tokens]: device address of the fp32 image row that replaces the token's embedding, or 0</param>
/// <param name="TokenIds">i32 [Tokens]</param>
/// <param name="Positions">i32 [3, Tokens]: M-RoPE ids, plane-major over the whole step</param>
/// <param name="Slots">i32 [Tokens]: KV cache slot (block · block size + offset) each token writes</param>
/// <param name="Sequences">i32x4 [Sequences]: first row, token count, context length, block table start</param>
/// <param name="Tiles">i32x2 [Tiles]: sequence, first query of the attention tile</param>
/// <param name="BlockTables">i32 [BlockTableEntries]: each sequence's blocks covering its context after the step</param>
/// <param name="SampleRows">i32 [SampleRows]: the step row (a sequence's last token) of each row reaching the lm_head</param>
public readonly record struct PackedStep(
    int Tokens, int SequenceCount, int TileCount, int BlockTableEntries, int SampleRowCount, int Bytes,
    int ImageSources, int TokenIds, int Positions, int Slots, int Sequences, int Tiles, int BlockTables, int SampleRows);
