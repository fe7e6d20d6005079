return await QwenVL.App.Cli.CommandLine.RunAsync(args);
