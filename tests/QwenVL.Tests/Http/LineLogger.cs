using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace QwenVL.Tests.Http;

/// <summary>A logger that keeps each formatted message as a line, for tests that check what was logged.</summary>
public sealed class LineLogger(ConcurrentQueue<string> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue(formatter(state, exception));
}

/// <summary>Gives every category a <see cref="LineLogger"/> over the same lines.</summary>
public sealed class LineLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(lines);

    public void Dispose()
    {
    }
}
