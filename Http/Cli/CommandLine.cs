namespace QwenVL.Http.Cli;

/// <summary>The `qwenvl` command: picks the subcommand.</summary>
public static class CommandLine
{
    public const string Usage = """
        usage: qwenvl <command> [options]

        commands:
          generate --model DIR --request FILE|-   run one chat.completions request body to completion and
                                                  print the chat.completion response (JSON) on stdout
                   [--max-model-len N] [--block-size N] [--kv-cache-mib N]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "generate" => await GenerateCommand.RunAsync(CliOptions.Parse(args[1..]), Console.In, Console.Out),
                _ => throw new CliException($"unknown command '{args[0]}'\n{Usage}"),
            };
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"qwenvl: {e.Message}");
            return 2;
        }
    }
}
