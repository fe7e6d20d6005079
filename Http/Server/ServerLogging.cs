using Microsoft.Extensions.Logging.Console;

namespace QwenVL.Http.Server;

/// <summary>
/// The server's console logging: one line per entry in vLLM's layout (<see cref="ServerLogFormatter"/>); our own lines at
/// Information, the framework's only from Warning (its start-up lines are replaced by StartupLog's).
/// </summary>
public static class ServerLogging
{
    public static void Configure(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddConsole(o => o.FormatterName = ServerLogFormatter.FormatterName);
        logging.AddConsoleFormatter<ServerLogFormatter, ConsoleFormatterOptions>();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
    }

    /// <summary>As <see cref="Configure"/>, with every line on standard error: for commands whose standard output is their result.</summary>
    public static void ConfigureStandardError(ILoggingBuilder logging)
    {
        Configure(logging);
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
