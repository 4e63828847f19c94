using System.CommandLine;

namespace DbAgent.Server.Cli;

/// <summary>
/// The `dbagent` command line on System.CommandLine: help, version, suggestions (`dbagent [suggest] ...`) and parse
/// errors for every command. Usage errors exit 2, as `check` documents.
/// </summary>
public static class CommandLine
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(CheckCommandLine.Description);
        root.Add(CheckCommand.Create(() => output, () => error, ProviderDatabases.Instance));

        // lsp and advise keep their own argument handling (the sample generator is dbagent-sample); they are listed here for help and suggestions.
        var rest = new Argument<string[]>("ARGS") { Arity = ArgumentArity.ZeroOrMore, Description = "passed to the command" };
        var lsp = new Command("lsp", "Run the language server over stdio (what the VS Code extension starts).") { rest };
        lsp.TreatUnmatchedTokensAsErrors = false;
        lsp.SetAction(result => LspCommand.RunAsync(Rest(result, rest)));
        root.Add(lsp);
        var advise = new Command("advise", "The workload index advisor: what-if costs, chosen indexes, drops, a reversible migration (see `dbagent advise --help`).") { rest };
        advise.TreatUnmatchedTokensAsErrors = false;
        advise.SetAction((result, cancellationToken) => AdviseCommand.RunAsync(Rest(result, rest), output, error, cancellationToken));
        root.Add(advise);
        return root;
    }

    private static string[] Rest(ParseResult result, Argument<string[]> rest) =>
        [.. result.GetValue(rest) ?? [], .. result.UnmatchedTokens];

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        CheckCommandLine.RunAsync(Create(output, error), args, output, error, cancellationToken);
}
