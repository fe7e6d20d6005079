using QwenVL.Cuda.Interop;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class CudaLibraryLocatorTests
{
    [Fact]
    public void Missing_library_error_names_the_files_and_every_folder_searched()
    {
        using var dir = new TempDirectory();
        var folders = new[] { dir.Path, "/no/such/cuda/lib64" };
        var e = Assert.Throws<CudaLibraryNotFoundException>(() =>
            CudaLibraryLocator.Load("NVRTC", ["libnvrtc-missing.so.13", "libnvrtc-missing.so.12"], folders, useSystemPath: false));
        Assert.Contains("NVRTC", e.Message);
        Assert.Contains("libnvrtc-missing.so.13", e.Message);
        Assert.Contains("libnvrtc-missing.so.12", e.Message);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("/no/such/cuda/lib64", e.Message);
        Assert.Contains("CUDA_LIB_DIRS", e.Message);
        Assert.Equal(folders, e.Directories);
    }

    [Fact]
    public void A_file_that_is_there_but_will_not_load_is_reported_with_the_loader_error()
    {
        using var dir = new TempDirectory();
        dir.Write("libcublasLt-broken.so.13", "not an ELF file");
        var e = Assert.Throws<CudaLibraryNotFoundException>(() =>
            CudaLibraryLocator.Load("cuBLASLt", ["libcublasLt-broken.so.13"], [dir.Path], useSystemPath: false));
        Assert.Contains(dir.File("libcublasLt-broken.so.13") + " exists but did not load", e.Message);
    }

    [Fact]
    public void Search_puts_CUDA_LIB_DIRS_first_then_the_usual_folders_each_once()
    {
        var dirs = CudaLibraryLocator.SearchDirectories("/opt/cuda/lib: /usr/local/cuda/lib64 ::/opt/cuda/lib");
        Assert.Equal("/opt/cuda/lib", dirs[0]);
        Assert.Equal("/usr/local/cuda/lib64", dirs[1]);
        Assert.Contains("/usr/local/cuda-13.0/targets/x86_64-linux/lib", dirs);
        Assert.Contains("/usr/lib/x86_64-linux-gnu", dirs);
        Assert.Equal(dirs.Count, dirs.Distinct().Count());
    }

    [Fact]
    public void Without_CUDA_LIB_DIRS_the_usual_folders_are_searched()
    {
        Assert.Equal(CudaLibraryLocator.UsualDirectories, CudaLibraryLocator.SearchDirectories(null));
        Assert.Equal(CudaLibraryLocator.UsualDirectories, CudaLibraryLocator.SearchDirectories("  "));
    }

    [Fact]
    public void A_preferred_name_in_a_later_folder_beats_a_fallback_name_in_an_earlier_one()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        first.Write("libfallback-broken.so", "not an ELF file");
        second.Write("libpreferred-broken.so.1", "not an ELF file");
        var e = Assert.Throws<CudaLibraryNotFoundException>(() =>
            CudaLibraryLocator.Load("test", ["libpreferred-broken.so.1", "libfallback-broken.so"], [first.Path, second.Path], useSystemPath: false));
        var preferred = e.Message.IndexOf(second.File("libpreferred-broken.so.1"), StringComparison.Ordinal);
        var fallback = e.Message.IndexOf(first.File("libfallback-broken.so"), StringComparison.Ordinal);
        Assert.True(preferred >= 0 && fallback > preferred, e.Message);
    }
}
