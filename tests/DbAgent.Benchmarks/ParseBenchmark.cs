using System.Diagnostics;
using System.Text;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Benchmarks;

/// <summary>
/// Parse throughput over the whole PostgreSQL regression corpus: our front end (lex + split + parse + bind, i.e.
/// <see cref="SqlScript.Parse(string, SqlDialect)"/>) per file, beside libpg_query's pg_query_parse (which builds its
/// JSON parse tree) per statement on the same bytes, in the same run. Warm-up, then the median of several iterations.
/// </summary>
internal static class ParseBenchmark
{
    public static int Run(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 7;
        if (Measure.Corpora() is not { } corpora) return 1;
        Measure.Environment();
        var files = Directory.GetFiles(Path.Combine(corpora, "postgres-regress"), "*.sql").OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllText).ToList();
        var bytes = files.Sum(f => (long)Encoding.UTF8.GetByteCount(f));
        var megabytes = bytes / 1_000_000.0;

        // libpg_query stops at the first error of a text, and this corpus has statements that fail on purpose: give it
        // one statement at a time, split (untimed) by our splitter, so that it reads every byte we read.
        var statements = new List<byte[]>();
        foreach (var text in files)
        {
            var tokens = SqlLexer.Lex(text, SqlDialect.Postgres);
            foreach (var slice in StatementSplitter.Split(text, tokens, SqlDialect.Postgres))
                statements.Add(LibPgQuery.ToNullTerminatedUtf8(text.Substring(slice.Span.Start, slice.Span.Length)));
        }
        var statementBytes = statements.Sum(s => (long)s.Length - 1);

        Console.WriteLine($"corpus: postgres-regress, {files.Count} files, {megabytes:F2} MB of UTF-8 ({statements.Count} statements, {statementBytes / 1_000_000.0:F2} MB of statement text)");
        var ours = Time("dbagent SqlScript.Parse (lex + split + parse + bind)", iterations, () =>
        {
            var count = 0;
            foreach (var text in files) count += SqlScript.Parse(text, SqlDialect.Postgres).Statements.Count;
            return count;
        });
        var oursMbs = megabytes / ours;
        Console.WriteLine($"  dbagent     median {ours * 1000,8:F1} ms  {oursMbs,8:F2} MB/s");

        if (!LibPgQuery.IsAvailable)
        {
            Console.WriteLine($"  libpg_query not available: {LibPgQuery.UnavailableReason}");
        }
        else
        {
            var theirs = Time("libpg_query pg_query_parse (JSON) per statement", iterations, () =>
            {
                var accepted = 0;
                foreach (var s in statements) if (LibPgQuery.Accepts(s)) accepted++;
                return accepted;
            });
            // Measured over the statement bytes it was given (comments between statements are not sent to it).
            var theirsMbs = statementBytes / 1_000_000.0 / theirs;
            Console.WriteLine($"  libpg_query median {theirs * 1000,8:F1} ms  {theirsMbs,8:F2} MB/s");
            Console.WriteLine($"  ratio dbagent / libpg_query: {oursMbs / theirsMbs:F1}x (target >= 5x)");
        }
        Console.WriteLine($"peak working set {Measure.PeakWorkingSet()}");
        return 0;
    }

    /// <summary>Median seconds per iteration after two warm-up runs.</summary>
    private static double Time(string what, int iterations, Func<int> run)
    {
        var check = run();
        run();
        var samples = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = run();
            samples.Add(stopwatch.Elapsed.TotalSeconds);
            if (result != check) throw new InvalidOperationException($"{what}: result changed between runs ({check} then {result})");
        }
        Console.WriteLine($"{what}: {iterations} iterations, min {samples.Min() * 1000:F1} ms, max {samples.Max() * 1000:F1} ms (result {check})");
        return Measure.Median(samples);
    }
}
