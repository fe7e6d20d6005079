namespace QwenVL.Cuda.Interop;

/// <summary>A CUDA library that could be found in none of the folders searched, nor through the system loader.</summary>
public sealed class CudaLibraryNotFoundException : DllNotFoundException
{
    public CudaLibraryNotFoundException(string message, IReadOnlyList<string> fileNames, IReadOnlyList<string> directories)
        : base(message)
    {
        FileNames = fileNames;
        Directories = directories;
    }

    public IReadOnlyList<string> FileNames { get; }

    public IReadOnlyList<string> Directories { get; }
}
