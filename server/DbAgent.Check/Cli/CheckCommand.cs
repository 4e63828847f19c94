using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Server.Settings;
using DbAgent.Server.Workspace;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Cli;

/// <summary>
/// `dbagent check PATH...`: the editor's analysis without an editor, for CI. The same pipeline, the same
/// <c>dbagent.json</c>, the same schema from the migrations. Exit codes: 0 no error-level finding, 1 at least one,
/// 2 usage or configuration error. A file that cannot be read or analysed is reported on stderr and the run goes on.
/// </summary>
public static class CheckCommand
{

    public const int ExitClean = 0;
    public const int ExitFindings = 1;
    public const int ExitUsage = 2;

    /// <summary>Larger files are reported and not checked: nobody reviews a 100 MB dump as SQL source.</summary>
    public const long MaxFileBytes = CheckInputs.MaxFileBytes;

    public enum OutputFormat { Text, Json, Sarif }

    public sealed record Options(IReadOnlyList<string> Paths, SqlDialect? Dialect, string? Connection, OutputFormat Format, string? Config, string? ChangedSince);

    public sealed record Reported(string File, int Line, int Column, int EndLine, int EndColumn, string Severity, string Rule, string Message)
    {
        /// <summary>What identifies the finding across edits that move it: rule, file, the statement's text, and its occurrence.</summary>
        public string Fingerprint { get; init; } = "";
    }

    private static readonly Option<string?> DialectOption = new("--dialect")
    {
        Description = "SQL dialect when neither a connection, a first-line comment nor dbagent.json says: postgres, mysql, tsql, sqlite",
        HelpName = "postgres|mysql|tsql|sqlite",
    };
    private static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "Also ask this database for plans (EXPLAIN only, never run): a connection name, URL or connection string",
        HelpName = "NAME|URL|CONNECTION-STRING",
    };
    private static readonly Option<string> FormatOption = new("--format")
    {
        Description = "Output: text (file:line:col: severity rule: message), json, or sarif (SARIF 2.1.0 for code scanning)",
        DefaultValueFactory = _ => "text",
        HelpName = "text|json|sarif",
    };
    private static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "The dbagent.json to use (default: the nearest one above each file)",
        HelpName = "FILE",
    };
    private static readonly Option<string?> ChangedSinceOption = new("--changed-since")
    {
        Description = "Check only the .sql files added or changed since this git ref; tables they create count as new",
        HelpName = "GIT-REF",
    };
    private static readonly Argument<string[]> PathsArgument = new("PATH")
    {
        Description = ".sql files or folders to check",
        Arity = ArgumentArity.ZeroOrMore,
    };

    static CheckCommand()
    {
        DialectOption.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string?>();
            if (v is not null && !SqlDialectNames.TryParse(v, out _)) r.AddError($"--dialect needs one of postgres, mysql, tsql, sqlite (got '{v}').");
        });
        DialectOption.CompletionSources.Add("postgres", "mysql", "tsql", "sqlite");
        FormatOption.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (v is not ("text" or "json" or "sarif")) r.AddError($"--format needs text, json or sarif (got '{v}').");
        });
        FormatOption.CompletionSources.Add("text", "json", "sarif");
        PathsArgument.Validators.Add(r =>
        {
            foreach (var v in r.GetValueOrDefault<string[]>() ?? [])
                if (v.StartsWith('-') && v.Length > 1 && !File.Exists(v) && !Directory.Exists(v)) r.AddError($"unknown option '{v}'.");
        });
        ConnectionOption.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string?>())) r.AddError("--connection needs a connection name, URL or connection string.");
        });
    }

    /// <summary>The `check` command for the root command line.</summary>
    public static Command Create(Func<TextWriter> output, Func<TextWriter> error, ICheckDatabases? databases)
    {
        var command = new Command("check", "Analyse .sql files and folders with every rule (and the plans, with --connection). " +
            "Exit codes: 0 no error-level finding, 1 at least one error-level finding or a file that could not be checked, 2 usage or configuration error.")
        {
            PathsArgument, DialectOption, ConnectionOption, FormatOption, ConfigOption, ChangedSinceOption,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Read(result), output(), error(), databases, cancellationToken));
        return command;
    }

    private static Options Read(ParseResult result)
    {
        SqlDialect? dialect = result.GetValue(DialectOption) is { } d && SqlDialectNames.TryParse(d, out var parsed) ? parsed : null;
        var format = result.GetValue(FormatOption) switch { "json" => OutputFormat.Json, "sarif" => OutputFormat.Sarif, _ => OutputFormat.Text };
        return new Options(result.GetValue(PathsArgument) ?? [], dialect, result.GetValue(ConnectionOption), format, result.GetValue(ConfigOption), result.GetValue(ChangedSinceOption));
    }

    /// <summary>Runs `check` with its own arguments (without the word `check`): tests and the root command line both land here.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        CheckCommandLine.RunAsync(new RootCommand(CheckCommandLine.Description) { Create(() => output, () => error, ProviderDatabases.Instance) },
            ["check", .. args], output, error, cancellationToken);

    public static async Task<int> RunAsync(Options options, TextWriter output, TextWriter error, ICheckDatabases? databases, CancellationToken cancellationToken)
    {
        var paths = options.Paths.Count == 0 && options.ChangedSince is not null ? ["."] : options.Paths;
        if (paths.Count == 0) return await UsageAsync(error, "no PATH given: name .sql files or folders to check.").ConfigureAwait(false);

        ProjectConfig? explicitConfig = null;
        if (options.Config is not null)
        {
            try { explicitConfig = ProjectConfig.Load(options.Config); }
            catch (ProjectConfigException e) { return await UsageAsync(error, e.Message).ConfigureAwait(false); }
        }
        var configs = new ProjectConfigs();

        ConnectionTarget? target = null;
        if (options.Connection is not null)
        {
            if (databases is null) return await UsageAsync(error, "this build checks without a database: run `dbagent check` for --connection.").ConfigureAwait(false);
            try { target = databases.Resolve(options.Connection); }
            catch (ConnectionConfigurationException e) { return await UsageAsync(error, e.Message).ConfigureAwait(false); }
        }

        // Which files, and which of them cannot be read, is CheckInputs' business (FIFOs, dangling links, ...).
        if (CheckInputs.Enumerate(paths, out var missing) is not { } inputs)
            return await UsageAsync(error, $"no such file or directory: {missing}").ConfigureAwait(false);
        var files = inputs.Select(i => i.Path).ToList();
        var notChecked = 0;

        // --changed-since: only what the change adds or edits; the tables those files create are new for the whole run.
        IReadOnlySet<string>? newTables = null;
        if (options.ChangedSince is { } since)
        {
            var changed = ChangedFiles(since, out var problem);
            if (changed is null) return await UsageAsync(error, problem!).ConfigureAwait(false);
            inputs = inputs.Where(i => changed.Contains(Path.GetFullPath(i.Path))).ToList();
            files = inputs.Select(i => i.Path).ToList();
            newTables = CreatedTables(files);
        }

        // With a connection, each file's statements are also explained (never run) for plan findings.
        IDatabaseSession? session = null;
        if (target is not null)
        {
            var (opened, failure) = await databases!.OpenAsync(target, cancellationToken).ConfigureAwait(false);
            session = opened;
            if (failure is not null) await error.WriteLineAsync($"dbagent check: {failure} Plan checks are skipped; the static checks run.").ConfigureAwait(false);
        }
        await using var sessionScope = session;
        var engineDialect = session is null ? (SqlDialect?)null : session.ServerInfo.Engine.ToDialect();

        var schemas = new SchemaCache();
        var keepReported = options.Format != OutputFormat.Text;
        var reported = new List<Reported>();
        var errors = 0;
        var warnings = 0;
        var skipped = 0;
        var ignored = 0;

        // Which config each file has is settled first, in order and cheaply: a broken dbagent.json stops the run at
        // the first file it governs, after the files before it are reported, and its problems are told once.
        var work = new List<FileWork>(inputs.Count);
        string? stopWith = null;
        var configProblems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            string? configError = null;
            var config = explicitConfig ?? configs.For(input.Path, out configError);
            if (configError is not null)
            {
                stopWith = configError;
                break;
            }
            var told = new List<string>();
            if (config is not null)
                foreach (var p in config.Problems)
                    if (configProblems.Add(config.FilePath + p)) told.Add($"{config.FilePath}: {p}");
            work.Add(new FileWork(input, config, told, config?.IsIgnored(input.Path) == true));
        }

        var context = new CheckContext(options, engineDialect, newTables, schemas);
        var outcomes = session is null
            ? CheckInParallelAsync(work, context, cancellationToken)
            : CheckInOrderAsync(work, context, session, error, cancellationToken);
        await foreach (var (item, outcome) in outcomes.ConfigureAwait(false))
        {
            foreach (var line in item.ConfigProblems) await error.WriteLineAsync(line).ConfigureAwait(false);
            if (item.Ignored)
            {
                ignored++;
                continue;
            }
            foreach (var line in outcome.Errors) await error.WriteLineAsync(line).ConfigureAwait(false);
            if (outcome.Skipped) skipped++;
            if (outcome.NotChecked) notChecked++;
            foreach (var finding in outcome.Findings)
            {
                if (finding.Severity == "error") errors++;
                else if (finding.Severity == "warning") warnings++;
                if (keepReported) reported.Add(finding);
                else await output.WriteLineAsync($"{finding.File}:{finding.Line}:{finding.Column}: {finding.Severity} {finding.Rule}: {OneLine(finding.Message)}").ConfigureAwait(false);
            }
        }
        if (stopWith is not null) return await UsageAsync(error, stopWith).ConfigureAwait(false);

        switch (options.Format)
        {
            case OutputFormat.Json:
                var json = JsonSerializer.Serialize(new JsonReport(files.Count, errors, warnings, skipped, ignored, reported), CheckJson.Default.JsonReport);
                await output.WriteLineAsync(json).ConfigureAwait(false);
                break;
            case OutputFormat.Sarif:
                await output.WriteLineAsync(SarifLog.Write(reported, explicitConfig?.DocsBaseUri ?? files.Select(f => configs.For(f, out _)?.DocsBaseUri).FirstOrDefault(u => u is not null))).ConfigureAwait(false);
                break;
            default:
                await error.WriteLineAsync($"{files.Count} file(s) checked: {errors} error(s), {warnings} warning(s){(skipped > 0 ? $", {skipped} skipped" : "")}{(ignored > 0 ? $", {ignored} ignored by dbagent.json" : "")}.").ConfigureAwait(false);
                break;
        }
        if (notChecked > 0) await error.WriteLineAsync($"dbagent check: {notChecked} file(s) could not be checked (above).").ConfigureAwait(false);
        return errors > 0 || notChecked > 0 ? ExitFindings : ExitClean;
    }

    /// <summary>What <c>--format json</c> writes: the counts, then every finding in the order told.</summary>
    internal sealed record JsonReport(int Files, int Errors, int Warnings, int Skipped, int Ignored, IReadOnlyList<Reported> Findings);

    /// <summary>A file to check with the config that governs it, and the config problems to tell before its report.</summary>
    private sealed record FileWork(CheckInput Input, ProjectConfig? Config, IReadOnlyList<string> ConfigProblems, bool Ignored);

    /// <summary>What checking one file produced: its report lines for stderr and its findings, in the order they are told.</summary>
    private sealed record FileOutcome(IReadOnlyList<string> Errors, IReadOnlyList<Reported> Findings, bool Skipped, bool NotChecked)
    {
        public static readonly FileOutcome None = new([], [], false, false);
    }

    /// <summary>What every file's check shares.</summary>
    private sealed record CheckContext(Options Options, SqlDialect? EngineDialect, IReadOnlySet<string>? NewTables, SchemaCache Schemas);

    /// <summary>A file read and parsed, ready for the analysis (and, with a connection, the plans before it).</summary>
    private sealed record Parsed(string Display, DbAgentSettings Settings, SourceText Source, SqlScript Script, SqlDialect Dialect);

    /// <summary>
    /// Files on every core, reported in the order given: each worker takes the next file and its outcome waits in
    /// its slot until the ones before it are written, so the output is the same as one file after the other. Only
    /// the outcomes not yet written are held (their findings, not their text or trees). The workers have the large
    /// stack on which PostgreSQL's parser runs inline, so they do not queue for one parser thread.
    /// </summary>
    private static async IAsyncEnumerable<(FileWork Work, FileOutcome Outcome)> CheckInParallelAsync(
        List<FileWork> work, CheckContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var slots = new TaskCompletionSource<FileOutcome>[work.Count];
        for (var i = 0; i < slots.Length; i++) slots[i] = new TaskCompletionSource<FileOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = -1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        void Work()
        {
            for (var i = Interlocked.Increment(ref next); i < work.Count; i = Interlocked.Increment(ref next))
            {
                try
                {
                    token.ThrowIfCancellationRequested();
                    slots[i].SetResult(work[i].Ignored ? FileOutcome.None : Check(work[i], context, token));
                }
                catch (OperationCanceledException)
                {
                    slots[i].SetCanceled(token);
                }
                catch (Exception e)
                {
                    slots[i].SetException(e);
                }
            }
        }
        var workers = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, work.Count));
        for (var w = 0; w < workers; w++) Sql.Validation.NativeParserThread.StartWithLargeStack(Work, "dbagent check");
        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var outcome = await slots[i].Task.ConfigureAwait(false);
                slots[i] = null!; // written: let it go
                yield return (work[i], outcome);
            }
        }
        finally
        {
            // Stopped early (an error while writing, a cancellation): the workers take no further file.
            Interlocked.Exchange(ref next, work.Count);
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>With a connection, one file after the other: the plans come from the one database session.</summary>
    private static async IAsyncEnumerable<(FileWork Work, FileOutcome Outcome)> CheckInOrderAsync(
        List<FileWork> work, CheckContext context, IDatabaseSession session, TextWriter error,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in work)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Ignored)
            {
                yield return (item, FileOutcome.None);
                continue;
            }
            var read = Read(item, context);
            if (read.Parsed is not { } parsed)
            {
                yield return (item, read.Outcome!);
                continue;
            }
            IEnumerable<Finding> plans = [];
            var planErrors = new List<string>();
            FileOutcome? failed = null;
            try
            {
                var (found, failure) = await StatementPlanner.FindingsAsync(session, parsed.Script, parsed.Settings.Plans.Thresholds(),
                    parsed.Settings.Plans.QueryOptions(), schema: null, cancellationToken, parsed.Settings.Analysis).ConfigureAwait(false);
                if (failure is not null) planErrors.Add($"{parsed.Display}: plans stopped: {failure.Message}");
                plans = found;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = new FileOutcome([$"{parsed.Display}: could not be analysed: {e.GetType().Name}: {e.Message}"], [], Skipped: true, NotChecked: false);
            }
            if (failed is not null)
            {
                yield return (item, failed);
                continue;
            }
            var outcome = Analyse(item, parsed, context, plans, cancellationToken);
            yield return (item, planErrors.Count == 0 ? outcome : outcome with { Errors = [.. planErrors, .. outcome.Errors] });
        }
    }

    /// <summary>One file without a connection: read, parse, analyse.</summary>
    private static FileOutcome Check(FileWork item, CheckContext context, CancellationToken cancellationToken)
    {
        var read = Read(item, context);
        return read.Parsed is { } parsed ? Analyse(item, parsed, context, [], cancellationToken) : read.Outcome!;
    }

    /// <summary>The file's text parsed in its dialect, or the outcome that says why it was not checked.</summary>
    private static (Parsed? Parsed, FileOutcome? Outcome) Read(FileWork item, CheckContext context)
    {
        var input = item.Input;
        var display = Display(input.Path);
        var (text, cannotCheck, notSql) = input.CannotCheck is { } why ? (null, why, null) : CheckInputs.Read(input.Path);
        if (text is null)
            return (null, new FileOutcome([cannotCheck is not null ? $"{display}: not checked: {cannotCheck}" : $"{display}: skipped: {notSql}"], [], Skipped: true, NotChecked: cannotCheck is not null));
        try
        {
            var settings = item.Config?.Apply(DbAgentSettings.Default, input.Path) ?? DbAgentSettings.Default;
            var source = SourceText.From(text);
            // --dialect is what the user says; without it the connection's engine, the first line, then dbagent.json.
            var options = context.Options;
            var dialect = DialectResolver.Resolve(text, options.Dialect is null ? context.EngineDialect : null, options.Dialect ?? settings.Dialect, out _);
            return (new Parsed(display, settings, source, SqlScript.Parse(source, dialect), dialect), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, new FileOutcome([$"{display}: could not be analysed: {e.GetType().Name}: {e.Message}"], [], Skipped: true, NotChecked: false));
        }
    }

    /// <summary>The one pipeline over a parsed file, its findings turned into what `check` reports.</summary>
    private static FileOutcome Analyse(FileWork item, Parsed parsed, CheckContext context, IEnumerable<Finding> plans, CancellationToken cancellationToken)
    {
        var display = parsed.Display;
        var told = new List<string>();
        IReadOnlyList<Finding> findings;
        bool limited;
        try
        {
            var analysisInput = parsed.Settings.AnalysisInput(external: plans) with
            {
                Schema = context.Schemas.For(item.Config, parsed.Dialect),
                NewTables = context.NewTables,
                OneShot = true,
            };
            var result = FindingsPipeline.Analyze(parsed.Script, analysisInput, cancellationToken);
            foreach (var p in result.Problems) told.Add($"{display}: {p}");
            findings = result.Findings;
            // A gate never passes on what it did not read: a file the size policy or a time limit cut short fails the check.
            foreach (var limit in result.Limited) told.Add($"{display}: only partly checked: {limit}");
            limited = result.Limited.Count > 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            told.Add($"{display}: could not be analysed: {e.GetType().Name}: {e.Message}");
            return new FileOutcome(told, [], Skipped: true, NotChecked: false);
        }
        var fingerprints = new FindingFingerprints(display, parsed.Script);
        var source = parsed.Source;
        var reported = new List<Reported>(findings.Count);
        foreach (var finding in findings)
        {
            var start = source.GetLinePosition(finding.Span.Start);
            var end = source.GetLinePosition(finding.Span.End);
            reported.Add(new Reported(display, start.Line + 1, start.Character + 1, end.Line + 1, end.Character + 1,
                finding.Severity.ToString().ToLowerInvariant(), finding.RuleId, finding.Message)
            {
                Fingerprint = fingerprints.For(finding),
            });
        }
        return new FileOutcome(told, reported, Skipped: false, NotChecked: limited);
    }

    /// <summary>The schema the migrations build, per config and dialect, built once even when files ask at the same time.</summary>
    private sealed class SchemaCache
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Sql.Schema.SchemaModel?>> _built = new(StringComparer.Ordinal);

        /// <summary>The schema the migrations build, as the editor builds it: from dbagent.json's migration folders, else its folder.</summary>
        public Sql.Schema.SchemaModel? For(ProjectConfig? config, SqlDialect dialect)
        {
            // Without a dbagent.json there is no project root to look for migrations in: schema-aware rules then say nothing.
            if (config is null) return null;
            var folders = config.MigrationFolders.Count > 0 ? config.MigrationFolders : [config.Root];
            var key = string.Join('|', folders) + "|" + dialect;
            return _built.GetOrAdd(key, _ => new Lazy<Sql.Schema.SchemaModel?>(
                () => MigrationSchema.Build(folders, _ => config.Dialect ?? dialect, MigrationProblem)?.Schema, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        }
    }

    /// <summary>A migration that could not be replayed goes to stderr, as the editor logs it; progress is not shown.</summary>
    private static void MigrationProblem(Microsoft.Extensions.Logging.LogLevel level, string message)
    {
        if (level >= Microsoft.Extensions.Logging.LogLevel.Warning)
            Console.Error.WriteLine($"[{(level == Microsoft.Extensions.Logging.LogLevel.Warning ? "Warning" : "Error")}] {message}");
    }

    private static async Task<int> UsageAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync($"dbagent check: {problem}").ConfigureAwait(false);
        await error.WriteLineAsync("Run `dbagent check --help` for the options.").ConfigureAwait(false);
        return ExitUsage;
    }

    /// <summary>Absolute paths of the files added, copied, modified or renamed since <paramref name="since"/> (committed or not), or null with why.</summary>
    private static HashSet<string>? ChangedFiles(string since, out string? problem)
    {
        problem = null;
        var top = Git(["rev-parse", "--show-toplevel"], out var topError);
        if (top is null) { problem = $"--changed-since needs a git repository: {topError}"; return null; }
        var root = top.Trim();
        var diff = Git(["diff", "--name-only", "--diff-filter=ACMR", since, "--"], out var diffError);
        if (diff is null) { problem = $"--changed-since {since}: {diffError}"; return null; }
        var untracked = Git(["ls-files", "--others", "--exclude-standard"], out _) ?? "";
        return diff.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(untracked.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(f => Path.GetFullPath(Path.Combine(root, f)))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static string? Git(string[] args, out string? error)
    {
        error = null;
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            // The process has exited and its output is read to the end: the task has completed, nothing waits.
#pragma warning disable VSTHRD002
            if (process.ExitCode == 0) return stdout.Result;
#pragma warning restore VSTHRD002
            error = stderr.Trim();
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error = $"git could not be run: {e.Message}";
            return null;
        }
    }

    /// <summary>Tables the given files create: new in this change, so locking them is no risk.</summary>
    private static IReadOnlySet<string> CreatedTables(IEnumerable<string> files)
    {
        var created = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var (text, _, _) = CheckInputs.Read(file);
            if (text is null) continue;
            var script = SqlScript.Parse(text, DialectResolver.Resolve(text, null, null, out _));
            foreach (var statement in script.Statements)
                foreach (var action in statement.Model.Ddl)
                    if (action is CreateTableAction create)
                    {
                        created.Add(create.Table.ToString());
                        created.Add(create.Table.Name);
                    }
        }
        return created;
    }

    private static string Display(string file)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>The JSON report's serialiser, generated at build time: the native checker has no reflection-based serialiser.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CheckCommand.JsonReport))]
internal sealed partial class CheckJson : System.Text.Json.Serialization.JsonSerializerContext;
