using System.Diagnostics;
using DbAgent.Server.Tests.Robustness;

namespace DbAgent.Server.Tests.Cli;

/// <summary>`dbagent check` never blocks on a path and never passes over one in silence (issue 12).</summary>
[TestFixture]
public sealed class CheckInputsTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("FIFOs and symbolic links as used here are Unix features.");
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-inputs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string MakeFifo(string name)
    {
        var path = Path.Combine(_dir, name);
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.EqualTo(0), "mkfifo");
        return path;
    }

    [Test]
    public async Task A_fifo_is_refused_without_blocking()
    {
        var fifo = MakeFifo("pipe.sql");
        var (code, _, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(30), "check", fifo);
        Assert.That(code, Is.Not.Null, "dbagent check blocked on a FIFO");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("pipe.sql: not checked: not a regular file"));
    }

    [Test]
    public async Task A_fifo_inside_a_folder_is_refused_and_the_other_files_are_checked()
    {
        MakeFifo("pipe.sql");
        File.WriteAllText(Path.Combine(_dir, "ok.sql"), "DELETE FROM t;\n");
        var (code, output, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(30), "check", _dir);
        Assert.That(code, Is.Not.Null, "dbagent check blocked on a FIFO in a folder");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("delete-without-where"));
        Assert.That(error, Does.Contain("not a regular file"));
    }

    [Test]
    public async Task A_dangling_symbolic_link_is_named_and_the_exit_code_says_so()
    {
        File.WriteAllText(Path.Combine(_dir, "ok.sql"), "SELECT 1;\n");
        File.CreateSymbolicLink(Path.Combine(_dir, "gone.sql"), Path.Combine(_dir, "missing.sql"));
        var (code, _, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(30), "check", _dir);
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("gone.sql: not checked: dangling symbolic link"));

        var (alone, _, aloneError) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(30), "check", Path.Combine(_dir, "gone.sql"));
        Assert.That(alone, Is.EqualTo(1), aloneError);
        Assert.That(aloneError, Does.Contain("dangling symbolic link"));
    }

    [Test]
    public async Task An_unreadable_file_is_named_and_the_exit_code_is_not_zero()
    {
        var path = Path.Combine(_dir, "secret.sql");
        File.WriteAllText(path, "SELECT 1;\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        if (Environment.UserName == "root" || IsReadable(path))
            Assert.Ignore("running as root: every file is readable, so an unreadable file cannot be made here.");
        var (code, _, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(30), "check", _dir);
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("secret.sql: not checked: could not be read"));
    }

    private static bool IsReadable(string path)
    {
        try { File.ReadAllBytes(path); return true; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
