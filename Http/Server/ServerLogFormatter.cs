using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace QwenVL.Http.Server;

/// <summary>
/// Console lines in vLLM's layout, <c>INFO 11-26 18:26:57 [Server] Application startup complete.</c>: level, time,
/// the logger's short name, the message, and an exception's text on the lines after.
/// </summary>
public sealed class ServerLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "qwenvl";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message == null && logEntry.Exception == null) return;
        var category = logEntry.Category;
        var shortName = category[(category.LastIndexOf('.') + 1)..];
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(DateTime.Now.ToString("MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(" [");
        textWriter.Write(shortName);
        textWriter.Write("] ");
        textWriter.WriteLine(message);
        if (logEntry.Exception != null) textWriter.WriteLine(logEntry.Exception.ToString());
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
