using Microsoft.Extensions.Logging;

namespace QwenVL.Actors;

internal static partial class StatusLogMessages
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Status(ILogger logger, string line);
}
