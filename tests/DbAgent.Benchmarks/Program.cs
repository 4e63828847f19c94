using DbAgent.Benchmarks;

return args.FirstOrDefault()?.ToLowerInvariant() switch
{
    "parse" => ParseBenchmark.Run(args.Skip(1).ToArray()),
    "edit" => await EditBenchmark.Run(args.Skip(1).ToArray()),
    "corpus" => CorpusCommand.Run(),
    "lint" => LintBenchmark.Run(args.Skip(1).ToArray()),
    "schema" => await SchemaBenchmark.Run(args.Skip(1).ToArray()),
    "large" => await LargeFileBenchmark.Run(args.Skip(1).ToArray()),
    "scaling" => ScalingBenchmark.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tests/DbAgent.Benchmarks -- <command>
          parse    parse throughput (lex + split + parse + bind) over the PostgreSQL regression corpus, beside libpg_query
          edit     edit-to-fresh-model and edit-to-fresh-diagnostics latency on a generated 20,000-line migration, every
                   rule on, in process and over a real `dbagent lsp` (didChange to publishDiagnostics) (p50/p95/p99)
                   [edits] [--no-lsp] [--lsp-only] [--rpc-client] [--phases]
          lint     dbagent check with every rule beside squawk on the PostgreSQL regression corpus (wall, CPU, peak memory)
          scaling  parse time against input size (4x input) on pathological inputs; exits 1 above 8x
          corpus   the differential report: our parser against libpg_query and ScriptDom on the shared corpora
          schema   completion, hover and schema load at 50,000 tables (replayed and live on PostgreSQL) beside
                   postgres-language-server; replay linearity; typing in a 20,000-line file
                   [--tables N] [--no-live] [--keep] [--peer PATH-TO-postgres-language-server] [--typing-only]
          large    a 50 MB file in `dbagent lsp`: time to diagnostics and resident memory before, open and after close,
                   under the size policy and with the limits off [--mb N] [--settle-seconds S] [--skip-full]
        """);
    return 2;
}
