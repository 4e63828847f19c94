using DbAgent.Benchmarks;

return args.FirstOrDefault()?.ToLowerInvariant() switch
{
    "parse" => ParseBenchmark.Run(args.Skip(1).ToArray()),
    "edit" => EditBenchmark.Run(args.Skip(1).ToArray()),
    "corpus" => CorpusCommand.Run(),
    "lint" => LintBenchmark.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tests/DbAgent.Benchmarks -- <command>
          parse    parse throughput (lex + split + parse + bind) over the PostgreSQL regression corpus, beside libpg_query
          edit     edit-to-fresh-model latency on a generated 20,000-line migration (p50/p95/p99)
          lint     dbagent check with every rule beside squawk on the PostgreSQL regression corpus (wall time, peak memory)
          corpus   the differential report: our parser against libpg_query and ScriptDom on the shared corpora
        """);
    return 2;
}
