namespace QwenVL.App.Cli;

/// <summary>-h or --help anywhere among a subcommand's arguments: its usage goes to stdout and nothing runs.</summary>
public static class HelpRequest
{
    /// <summary>Whether help was asked for, in which case <paramref name="usage"/> has been written.</summary>
    public static async Task<bool> AnsweredAsync(string[] args, TextWriter stdout, string usage)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        if (!args.Any(a => a is "-h" or "--help")) return false;
        await stdout.WriteLineAsync(usage);
        return true;
    }
}
