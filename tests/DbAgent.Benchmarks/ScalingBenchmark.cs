using System.Diagnostics;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Benchmarks;

/// <summary>
/// Parse time against input size on pathological inputs (a long run of one unit: open parentheses, quotes, NOT, casts,
/// control bytes, a repeated statement): four times the input should cost about four times the time, where a quadratic
/// path costs sixteen. Each size is timed five times, interleaved, and the best of each is compared; a ratio above 8x
/// is flagged and the run exits 1. Moved here from a timed unit test, which a loaded machine could fail.
/// Run: `dotnet run -c Release --project tests/DbAgent.Benchmarks -- scaling`.
/// </summary>
internal static class ScalingBenchmark
{
    private static readonly (string Unit, int Count)[] Inputs =
    [
        ("SELECT a, b FROM t JOIN u ON u.id = t.id WHERE t.x = 'y;' AND t.z IN (1, 2);\n", 20_000),
        ("(", 200_000),
        ("'", 50_000),
        ("NOT ", 100_000),
        ("x::int", 100_000),
        ("\u0001\u00ff", 200_000),
    ];

    public static int Run()
    {
        Measure.Environment();
        Console.WriteLine($"{"input",-22} {"units",9} {"ms",9} {"4x units",9} {"ms",9} {"ratio",7}");
        var worst = 0.0;
        foreach (var (unit, count) in Inputs)
        {
            string Build(int n) => string.Concat(Enumerable.Repeat(unit, n));
            SqlScript.Parse(Build(count / 10), SqlDialect.Postgres); // warm up
            var small = Build(count / 2);
            var large = Build(count * 2);
            double bestSmall = double.MaxValue, bestLarge = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                bestSmall = Math.Min(bestSmall, Time(() => SqlScript.Parse(small, SqlDialect.Postgres)));
                bestLarge = Math.Min(bestLarge, Time(() => SqlScript.Parse(large, SqlDialect.Postgres)));
            }
            var ratio = bestLarge / Math.Max(bestSmall, 0.001);
            worst = Math.Max(worst, ratio);
            var name = unit.Length > 20 ? unit[..17] + "..." : unit;
            Console.WriteLine($"{Printable(name),-22} {count / 2,9} {bestSmall,9:F1} {count * 2,9} {bestLarge,9:F1} {ratio,6:F1}x{(ratio > 8 ? "  NOT LINEAR" : "")}");
        }
        Console.WriteLine($"worst ratio {worst:F1}x (linear about 4x, quadratic 16x; flagged above 8x)");
        return worst > 8 ? 1 : 0;
    }

    private static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));

    private static double Time(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }
}
