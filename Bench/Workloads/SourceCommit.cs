using System.Diagnostics;
using System.Reflection;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The commit the benchmark ran: $QWENVL_COMMIT when set, else the commit the build embedded in the assembly's version
/// (the app may run far from its checkout, on a machine whose copy of the tree has a stale .git), else
/// `git rev-parse HEAD` in the app's folder, else "unknown".
/// </summary>
public static class SourceCommit
{
    public const string EnvironmentVariable = "QWENVL_COMMIT";

    public static string Find(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return NonEmpty(environment(EnvironmentVariable)) ?? FromBuild() ?? FromGit() ?? "unknown";
    }

    private static string? FromGit()
    {
        try
        {
            var start = new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            using var git = Process.Start(start);
            if (git == null) return null;
            var output = git.StandardOutput.ReadToEnd();
            if (!git.WaitForExit(5000)) return null;
            return git.ExitCode == 0 ? NonEmpty(output.Trim()) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    /// <summary>The SDK writes the commit after a '+' in the informational version when it builds from a git checkout.</summary>
    private static string? FromBuild()
    {
        var version = typeof(SourceCommit).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        int plus = version?.IndexOf('+') ?? -1;
        return plus >= 0 ? NonEmpty(version![(plus + 1)..]) : null;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
