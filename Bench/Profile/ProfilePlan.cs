namespace QwenVL.Bench.Profile;

/// <summary>
/// The steps `qwenvl bench profile` times: prefill chunks at context 0 and at <see cref="PrefillContext"/>, decode
/// batches at each of <see cref="DecodeContexts"/>, one mixed step, and image encodes (each beside one decode). The sizes span what a server
/// runs on the device (a GPU's batches reach 64 sequences and 2,048-token chunks) so the fit interpolates rather than
/// extrapolates; --quick and the CPU shrink them. Each step runs <see cref="Warmup"/> times untimed, then
/// <see cref="Repeats"/> times for the median.
/// </summary>
/// <param name="ImageGrids">Patch grids (rows, columns) of the images encoded; even, for the 2×2 merge.</param>
public sealed record ProfilePlan(
    IReadOnlyList<int> PrefillChunks,
    int PrefillContext,
    IReadOnlyList<int> DecodeBatches,
    IReadOnlyList<int> DecodeContexts,
    IReadOnlyList<(int Rows, int Columns)> ImageGrids,
    int Warmup,
    int Repeats)
{
    public static ProfilePlan For(bool gpu, bool quick) => (gpu, quick) switch
    {
        (true, false) => new([32, 128, 512, 1024, 2048], 2048, [1, 2, 4, 8, 16, 32, 64], [256, 2048], [(16, 16), (32, 32), (48, 48)], 3, 9),
        (true, true) => new([64, 256, 1024], 1024, [1, 4, 16], [256, 1024], [(16, 16), (32, 32)], 2, 5),
        (false, false) => new([16, 64, 256, 512], 512, [1, 2, 4, 8, 16], [64, 512], [(8, 8), (16, 16), (24, 24)], 2, 5),
        (false, true) => new([16, 64, 256], 256, [1, 2, 4, 8], [32, 256], [(4, 4), (8, 8), (16, 16)], 1, 3),
    };

    /// <summary>
    /// This plan within what the executor takes: chunks within the step's token budget and the context length,
    /// decode batches below its sequence cap (the mixed step adds a prompt to the largest), contexts short enough for
    /// the chunk or token that follows them.
    /// </summary>
    public ProfilePlan Within(int maxTokensPerStep, int maxSequencesPerStep, int maxModelLength)
    {
        var chunks = PrefillChunks.Where(n => n <= maxTokensPerStep && n <= maxModelLength).ToArray();
        if (chunks.Length == 0) chunks = [Math.Min(maxTokensPerStep, maxModelLength)];
        var batches = DecodeBatches.Where(b => b < maxSequencesPerStep).ToArray();
        if (batches.Length == 0) batches = [Math.Max(1, maxSequencesPerStep - 1)];
        var contexts = DecodeContexts.Select(c => Math.Min(c, maxModelLength - 1)).Where(c => c > 0).Distinct().ToArray();
        return this with
        {
            PrefillChunks = chunks,
            PrefillContext = Math.Max(0, Math.Min(PrefillContext, maxModelLength - chunks.Max())),
            DecodeBatches = batches,
            DecodeContexts = contexts,
        };
    }
}
