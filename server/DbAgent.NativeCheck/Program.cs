using DbAgent.Server.Cli;

namespace DbAgent.NativeCheck;

public static class Program
{
    /// <summary>The arguments `dbagent` was given, `check` first (see DbAgent.Server's Cli/NativeCheck.cs; the command itself is DbAgent.Check's).</summary>
    public static Task<int> Main(string[] args) =>
        CheckCommandLine.RunAsync(CheckCommandLine.CreateNativeCheck(Console.Out, Console.Error), args, Console.Out, Console.Error);
}
