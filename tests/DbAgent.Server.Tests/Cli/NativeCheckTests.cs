using System.Diagnostics;
using DbAgent.Server.Cli;

namespace DbAgent.Server.Tests.Cli;

/// <summary>
/// `dbagent check` hands its runs without a connection to dbagent-check, the check compiled ahead of time, when one
/// is shipped beside it (issue 14: check's peak memory). The real-VS-Code suite runs the shipped pair on the sample
/// workspace and compares their reports; here, which runs are handed over and that the hand-over keeps the arguments,
/// the streams and the exit code.
/// </summary>
[TestFixture]
public sealed class NativeCheckTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-native-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Native()
    {
        var path = Path.Combine(_dir, NativeCheck.ExecutableName);
        File.WriteAllText(path, "");
        return path;
    }

    [Test]
    public void A_check_without_a_connection_goes_to_the_native_checker_beside_dbagent()
    {
        var native = Native();
        Assert.That(NativeCheck.For(["check", "migrations", "--format", "sarif"], _dir, switchValue: null, canExec: true), Is.EqualTo(native));
    }

    [Test]
    public void Runs_that_need_dbagent_itself_stay_in_dbagent()
    {
        Native();
        Assert.Multiple(() =>
        {
            Assert.That(NativeCheck.For(["check", "m.sql", "--connection", "shop"], _dir, null, true), Is.Null, "plans need the providers");
            Assert.That(NativeCheck.For(["check", "m.sql", "--connection=shop"], _dir, null, true), Is.Null, "plans need the providers");
            Assert.That(NativeCheck.For(["lsp"], _dir, null, true), Is.Null, "the language server");
            Assert.That(NativeCheck.For(["advise", "--workload", "w.sql"], _dir, null, true), Is.Null, "the advisor");
            Assert.That(NativeCheck.For([], _dir, null, true), Is.Null, "no command");
            Assert.That(NativeCheck.For(["check", "m.sql"], _dir, switchValue: "0", canExec: true), Is.Null, "DBAGENT_NATIVE_CHECK=0");
            Assert.That(NativeCheck.For(["check", "m.sql"], _dir, null, canExec: false), Is.Null, "no execv (Windows)");
        });
    }

    [Test]
    public void Without_a_native_checker_check_runs_in_dbagent()
    {
        Assert.That(NativeCheck.For(["check", "m.sql"], _dir, null, true), Is.Null);
    }

    /// <summary>
    /// The real hand-over: a copy of the dbagent build with a stand-in dbagent-check that prints what it was given.
    /// dbagent replaces itself with it (execv): its output and exit code are the run's.
    /// </summary>
    [Test]
    public async Task Dbagent_replaces_itself_with_the_native_checker_keeping_arguments_streams_and_exit_code()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("execv is Linux and macOS only; on Windows check runs in dbagent.");
            return;
        }
        var build = Path.GetDirectoryName(ServerBuild())!;
        foreach (var file in Directory.GetFiles(build)) File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        var native = Path.Combine(_dir, NativeCheck.ExecutableName);
        File.WriteAllText(native, "#!/bin/sh\necho \"native pid $$: $*\"\necho \"native stderr\" >&2\nexit 7\n");
        File.SetUnixFileMode(native, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var sql = Path.Combine(_dir, "m.sql");
        File.WriteAllText(sql, "DELETE FROM orders;\n");

        var (code, output, error, pid) = await Run(Path.Combine(_dir, "dbagent.dll"), null, "check", sql, "--format", "json");
        Assert.That(code, Is.EqualTo(7), output + error);
        Assert.That(output.Trim(), Is.EqualTo($"native pid {pid}: check {sql} --format json"), "one process: the same pid, the same arguments");
        Assert.That(error.Trim(), Is.EqualTo("native stderr"));

        // DBAGENT_NATIVE_CHECK=0 keeps the run in dbagent, which reports the finding itself.
        var (managedCode, managedOutput, _, _) = await Run(Path.Combine(_dir, "dbagent.dll"), "0", "check", sql, "--format", "json");
        Assert.That(managedCode, Is.EqualTo(CheckCommand.ExitFindings));
        Assert.That(managedOutput, Does.Contain("delete-without-where"));
    }

    private static string ServerBuild()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "dbagent.dll");
        Assert.That(File.Exists(dll), Is.True, $"the server build output is missing: {dll}");
        // The server's own build folder holds dbagent.dll with exactly its dependencies (the test folder holds the tests' too).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "server", "DbAgent.Server", "bin", configuration, "net10.0", "dbagent.dll");
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail($"no server build for {configuration} above {AppContext.BaseDirectory}");
        return "";
    }

    private static async Task<(int Code, string Out, string Err, int Pid)> Run(string dll, string? nativeSwitch, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        if (nativeSwitch is null) info.Environment.Remove(NativeCheck.SwitchVariable);
        else info.Environment[NativeCheck.SwitchVariable] = nativeSwitch;
        using var process = Process.Start(info)!;
        var pid = process.Id;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr, pid);
    }
}
