return FastGlmm.Cli.CliApp.Run(args, Console.Out, Console.Error);
