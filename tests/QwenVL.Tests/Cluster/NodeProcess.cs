using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Cluster;

/// <summary>
/// One `qwenvl serve` process on loopback over the tiny fixture (CPU executor), started from the build beside the
/// tests; its output is kept for failure messages. Dispose kills it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public const string ModelName = "tiny";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(string name, int httpPort, int? clusterPort, Process process)
    {
        Name = name;
        HttpPort = httpPort;
        ClusterPort = clusterPort;
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(120) };
    }

    public string Name { get; }
    public int HttpPort { get; }
    public int? ClusterPort { get; }
    public HttpClient Client { get; }

    /// <summary>This node's cluster address, as /v1/cluster lists it.</summary>
    public string Address => $"akka.tcp://qwenvl@127.0.0.1:{ClusterPort}";

    public string Output => string.Join('\n', _output.TakeLast(80));

    public bool HasExited => _process.HasExited;

    /// <summary>A node alone: no cluster flags.</summary>
    public static NodeProcess StartStandalone(string name) => Start(name, null, [], "worker");

    /// <summary>A cluster node joining through <paramref name="seedPort"/> (its own port makes it the seed).</summary>
    public static NodeProcess StartClustered(string name, string role, int clusterPort, int seedPort, double downAfterSeconds = 2) =>
        Start(name, clusterPort,
            ["--cluster-host", "127.0.0.1", "--cluster-port", $"{clusterPort}", "--seed-nodes", $"akka.tcp://qwenvl@127.0.0.1:{seedPort}",
             "--role", role, "--cluster-down-after", $"{downAfterSeconds}"], role);

    private static NodeProcess Start(string name, int? clusterPort, string[] clusterArgs, string role)
    {
        int httpPort = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "QwenVL.App.dll"), "serve", FixturePaths.TinyModel,
                     "--served-model-name", ModelName, "--host", "127.0.0.1", "--port", $"{httpPort}"])
            info.ArgumentList.Add(arg);
        if (role == "worker")
            foreach (var arg in (string[])["--device", "cpu", "--kv-cache-memory", "64MiB", "--max-model-len", "2048"]) info.ArgumentList.Add(arg);
        else
            foreach (var arg in (string[])["--max-model-len", "2048"]) info.ArgumentList.Add(arg);
        foreach (var arg in clusterArgs) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(name, httpPort, clusterPort, process);
        process.OutputDataReceived += (_, e) => { if (e.Data != null) node._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) node._output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200 (for a frontend: until a replica serves).</summary>
    public async Task WaitUntilAsync(Func<HttpResponseMessage, Task<bool>>? ready = null, string path = "/health")
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await Client.GetAsync(path);
                if (response.IsSuccessStatusCode && (ready == null || await ready(response))) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not become ready within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>Ends the process at once, as a crash or a pulled cable would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
