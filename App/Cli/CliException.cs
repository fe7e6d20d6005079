namespace QwenVL.App.Cli;

/// <summary>Bad command-line input or a request that cannot run; printed without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
