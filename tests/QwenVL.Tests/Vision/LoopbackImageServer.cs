using System.Net;
using System.Net.Sockets;
using System.Text;

namespace QwenVL.Tests.Vision;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 at a free port, for fetch tests. Each route writes a whole response on
/// its connection, which is then closed; an unknown path gets a 404. Dispose stops accepting, cancels every route
/// still running (slow ones wait on that token) and waits for them, so no test leaves a listener behind.
/// </summary>
public sealed class LoopbackImageServer : IAsyncDisposable
{
    public delegate Task Route(Stream connection, CancellationToken stopping);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IReadOnlyDictionary<string, Route> _routes;
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;

    public LoopbackImageServer(IReadOnlyDictionary<string, Route> routes)
    {
        _routes = routes;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

    /// <summary>A complete response; without <paramref name="declareLength"/> the body ends when the connection closes.</summary>
    public static Route Respond(int status, string reason, byte[] body, bool declareLength = true, string? location = null) =>
        async (connection, stopping) =>
        {
            var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n");
            if (declareLength) head.Append($"Content-Length: {body.Length}\r\n");
            if (location != null) head.Append($"Location: {location}\r\n");
            head.Append("\r\n");
            await connection.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), stopping);
            await connection.WriteAsync(body, stopping);
        };

    /// <summary>Sends <paramref name="head"/> (status line and headers, or nothing) and then waits until the server stops.</summary>
    public static Route Stall(string head = "") =>
        async (connection, stopping) =>
        {
            if (head.Length > 0) await connection.WriteAsync(Encoding.ASCII.GetBytes(head), stopping);
            await connection.FlushAsync(stopping);
            await Task.Delay(Timeout.Infinite, stopping);
        };

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_connections) _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var connection = client.GetStream();
                var path = await ReadRequestPathAsync(connection, _stopping.Token);
                var route = _routes.GetValueOrDefault(path) ?? Respond(404, "Not Found", "no such image"u8.ToArray());
                await route(connection, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The client gave up (timeout, size cap) or the server is stopping: nothing to answer.
            }
        }
    }

    /// <summary>Reads the request head up to its blank line and returns the path of "GET /path HTTP/1.1".</summary>
    private static async Task<string> ReadRequestPathAsync(Stream connection, CancellationToken stopping)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await connection.ReadAsync(one, stopping) == 0) throw new IOException("connection closed inside the request head");
            head.Add(one[0]);
        }
        var requestLine = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")[0];
        return requestLine.Split(' ')[1];
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stopping.Dispose();
    }
}
