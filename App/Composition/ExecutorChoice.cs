using QwenVL.Cuda.Executor;
using QwenVL.Cuda;
using QwenVL.Http.Configuration;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Progress;

namespace QwenVL.App.Composition;

/// <summary>Which executor a process runs and how large its steps may be (the scheduler's limits size the GPU's buffers).</summary>
/// <param name="MaxImagePatches">the largest image the GPU vision tower is sized for (the server's max_pixels / 14²)</param>
/// <param name="Log">where the executor logs its start-up work (a GPU's graph capture); null: nowhere</param>
public sealed record ExecutorChoice(ExecutionDevice Device = ExecutionDevice.Auto, int MaxTokensPerStep = 2048, int MaxSequencesPerStep = 256,
    int MaxImagePatches = 16384, bool EnforceEager = false, ILogger? Log = null)
{
    /// <summary>
    /// CUDA when asked for, or under auto when a device answers; the CPU reference executor otherwise.
    /// --device cuda without a usable device is an error that says why.
    /// </summary>
    public IModelExecutor Create(ModelDirectory model, int? maxModelLength, int blockSize, ProgressBoard? progress = null)
    {
        bool available = CudaDevice.IsAvailable(out var reason);
        if (Device == ExecutionDevice.Cuda && !available)
            throw new InvalidOperationException($"--device cuda, but there is no usable CUDA device ({reason})");
        if (Device == ExecutionDevice.Cpu || !available) return CpuExecutor.Load(model, blockSize, maxModelLength, progress);
        return CudaExecutor.Load(model, new CudaExecutorOptions(blockSize, maxModelLength, MaxTokensPerStep, MaxSequencesPerStep,
            MaxImagePatches: Math.Max(MaxImagePatches, model.Preprocessor.MaxPixels / (model.Preprocessor.PatchSize * model.Preprocessor.PatchSize)),
            EnforceEager: EnforceEager, Log: Log));
    }
}
