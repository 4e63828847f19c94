using System.Runtime.InteropServices;

namespace DbAgent.Server.Cli;

/// <summary>
/// `dbagent check` without a database runs in <c>dbagent-check</c> when the build ships one beside `dbagent`: the same
/// check command (<see cref="CheckCommand"/>, <see cref="CheckCommandLine.CreateNativeCheck"/>) compiled ahead of time
/// (Native AOT), with no JIT and no database providers. It starts at once and its peak memory is about 60% of the
/// managed check's (46.5 against 76.4 MiB on postgres-regress), which is what a CI job that runs on every push pays for. `dbagent` replaces itself with it (execv: one
/// process, the same pid, arguments, streams and exit code). A run with <c>--connection</c> stays here, where the
/// providers are; so does every run on Windows, and every run with <c>DBAGENT_NATIVE_CHECK=0</c>.
/// </summary>
internal static partial class NativeCheck
{
    public const string ExecutableName = "dbagent-check";

    /// <summary>Set to 0 to keep `check` in the managed `dbagent` (to compare the two, or to debug).</summary>
    public const string SwitchVariable = "DBAGENT_NATIVE_CHECK";

    /// <summary>The native checker to hand these arguments to, or null when `dbagent` runs them itself.</summary>
    public static string? For(string[] args, string baseDirectory, string? switchValue, bool canExec)
    {
        if (!canExec || switchValue == "0" || args.Length == 0 || args[0] != "check") return null;
        if (args.Any(a => a == "--connection" || a.StartsWith("--connection=", StringComparison.Ordinal))) return null;
        var path = Path.Combine(baseDirectory, ExecutableName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Replaces this process with the native checker; returns only when that could not be done.</summary>
    public static void Exec(string path, string[] args)
    {
        // Help and errors name `dbagent` whatever argv[0] says (System.CommandLine's executable name is compiled in).
        var argv = new string?[args.Length + 2];
        argv[0] = path;
        args.CopyTo(argv, 1);
        argv[^1] = null;
        Console.Out.Flush();
        Console.Error.Flush();
        try
        {
            _ = Execv(path, argv); // returns -1 when the file cannot be executed (permissions, a wrong platform)
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc execv where we expected one: the check runs here.
        }
    }

    public static bool CanExec => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, string?[] argv);
}
