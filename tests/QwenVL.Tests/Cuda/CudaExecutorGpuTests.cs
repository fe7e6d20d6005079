using QwenVL.Cuda;
using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Cpu;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Scheduling;
using QwenVL.Tests.Text;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cuda;

/// <summary>
/// CudaExecutor on the tiny fixture. Runs only where a CUDA device is present; elsewhere each test is skipped with
/// the reason "no CUDA device". Logits differ from the float32 paths by bf16 rounding: a host emulation of the
/// executor's rounding points puts that at 4–6e-2 on this fixture (logits up to ~6).
/// </summary>
public class CudaExecutorGpuTests(ITestOutputHelper output)
{
    private const double Bf16Tolerance = 0.1;

    private static CudaExecutor NewExecutor()
    {
        Skip.IfNot(CudaDevice.IsAvailable(out _), "no CUDA device");
        var cuda = CudaExecutor.Load(TinyModel.Directory, new CudaExecutorOptions(MaxTokensPerStep: 256, MaxSequencesPerStep: 8));
        cuda.AllocateKvCache(64 * cuda.KvCacheBytesPerBlock);
        return cuda;
    }

    [SkippableFact]
    public void Chunked_prefill_logits_match_the_cpu_executor_within_bf16_rounding()
    {
        using var cuda = NewExecutor();
        var cpu = TinyModel.NewExecutor();
        var chat = TinyReference.Instance.Chat("text_multiturn");
        int[] table = [7, 2, 11, 4];
        float[] gpu = [], host = [];
        for (int start = 0; start < chat.InputIds.Length; start += 13)
        {
            int n = Math.Min(13, chat.InputIds.Length - start);
            var step = new SequenceStep(0, chat.InputIds[start..(start + n)], MRopePositions.ForText(start, n), table, start, null);
            gpu = cuda.LastTokenLogits(new StepBatch([step]), sampledOnly: false, out _);
            host = cpu.LastTokenLogits(new StepBatch([step]), sampledOnly: false, out _);
        }
        double err = ParityMath.MaxAbsDiff(gpu, host);
        output.WriteLine($"max |CUDA - CPU| {err:E3}");
        Assert.True(err < Bf16Tolerance, $"logits differ by {err}");
        Assert.Equal(Array.IndexOf(host, host.Max()), Array.IndexOf(gpu, gpu.Max()));
    }

    [SkippableFact]
    public void Greedy_decoding_of_an_image_prompt_starts_with_the_reference_tokens()
    {
        using var cuda = NewExecutor();
        var chat = TinyReference.Instance.Chat("image_tall_png");
        var processor = new ImageProcessor(TinyModel.Directory.Preprocessor);
        var patches = chat.Images
            .Select(name => processor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", name)))))
            .ToArray();
        var prompt = PromptInput.Build(SharedTokenizer.Instance.Encode(chat.PromptText),
            patches.Select(p => new ImageGrid(p.GridT, p.GridH, p.GridW)).ToArray(), TinyModel.Directory.Config.Tokens, 2);
        var config = new SchedulerConfig(64, cuda.Spec.BlockSize, cuda.Spec.MaxModelLength, MaxNumSeqs: 8, MaxNumBatchedTokens: 32);
        var choice = new GenerationLoop(cuda, config, SharedTokenizer.Instance, FixturePrompts.Eos)
            .Run(new PreparedPrompt(prompt, patches), new SamplingParams { Temperature = 0, MaxTokens = 4, MinTokens = 4 }).Choices.Single();
        // HF's top-2 margins of these four tokens are 0.41 to 0.78, far above bf16 rounding
        Assert.Equal(chat.GreedyTokens[..4], choice.TokenIds);
        Assert.Equal(0, cuda.CachedImageCount);
    }
}
