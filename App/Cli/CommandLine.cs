namespace QwenVL.App.Cli;

/// <summary>The `qwenvl` command: picks the subcommand; bad input exits with 2 and the reason on stderr.</summary>
public static class CommandLine
{
    public const string Usage = """
        usage: qwenvl <command> [options]

        commands:
          serve MODEL [options]                   serve the model over an OpenAI-compatible HTTP API, as
                                                  `vllm serve` does (qwenvl serve --help lists the options)
          generate --model MODEL --request FILE|- run one chat.completions request body to completion and
                                                  print the chat.completion response (JSON) on stdout
                   [--max-model-len N] [--block-size N] [--kv-cache-mib N] [image options]
                   [--revision REV] [--hf-token TOKEN] [--download-dir DIR]
          bench serve --url URL [options]         benchmark a running OpenAI-compatible server: TTFT, TPOT, ITL,
                                                  throughput (qwenvl bench serve --help lists the options)
          bench --model MODEL [--workload single_image|batch_image|batch_text|all] [--json OUT]
                                                  run hf_baseline.py's workloads through the serving stack in this
                                                  process and print the JSON report on stdout (qwenvl bench --help)
          bench profile --model MODEL --out FILE [--device auto|cpu|cuda] [--quick] [--max-model-len N]
                                                  time synthetic steps on the executor and fit the step cost
                                                  model simulations use (qwenvl bench profile --help)

          simulate --profile P --workload W --model DIR
                                                  a workload through the real actors over a simulated executor on
                                                  virtual time (qwenvl simulate --help)

        MODEL is a model directory or a Hugging Face Hub repo id (Qwen/Qwen2-VL-2B-Instruct), downloaded into
        the Hugging Face cache when missing (see qwenvl serve --help).

        image options:
          --allowed-local-media-path DIR  requests may read image files under DIR (file:// URLs or absolute
                                          paths); without it local files are refused
          --limit-mm-per-prompt JSON      at most N images in one request, written {"image": N}; no limit by default
          --disable-remote-media          turns off fetching http:// and https:// image URLs (data: URLs and
                                          allowed local files still work)
          --min-pixels N, --max-pixels N  the server's pixel bounds for one image (default: the model's
                                          preprocessor_config.json); bounds a request sets are clamped into them
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "generate" => await GenerateCommand.RunAsync(CliOptions.Parse(args[1..]), stdin, stdout),
                "serve" => await ServeCommand.RunAsync(args[1..], stdout),
                "bench" when args.Length > 1 && args[1] == "serve" => await BenchServeCommand.RunAsync(args[2..], stdout, stderr),
                "bench" when args.Length > 1 && args[1] == "profile" => await ProfileCommand.RunAsync(args[2..], stdout, stderr),
                "bench" => await BenchCommand.RunAsync(args[1..], stdout, stderr),
                "simulate" => await SimulateCommand.RunAsync(args[1..], stdout),
                _ => throw new CliException($"unknown command '{args[0]}'\n{Usage}"),
            };
        }
        catch (CliException e)
        {
            await stderr.WriteLineAsync($"qwenvl: {e.Message}");
            return 2;
        }
    }
}
