using System.Diagnostics;

namespace DbAgent.Server.Tests.Robustness;

/// <summary>
/// The real `dbagent` executable as a child process: an input that overflows a native stack ends the process, so
/// such inputs are tried on a child, never inside the test host.
/// </summary>
internal static class ServerProcess
{
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "dbagent.dll");

    public static Process Start(params string[] args)
    {
        Assert.That(File.Exists(ServerDll), Is.True, $"the server build output is missing: {ServerDll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs to the end (or kills it after <paramref name="timeout"/>); returns exit code (null: killed), stdout and stderr.</summary>
    public static async Task<(int? Code, string Out, string Err)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (null, await stdout, await stderr);
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
