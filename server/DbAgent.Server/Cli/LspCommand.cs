using DbAgent.Server.Host;

namespace DbAgent.Server.Cli;

/// <summary>`dbagent lsp`: the language server over stdio. Stdout carries the protocol; nothing else may write there.</summary>
public static class LspCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        foreach (var arg in args)
        {
            // vscode-languageclient adds --stdio (and sometimes --clientProcessId=N); stdio is the only transport.
            if (arg is "--stdio" || arg.StartsWith("--clientProcessId", StringComparison.Ordinal)) continue;
            await Console.Error.WriteLineAsync($"dbagent lsp: unknown option '{arg}' (the server speaks LSP over stdio).").ConfigureAwait(false);
            return 2;
        }
        // Anything written to Console.Out by accident would corrupt the protocol stream.
        var stdout = Console.OpenStandardOutput();
        var stdin = Console.OpenStandardInput();
        Console.SetOut(Console.Error);
        await using var host = new LanguageServerHost(stdout, stdin);
        var code = await host.RunAsync().ConfigureAwait(false);
        if (code != 0)
            await Console.Error.WriteLineAsync($"dbagent lsp: the connection ended without shutdown/exit{(host.DisconnectReason is { } why ? ": " + why : ".")}").ConfigureAwait(false);
        return code;
    }
}
