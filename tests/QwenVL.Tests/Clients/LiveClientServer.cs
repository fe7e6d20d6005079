using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using OpenAI;
using OpenAI.Chat;
using QwenVL.App.Composition;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Http;
using Xunit;

namespace QwenVL.Tests.Clients;

/// <summary>
/// The whole server (edge, actors, CPU executor) on loopback with the tiny fixture, shared by a class of client tests,
/// and official clients pointed at it whose HTTP exchanges are recorded.
/// </summary>
public sealed class LiveClientServer : IAsyncLifetime
{
    private LoadedModel? _model;
    private EdgeServer? _server;

    public EdgeServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _model = LoadedModel.Open(FixturePaths.TinyModel, maxModelLength: 2048);
        _server = await EdgeServer.StartLiveAsync(_model, o => o with { KvCacheMemoryBytes = 8L << 20, MaxModelLen = 2048 });
    }

    public async Task DisposeAsync()
    {
        if (_server != null) await _server.DisposeAsync();
        _model?.Dispose();
    }

    /// <summary>The OpenAI .NET SDK's chat client for the served model; its requests and statuses land in <paramref name="exchanges"/>.</summary>
    public ChatClient ChatClient(ConcurrentQueue<RecordedExchange> exchanges)
    {
        var http = new HttpClient(new RecordingHandler(exchanges)) { Timeout = TimeSpan.FromMinutes(2) };
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.Client.BaseAddress!, "/v1"),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(0),
        };
        return new ChatClient(EdgeFixtures.ModelName, new ApiKeyCredential("unused"), options);
    }
}

/// <summary>One request the client sent and the status it got.</summary>
public sealed record RecordedExchange(string RequestBody, int Status);

/// <summary>Records each request body and response status on its way through.</summary>
public sealed class RecordingHandler(ConcurrentQueue<RecordedExchange> exchanges) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        exchanges.Enqueue(new RecordedExchange(body, (int)response.StatusCode));
        return response;
    }
}
