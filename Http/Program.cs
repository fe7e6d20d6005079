return await QwenVL.Http.Cli.CommandLine.RunAsync(args);
