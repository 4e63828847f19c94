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
    private static readonly JsonSerializerOptions JsonReport = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

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
    public static Command Create(Func<TextWriter> output, Func<TextWriter> error)
    {
        var command = new Command("check", "Analyse .sql files and folders with every rule (and the plans, with --connection). " +
            "Exit codes: 0 no error-level finding, 1 at least one error-level finding or a file that could not be checked, 2 usage or configuration error.")
        {
            PathsArgument, DialectOption, ConnectionOption, FormatOption, ConfigOption, ChangedSinceOption,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Read(result), output(), error(), cancellationToken));
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
        CommandLine.RunAsync(["check", .. args], output, error, cancellationToken);

    public static async Task<int> RunAsync(Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
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
            try { target = ConnectionResolver.Resolve(options.Connection); }
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
            try
            {
                session = await ProviderRegistry.Default.OpenAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var failure = e is DatabaseAccessException access ? access.Failure : ConnectionFailure.From(e, target);
                await error.WriteLineAsync($"dbagent check: {failure.Message} Plan checks are skipped; the static checks run.").ConfigureAwait(false);
            }
        }
        await using var sessionScope = session;
        var engineDialect = session is null ? (SqlDialect?)null : session.ServerInfo.Engine.ToDialect();

        var schemas = new Dictionary<string, Sql.Schema.SchemaModel?>(StringComparer.Ordinal);
        var reported = new List<Reported>();
        var errors = 0;
        var warnings = 0;
        var skipped = 0;
        var ignored = 0;
        var configProblems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var file = input.Path;
            cancellationToken.ThrowIfCancellationRequested();
            var display = Display(file);
            string? configError = null;
            var config = explicitConfig ?? configs.For(file, out configError);
            if (configError is not null) return await UsageAsync(error, configError).ConfigureAwait(false);
            if (config is not null)
                foreach (var p in config.Problems)
                    if (configProblems.Add(config.FilePath + p)) await error.WriteLineAsync($"{config.FilePath}: {p}").ConfigureAwait(false);
            if (config?.IsIgnored(file) == true)
            {
                ignored++;
                continue;
            }
            var (text, cannotCheck, notSql) = input.CannotCheck is { } why ? (null, why, null) : CheckInputs.Read(file);
            if (text is null)
            {
                skipped++;
                if (cannotCheck is not null) notChecked++;
                await error.WriteLineAsync(cannotCheck is not null ? $"{display}: not checked: {cannotCheck}" : $"{display}: skipped: {notSql}").ConfigureAwait(false);
                continue;
            }
            IReadOnlyList<Finding> findings;
            SourceText source;
            SqlScript script;
            try
            {
                var settings = config?.Apply(DbAgentSettings.Default, file) ?? DbAgentSettings.Default;
                source = SourceText.From(text);
                // --dialect is what the user says; without it the connection's engine, the first line, then dbagent.json.
                var dialect = DialectResolver.Resolve(text, options.Dialect is null ? engineDialect : null, options.Dialect ?? settings.Dialect, out _);
                script = SqlScript.Parse(source, dialect);
                IEnumerable<Finding> planFindings = [];
                if (session is not null)
                {
                    var (found, failure) = await StatementPlanner.FindingsAsync(session, script, settings.Plans.Thresholds(),
                        settings.Plans.QueryOptions(), schema: null, cancellationToken, settings.Analysis).ConfigureAwait(false);
                    if (failure is not null) await error.WriteLineAsync($"{display}: plans stopped: {failure.Message}").ConfigureAwait(false);
                    planFindings = found;
                }
                var analysisInput = settings.AnalysisInput(external: planFindings) with { Schema = SchemaFor(config, dialect, schemas), NewTables = newTables, OneShot = true };
                var result = FindingsPipeline.Analyze(script, analysisInput, cancellationToken);
                foreach (var p in result.Problems) await error.WriteLineAsync($"{display}: {p}").ConfigureAwait(false);
                findings = result.Findings;
                // A gate never passes on what it did not read: a file the size policy or a time limit cut short fails the check.
                if (result.Limited.Count > 0)
                {
                    notChecked++;
                    foreach (var limit in result.Limited) await error.WriteLineAsync($"{display}: only partly checked: {limit}").ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                skipped++;
                await error.WriteLineAsync($"{display}: could not be analysed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
                continue;
            }
            var fingerprints = new FindingFingerprints(display, script);
            foreach (var finding in findings)
            {
                var start = source.GetLinePosition(finding.Span.Start);
                var end = source.GetLinePosition(finding.Span.End);
                if (finding.Severity == FindingSeverity.Error) errors++;
                else if (finding.Severity == FindingSeverity.Warning) warnings++;
                var item = new Reported(display, start.Line + 1, start.Character + 1, end.Line + 1, end.Character + 1,
                    finding.Severity.ToString().ToLowerInvariant(), finding.RuleId, finding.Message)
                {
                    Fingerprint = fingerprints.For(finding),
                };
                reported.Add(item);
                if (options.Format == OutputFormat.Text)
                    await output.WriteLineAsync($"{item.File}:{item.Line}:{item.Column}: {item.Severity} {item.Rule}: {OneLine(item.Message)}").ConfigureAwait(false);
            }
        }

        switch (options.Format)
        {
            case OutputFormat.Json:
                var json = JsonSerializer.Serialize(new { files = files.Count, errors, warnings, skipped, ignored, findings = reported },
                    JsonReport);
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

    private static async Task<int> UsageAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync($"dbagent check: {problem}").ConfigureAwait(false);
        await error.WriteLineAsync("Run `dbagent check --help` for the options.").ConfigureAwait(false);
        return ExitUsage;
    }

    /// <summary>The schema the migrations build, as the editor builds it: from dbagent.json's migration folders, else its folder.</summary>
    private static Sql.Schema.SchemaModel? SchemaFor(ProjectConfig? config, SqlDialect dialect, Dictionary<string, Sql.Schema.SchemaModel?> cache)
    {
        // Without a dbagent.json there is no project root to look for migrations in: schema-aware rules then say nothing.
        if (config is null) return null;
        var folders = config.MigrationFolders.Count > 0 ? config.MigrationFolders : [config.Root];
        var key = string.Join('|', folders) + "|" + dialect;
        if (!cache.TryGetValue(key, out var schema))
            cache[key] = schema = MigrationSchema.Build(folders, _ => config?.Dialect ?? dialect, MigrationProblem)?.Schema;
        return schema;
    }

    /// <summary>A migration that could not be replayed goes to stderr, as the editor logs it; progress is not shown.</summary>
    private static void MigrationProblem(Microsoft.Extensions.Logging.LogLevel level, string message)
    {
        if (level >= Microsoft.Extensions.Logging.LogLevel.Warning)
            Console.Error.WriteLine($"[{(level == Microsoft.Extensions.Logging.LogLevel.Warning ? "Warning" : "Error")}] {message}");
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
