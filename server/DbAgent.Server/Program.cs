using DbAgent.Server.Cli;

namespace DbAgent.Server;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The language server reads its own arguments (the sample generator is dbagent-sample); everything else goes through
        // System.CommandLine (help, version, suggestions, parse errors).
        if (NativeCheck.For(args, AppContext.BaseDirectory, Environment.GetEnvironmentVariable(NativeCheck.SwitchVariable), NativeCheck.CanExec) is { } native)
            NativeCheck.Exec(native, args); // returns only if the native checker could not be started: then check runs here
        if (args.Length > 0 && args[0] == "lsp") return await LspCommand.RunAsync(args[1..]).ConfigureAwait(false);
        if (args.Length > 0 && args[0] == "advise") return await AdviseCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
        if (args is ["--version" or "-v" or "version"])
        {
            Console.WriteLine(ProductVersion.Current);
            return 0;
        }
        if (args.Length == 0)
        {
            await CommandLine.RunAsync(["--help"], Console.Error, Console.Error).ConfigureAwait(false);
            return CheckCommand.ExitUsage;
        }
        return await CommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
    }
}
