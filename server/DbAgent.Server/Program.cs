using DbAgent.Server.Cli;
using DbAgent.Server.Features.Lifecycle;

namespace DbAgent.Server;

public static class Program
{
    public const string Usage = """
        usage: dbagent <command> [options]

          lsp                      run the language server over stdio
          check PATH... [--dialect postgres|mysql|tsql|sqlite] [--connection NAME|URL|CONNECTION-STRING] [--format text|json]
                                   analyse .sql files and folders; exit 0 when clean, 1 on error-level findings, 2 on usage errors
          advise [--workload PATH]... [--from-stats] [--connection ...] [--budget 500MB|25%] [--format text|json|sarif] [--migrations DIR]
                                   the workload index advisor: what-if costs, chosen indexes, drops, a reversible migration
          sample ...               generate the sample shop databases (see `dbagent sample --help`)
          --version                print the version
          --help                   print this help
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var rest = args[1..];
        switch (args[0])
        {
            case "lsp":
                return await LspCommand.RunAsync(rest).ConfigureAwait(false);
            case "check":
                return await CheckCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case "advise":
                return await AdviseCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case "sample":
                return SampleCommand.Run(rest);
            case "--version" or "-v" or "version":
                Console.WriteLine(InitializeHandler.Version);
                return 0;
            case "--help" or "-h" or "help":
                Console.WriteLine(Usage);
                return 0;
            default:
                Console.Error.WriteLine($"dbagent: unknown command '{args[0]}'.");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
