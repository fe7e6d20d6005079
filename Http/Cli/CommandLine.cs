namespace QwenVL.Http.Cli;

public static class CommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: qwenvl generate --model DIR --request FILE|-");
        return Task.FromResult(args.Length == 0 ? 2 : 0);
    }
}
