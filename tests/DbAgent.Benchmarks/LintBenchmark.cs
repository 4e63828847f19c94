using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DbAgent.Benchmarks;

/// <summary>
/// `dbagent check` with every rule on (select-star switched on too) beside squawk (npm squawk-cli) on the PostgreSQL
/// regression corpus, in the same run: wall time and peak memory of each process as GNU time reports them.
/// Targets: our wall time at most squawk's, our peak memory at most twice squawk's.
/// </summary>
internal static partial class LintBenchmark
{
    public static int Run(string[] args)
    {
        var repo = RepositoryRoot();
        var corpus = Path.GetFullPath(Path.Combine(repo, "..", "shared", "corpora", "postgres-regress"));
        if (!Directory.Exists(corpus)) corpus = Path.GetFullPath(Path.Combine(repo, "..", "..", "shared", "corpora", "postgres-regress"));
        if (!Directory.Exists(corpus)) { Console.Error.WriteLine("postgres-regress not found at ../shared/corpora"); return 2; }
        // What a user runs: the `dbagent` executable as the .vsix ships it (self-contained, ReadyToRun), published the
        // way extension/scripts/package.mjs does. Without it, the framework-dependent build through `dotnet`, said so.
        var published = Path.Combine(repo, "server", "DbAgent.Server", "bin", "Release", "net10.0", Rid(), "publish", OperatingSystem.IsWindows() ? "dbagent.exe" : "dbagent");
        var dll = Path.Combine(repo, "server", "DbAgent.Server", "bin", "Release", "net10.0", "dbagent.dll");
        var native = Path.Combine(Path.GetDirectoryName(published)!, "dbagent-check");
        var (dbagentCommand, dbagentPrefix, dbagentForm) = File.Exists(published)
            ? (published, Array.Empty<string>(), File.Exists(native)
                ? "published as the .vsix ships it: `dbagent check` hands the run to dbagent-check (Native AOT) beside it"
                : "published apphost, ReadyToRun, without dbagent-check beside it (published for another platform?)")
            : (File.Exists(dll) ? ("dotnet", new[] { dll }, "`dotnet dbagent.dll`, framework-dependent and not ReadyToRun: publish for the shipped form") : (null, [], ""));
        if (dbagentCommand is null)
        {
            Console.Error.WriteLine($"{published} missing: dotnet publish server/DbAgent.Server -c Release -r {Rid()} --self-contained -p:PublishReadyToRun=true");
            return 2;
        }
        // squawk-cli is not a devDependency: its optional packages for other platforms are not all served by our
        // registry, which breaks `npm ci`. Install it for the benchmark: `npm install --no-save squawk-cli`.
        var squawkDir = Path.Combine(repo, "node_modules", "@squawk-cli");
        var squawk = Directory.Exists(squawkDir)
            ? Directory.GetFiles(squawkDir, "squawk*", SearchOption.AllDirectories).FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == "squawk")
            : null;
        if (squawk is null) { Console.Error.WriteLine("squawk not installed: run `npm install --no-save squawk-cli` first"); return 2; }
        if (!File.Exists("/usr/bin/time")) { Console.Error.WriteLine("GNU time (/usr/bin/time) is needed to read peak memory"); return 2; }
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 3;

        // The config in a folder of its own: its folder is the project root where `check` looks for migrations.
        var configDir = Directory.CreateTempSubdirectory("dbagent-bench-");
        var config = Path.Combine(configDir.FullName, "dbagent.json");
        File.WriteAllText(config, """{ "rules": { "select-star": "hint" } }""");
        var files = Directory.GetFiles(corpus, "*.sql").Order(StringComparer.Ordinal).ToArray();
        Measure.Environment();
        Console.WriteLine($"corpus: {files.Length} files of {corpus}; dbagent with all {DbAgent.Analysis.Rules.RuleCatalog.All.Count} rules, squawk {Version(squawk)} with its defaults; best of {runs} runs each, interleaved");
        Console.WriteLine($"dbagent: {dbagentForm}");
        Console.WriteLine($"load average before: {LoadAverage()}");
        var ours = new List<Timing>();
        var managed = new List<Timing>();
        var theirs = new List<Timing>();
        string[] checkArgs = [.. dbagentPrefix, "check", "--dialect", "postgres", "--config", config, corpus];
        // The managed check (DBAGENT_NATIVE_CHECK=0: the run stays in the .NET runtime) beside the native one: the same
        // report, byte for byte, or the figures compare two different things.
        Dictionary<string, string?> managedOnly = new() { ["DBAGENT_NATIVE_CHECK"] = "0" };
        try
        {
            var same = Report(dbagentCommand, checkArgs, null) == Report(dbagentCommand, checkArgs, managedOnly);
            Console.WriteLine($"native and managed check reports identical: {(same ? "yes" : "NO")}");
            if (!same) return 1;
            for (var i = 0; i < runs; i++)
            {
                ours.Add(Time(dbagentCommand, checkArgs));
                managed.Add(Time(dbagentCommand, checkArgs, managedOnly));
                theirs.Add(Time(squawk, files));
            }
        }
        finally
        {
            configDir.Delete(recursive: true);
        }
        var (ow, oc, om) = (ours.Min(r => r.Wall), ours.Min(r => r.Cpu), ours.Min(r => r.PeakKb));
        var (tw, tc, tm) = (theirs.Min(r => r.Wall), theirs.Min(r => r.Cpu), theirs.Min(r => r.PeakKb));
        // CPU seconds (user + system) beside wall time: on a loaded machine they move less than wall time does.
        Console.WriteLine($"{"tool",-10} {"wall s",8} {"cpu s",8} {"peak MiB",9}");
        Console.WriteLine($"{"dbagent",-10} {ow,8:F2} {oc,8:F2} {om / 1024.0,9:F1}");
        Console.WriteLine($"{"(managed)",-10} {managed.Min(r => r.Wall),8:F2} {managed.Min(r => r.Cpu),8:F2} {managed.Min(r => r.PeakKb) / 1024.0,9:F1}   DBAGENT_NATIVE_CHECK=0: the same check in the .NET runtime");
        Console.WriteLine($"{"squawk",-10} {tw,8:F2} {tc,8:F2} {tm / 1024.0,9:F1}");
        Console.WriteLine($"ratio: wall {ow / tw:F2}x (target <= 1), cpu {oc / tc:F2}x, memory {om / (double)tm:F2}x (target <= 2)");
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private sealed record Timing(double Wall, double Cpu, long PeakKb);

    /// <summary>What the command writes to stdout (the findings), for comparing two forms of the same check.</summary>
    private static string Report(string command, string[] arguments, Dictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static Timing Time(string command, string[] arguments, Dictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in environment ?? []) info.Environment[k] = v;
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("BENCH %e %M %U %S");
        info.ArgumentList.Add(command);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        // The tools' reports are not needed, only drained so that neither process blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var match = TimeLine().Match(stderr);
        if (!match.Success) throw new InvalidOperationException($"{command} did not report its time: {stderr[^Math.Min(400, stderr.Length)..]}");
        return new Timing(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) + double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Rid() =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-"
        + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    private static string Version(string squawk)
    {
        using var p = Process.Start(new ProcessStartInfo(squawk, "--version") { RedirectStandardOutput = true })!;
        var v = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return v;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DbAgent.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    [GeneratedRegex(@"BENCH ([0-9.]+) ([0-9]+) ([0-9.]+) ([0-9.]+)")]
    private static partial Regex TimeLine();
}
