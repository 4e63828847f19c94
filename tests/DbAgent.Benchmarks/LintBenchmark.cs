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
        var dbagent = Path.Combine(repo, "server", "DbAgent.Server", "bin", "Release", "net10.0", "dbagent.dll");
        if (!File.Exists(dbagent)) { Console.Error.WriteLine($"{dbagent} missing: dotnet build -c Release server/DbAgent.Server"); return 2; }
        // squawk-cli is not a devDependency: its optional packages for other platforms are not all served by our
        // registry, which breaks `npm ci`. Install it for the benchmark: `npm install --no-save squawk-cli`.
        var squawkDir = Path.Combine(repo, "node_modules", "@squawk-cli");
        var squawk = Directory.Exists(squawkDir)
            ? Directory.GetFiles(squawkDir, "squawk*", SearchOption.AllDirectories).FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == "squawk")
            : null;
        if (squawk is null) { Console.Error.WriteLine("squawk not installed: run `npm install --no-save squawk-cli` first"); return 2; }
        if (!File.Exists("/usr/bin/time")) { Console.Error.WriteLine("GNU time (/usr/bin/time) is needed to read peak memory"); return 2; }
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 3;

        var config = Path.Combine(Path.GetTempPath(), $"dbagent-bench-{Environment.ProcessId}.json");
        File.WriteAllText(config, """{ "rules": { "select-star": "hint" } }""");
        var files = Directory.GetFiles(corpus, "*.sql").Order(StringComparer.Ordinal).ToArray();
        Measure.Environment();
        Console.WriteLine($"corpus: {files.Length} files of {corpus}; dbagent with all {DbAgent.Analysis.Rules.RuleCatalog.All.Count} rules, squawk {Version(squawk)} with its defaults; best of {runs} runs each, interleaved");
        var ours = new List<(double Wall, long PeakKb)>();
        var theirs = new List<(double Wall, long PeakKb)>();
        try
        {
            for (var i = 0; i < runs; i++)
            {
                ours.Add(Time("dotnet", [dbagent, "check", "--dialect", "postgres", "--config", config, corpus]));
                theirs.Add(Time(squawk, files));
            }
        }
        finally
        {
            File.Delete(config);
        }
        var (ow, om) = (ours.Min(r => r.Wall), ours.Min(r => r.PeakKb));
        var (tw, tm) = (theirs.Min(r => r.Wall), theirs.Min(r => r.PeakKb));
        Console.WriteLine($"{"tool",-10} {"wall s",8} {"peak MiB",9}");
        Console.WriteLine($"{"dbagent",-10} {ow,8:F2} {om / 1024.0,9:F1}");
        Console.WriteLine($"{"squawk",-10} {tw,8:F2} {tm / 1024.0,9:F1}");
        Console.WriteLine($"ratio: wall {ow / tw:F2}x (target <= 1), memory {om / (double)tm:F2}x (target <= 2)");
        return 0;
    }

    private static (double Wall, long PeakKb) Time(string command, string[] arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("BENCH %e %M");
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
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

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

    [GeneratedRegex(@"BENCH ([0-9.]+) ([0-9]+)")]
    private static partial Regex TimeLine();
}
