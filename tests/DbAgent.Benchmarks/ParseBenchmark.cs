using System.Diagnostics;
using System.Text;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Benchmarks;

/// <summary>
/// Parse throughput over the whole PostgreSQL regression corpus: our front end (lex + split + parse, i.e.
/// <see cref="SqlScript.Parse(string, SqlDialect)"/>, and the same with every statement's model bound) per file, beside libpg_query's pg_query_parse (which builds its
/// JSON parse tree) per statement on the same text, in the same run. Two warm-up rounds, then rounds in which every
/// contender runs once in turn (so that load from elsewhere on the machine falls on all alike); medians are compared.
/// </summary>
internal static class ParseBenchmark
{
    private sealed record Contender(string Name, double Megabytes, Func<int> Run)
    {
        public List<double> Seconds { get; } = [];
        public int Result { get; set; } = -1;
    }

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 9;
        if (Measure.Corpora() is not { } corpora) return 1;
        Measure.Environment();
        var files = Directory.GetFiles(Path.Combine(corpora, "postgres-regress"), "*.sql").OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllText).ToList();
        var megabytes = files.Sum(f => (long)Encoding.UTF8.GetByteCount(f)) / 1_000_000.0;

        // libpg_query stops at the first error of a text, and this corpus has statements that fail on purpose: give it
        // one statement at a time, split (untimed) by our splitter, so that it reads every statement we read.
        var statements = new List<byte[]>();
        foreach (var text in files)
        {
            var tokens = SqlLexer.Lex(text, SqlDialect.Postgres);
            foreach (var slice in StatementSplitter.Split(tokens, SqlDialect.Postgres))
                statements.Add(LibPgQuery.ToNullTerminatedUtf8(text.Substring(slice.Span.Start, slice.Span.Length)));
        }
        var statementMegabytes = statements.Sum(s => (long)s.Length - 1) / 1_000_000.0;
        Console.WriteLine($"corpus: postgres-regress, {files.Count} files, {megabytes:F2} MB of UTF-8; {statements.Count} statements, {statementMegabytes:F2} MB without the comments between them");

        var lexer = new Contender("dbagent lexer", megabytes, () => files.Sum(t => SqlLexer.Lex(t, SqlDialect.Postgres).Count));
        var split = new Contender("dbagent lex + split", megabytes,
            () => files.Sum(t => StatementSplitter.Split(SqlLexer.Lex(t, SqlDialect.Postgres), SqlDialect.Postgres).Count));
        // SqlScript.Parse builds the syntax trees (what libpg_query's parse builds); each statement's semantic model is
        // bound when first read. The second line reads every model too: parse and bind, as when a document is opened.
        var ours = new Contender("dbagent SqlScript.Parse", megabytes, () => files.Sum(t => SqlScript.Parse(t, SqlDialect.Postgres).Statements.Count));
        var bound = new Contender("dbagent Parse + every model", megabytes, () => files.Sum(t => SqlScript.Parse(t, SqlDialect.Postgres).Statements.Sum(s => s.Model.Relations.Count > 0 ? 1 : 0)));
        var contenders = new List<Contender> { lexer, split, ours, bound };
        Contender? theirs = null;
        if (LibPgQuery.IsAvailable)
        {
            // Throughput over the statement text it was given (the comments between statements are not sent to it).
            theirs = new Contender("libpg_query pg_query_parse", statementMegabytes, () => statements.Count(LibPgQuery.Accepts));
            contenders.Add(theirs);
        }
        else
        {
            Console.WriteLine($"libpg_query not available: {LibPgQuery.UnavailableReason}");
        }

        static long Allocation(Contender c)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            c.Run();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var allocated = Allocation(ours);
        var allocatedBound = Allocation(bound);

        for (var round = -2; round < rounds; round++)
        {
            foreach (var c in contenders)
            {
                var stopwatch = Stopwatch.StartNew();
                var result = c.Run();
                var seconds = stopwatch.Elapsed.TotalSeconds;
                if (c.Result >= 0 && c.Result != result) throw new InvalidOperationException($"{c.Name}: result changed between rounds ({c.Result} then {result})");
                c.Result = result;
                if (round >= 0) c.Seconds.Add(seconds);
            }
        }

        Console.WriteLine($"{rounds} rounds after 2 warm-up rounds; median (min..max):");
        foreach (var c in contenders)
        {
            var median = Measure.Median(c.Seconds);
            Console.WriteLine($"  {c.Name,-28} {median * 1000,8:F1} ms ({c.Seconds.Min() * 1000:F0}..{c.Seconds.Max() * 1000:F0})  {c.Megabytes / median,8:F2} MB/s   result {c.Result}");
        }
        Console.WriteLine($"  SqlScript.Parse allocates {allocated / 1_000_000.0:F0} MB per pass ({allocated / (megabytes * 1_000_000):F1} bytes per input byte); "
            + $"with every model {allocatedBound / 1_000_000.0:F0} MB ({allocatedBound / (megabytes * 1_000_000):F1})");
        if (theirs is not null)
        {
            double Rate(Contender c) => c.Megabytes / Measure.Median(c.Seconds);
            Console.WriteLine($"  throughput ratio dbagent parse / libpg_query parse: {Rate(ours) / Rate(theirs):F1}x (target >= 5x)");
            Console.WriteLine($"  throughput ratio dbagent parse + every model / libpg_query parse: {Rate(bound) / Rate(theirs):F1}x");
        }
        Console.WriteLine($"peak working set {Measure.PeakWorkingSet()}");
        return 0;
    }
}
