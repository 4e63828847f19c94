using System.CommandLine;

namespace DbAgent.Server.Cli;

/// <summary>
/// Parsing and running a `dbagent` command line on System.CommandLine: usage errors said the way the rest of dbagent
/// says them, exit 2. The full command line (check, lsp, advise) is <c>CommandLine</c> in the server; the native
/// checker's (check alone) is <see cref="CreateNativeCheck"/>.
/// </summary>
public static class CheckCommandLine
{
    public static string Description => $"DbAgent {ProductVersion.Current}: the database expert behind the VS Code extension.";

    /// <summary>
    /// The command line of <c>dbagent-check</c>, the check command compiled ahead of time (see the server's
    /// <c>NativeCheck</c>): the same `check`, without the database providers, the language server or the advisor.
    /// </summary>
    public static RootCommand CreateNativeCheck(TextWriter output, TextWriter error) =>
        new(Description) { CheckCommand.Create(() => output, () => error, databases: null) };

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command is RootCommand ? "dbagent" : "dbagent " + command.Name;
            foreach (var e in parsed.Errors)
                await error.WriteLineAsync($"{name}: {Explain(e.Message)}").ConfigureAwait(false);
            await error.WriteLineAsync($"Run `{name} --help` for the options.").ConfigureAwait(false);
            return CheckCommand.ExitUsage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>System.CommandLine's "Unrecognized command or argument 'x'." said the way the rest of dbagent says it.</summary>
    private static string Explain(string message) =>
        message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
            ? "unknown option or command " + message[(message.IndexOf('\'') is var q and >= 0 ? q : 0)..].TrimEnd('.') + "."
            : message;
}
