using System.Diagnostics;

namespace DbAgent.Benchmarks;

internal static class Measure
{
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of an already sorted list.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return $"{process.PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB";
    }

    public static string? Corpora()
    {
        var corpora = DbAgent.Sql.Tests.Corpus.CorpusLocator.Find();
        if (corpora is null) Console.Error.WriteLine(DbAgent.Sql.Tests.Corpus.CorpusLocator.MissingReason);
        return corpora;
    }

    public static void Environment()
    {
        Console.WriteLine($"runtime {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Environment.ProcessorCount} cores, "
            + $"{(Debugger.IsAttached ? "debugger attached, " : "")}configuration {Configuration}");
        Load();
    }

    /// <summary>The machine's load average (1, 5, 15 minutes): figures taken on a busy machine say so.</summary>
    public static void Load()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            Console.WriteLine($"load average {parts[0]}, {parts[1]}, {parts[2]}");
        }
        catch (IOException)
        {
        }
    }

#if DEBUG
    private const string Configuration = "Debug (figures are not representative: use -c Release)";
#else
    private const string Configuration = "Release";
#endif
}
