using QwenVL.Actors;
using QwenVL.Bench.CostModel;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Bench.Simulation;

/// <summary>The scheduler's settings a simulation explores, named and defaulted as `serve`'s flags.</summary>
/// <param name="KvCacheBlocks">KV blocks of the simulated cache; null: enough for 256 sequences at the context length</param>
public sealed record SimulationSettings(
    int MaxNumSeqs = 256,
    int MaxNumBatchedTokens = 2048,
    bool EnablePrefixCaching = true,
    int MaxWaitingRequests = 4096,
    int? KvCacheBlocks = null,
    int? MaxModelLen = null,
    int Seed = 0);

/// <summary>
/// Builds a simulation from a model directory (its configs and tokenizer only: no weights) and a step cost profile:
/// the modelled executor with its KV cache, the scheduler's limits and the request services the real actors use.
/// </summary>
public static class SimulationSetup
{
    public static (SimulationRunner Runner, SimulatedExecutor Executor, int[] WordTokens) Create(ModelDirectory model, QwenTokenizer tokenizer,
        StepCostProfile profile, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        int maxModelLen = settings.MaxModelLen ?? model.Config.Text.MaxPositionEmbeddings;
        var spec = new ModelSpec(model.Config.Text, profile.BlockSize, maxModelLen);
        var words = PlainWordTokens.From(tokenizer);
        var executor = new SimulatedExecutor(spec, profile, settings.Seed, words);
        long blocks = settings.KvCacheBlocks ?? (long)settings.MaxNumSeqs * ((maxModelLen + profile.BlockSize - 1) / profile.BlockSize);
        int allocated = executor.AllocateKvCache(blocks * executor.KvCacheBytesPerBlock);
        var config = new SchedulerConfig(allocated, profile.BlockSize, maxModelLen, settings.MaxNumSeqs, settings.MaxNumBatchedTokens,
            settings.EnablePrefixCaching, settings.MaxWaitingRequests);
        config.Validate();
        var images = new ImageInputPreparer(model.Preprocessor, new ImageSourcePolicy());
        var eos = model.Generation.EosTokenIds.Length > 0 ? model.Generation.EosTokenIds : [model.Config.Tokens.EosTokenId];
        var services = new RequestServices(new PromptPreparer(tokenizer, images, model.Config), tokenizer, eos, maxModelLen, new SequenceIdSource());
        return (new SimulationRunner(executor, services, config, a => RequestCost.Duration(profile, a.ImagePixels)), executor, words);
    }
}
