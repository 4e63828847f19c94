using System.Text;
using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Server.Documents;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Features.Configuration;
using DbAgent.Server.Features.Diagnostics;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Server.Cli;

/// <summary>
/// `dbagent check PATH...`: the editor's analysis without an editor. Prints `file:line:col: severity rule-id: message`
/// (1-based), or JSON with `--format json`. Exit 0 when no finding is at error level, 1 otherwise, 2 on usage errors.
/// A file that cannot be read or analysed is reported on stderr and the run goes on.
/// </summary>
public static class CheckCommand
{
    /// <summary>Larger files are reported and not checked: nobody reviews a 100 MB dump as SQL source.</summary>
    public const long MaxFileBytes = CheckInputs.MaxFileBytes;

    public sealed record Options(IReadOnlyList<string> Paths, SqlDialect? Dialect, string? Connection, bool Json);

    public sealed record Reported(string File, int Line, int Column, int EndLine, int EndColumn, string Severity, string Rule, string Message);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            await error.WriteLineAsync($"dbagent check: {problem}").ConfigureAwait(false);
            await error.WriteLineAsync("usage: dbagent check PATH... [--dialect postgres|mysql|tsql|sqlite] [--connection NAME|URL|CONNECTION-STRING] [--format text|json]").ConfigureAwait(false);
            return 2;
        }
        ConnectionTarget? target = null;
        if (options.Connection is not null)
        {
            try
            {
                target = ConnectionResolver.Resolve(options.Connection);
            }
            catch (ConnectionConfigurationException e)
            {
                await error.WriteLineAsync($"dbagent check: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        }

        if (CheckInputs.Enumerate(options.Paths, out var missing) is not { } inputs)
        {
            await error.WriteLineAsync($"dbagent check: no such file or directory: {missing}").ConfigureAwait(false);
            return 2;
        }
        var files = inputs.Select(i => i.Path).ToList();
        var notChecked = 0;

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
        await using var _ = session;
        var engineDialect = session is null ? (SqlDialect?)null : DocumentConnections.DialectOf(session.ServerInfo.Engine);

        var reported = new List<Reported>();
        var errors = 0;
        var warnings = 0;
        var skipped = 0;
        foreach (var input in inputs)
        {
            var file = input.Path;
            cancellationToken.ThrowIfCancellationRequested();
            var display = Display(file);
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
            try
            {
                source = SourceText.From(text);
                // --dialect is what the user says; without it the connection's engine, then the file itself.
                var dialect = DialectResolver.Resolve(text, options.Dialect is null ? engineDialect : null, options.Dialect, out var dialectSource);
                var script = SqlScript.Parse(source, dialect);
                var result = ScriptAnalyzer.Analyze(script, DbAgentSettings.Default, cancellationToken);
                foreach (var p in result.Problems) await error.WriteLineAsync($"{display}: {p}").ConfigureAwait(false);
                findings = result.Findings;
                if (session is not null)
                {
                    var snapshot = new DocumentSnapshot(new Uri(Path.GetFullPath(file)).AbsoluteUri, 0, "sql", source, script, dialectSource);
                    var (plans, failure, _) = await StatementPlanner.ExplainAsync(session, snapshot, SessionPlanRunner.Thresholds(DbAgentSettings.Default),
                        SessionPlanRunner.Options(DbAgentSettings.Default), schema: null, cancellationToken).ConfigureAwait(false);
                    if (failure is not null) await error.WriteLineAsync($"{display}: plans stopped: {failure.Message}").ConfigureAwait(false);
                    var planFindings = Linter.ApplySettings(script, StatementPlanner.Anchor(plans, snapshot), DbAgentSettings.Default.Rules);
                    findings = findings.Concat(planFindings).OrderBy(f => f.Span.Start).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                skipped++;
                await error.WriteLineAsync($"{display}: could not be analysed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
                continue;
            }
            foreach (var finding in findings)
            {
                var start = source.GetLinePosition(finding.Span.Start);
                var end = source.GetLinePosition(finding.Span.End);
                var severity = finding.Severity.ToString().ToLowerInvariant();
                if (finding.Severity == FindingSeverity.Error) errors++;
                else if (finding.Severity == FindingSeverity.Warning) warnings++;
                var item = new Reported(display, start.Line + 1, start.Character + 1, end.Line + 1, end.Character + 1, severity, finding.RuleId, finding.Message);
                reported.Add(item);
                if (!options.Json)
                    await output.WriteLineAsync($"{item.File}:{item.Line}:{item.Column}: {item.Severity} {item.Rule}: {OneLine(item.Message)}").ConfigureAwait(false);
            }
        }

        if (options.Json)
        {
            var json = JsonSerializer.Serialize(new { files = files.Count, errors, warnings, skipped, findings = reported },
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true });
            await output.WriteLineAsync(json).ConfigureAwait(false);
        }
        else
        {
            await error.WriteLineAsync($"{files.Count} file(s) checked: {errors} error(s), {warnings} warning(s){(skipped > 0 ? $", {skipped} skipped" : "")}.").ConfigureAwait(false);
        }
        if (notChecked > 0) await error.WriteLineAsync($"dbagent check: {notChecked} file(s) could not be checked (above).").ConfigureAwait(false);
        return errors > 0 || notChecked > 0 ? 1 : 0;
    }

    public static bool TryParse(string[] args, out Options options, out string problem)
    {
        var paths = new List<string>();
        SqlDialect? dialect = null;
        string? connection = null;
        var json = false;
        options = new Options([], null, null, false);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                var eq = arg.IndexOf('=');
                if (eq > 0) return arg[(eq + 1)..];
                return i + 1 < args.Length ? args[++i] : null;
            }
            var name = arg.Contains('=') && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..arg.IndexOf('=')] : arg;
            switch (name)
            {
                case "--dialect":
                    var d = Value();
                    if (d is null || !SqlDialectNames.TryParse(d, out var parsed)) { problem = $"--dialect needs one of postgres, mysql, tsql, sqlite (got '{d}')."; return false; }
                    dialect = parsed;
                    break;
                case "--connection":
                    connection = Value();
                    if (string.IsNullOrWhiteSpace(connection)) { problem = "--connection needs a connection name, URL or connection string."; return false; }
                    break;
                case "--format":
                    var f = Value();
                    if (f is "json") json = true;
                    else if (f is "text") json = false;
                    else { problem = $"--format needs text or json (got '{f}')."; return false; }
                    break;
                case "--":
                    paths.AddRange(args[(i + 1)..]);
                    i = args.Length;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1) { problem = $"unknown option '{arg}'."; return false; }
                    paths.Add(arg);
                    break;
            }
        }
        if (paths.Count == 0) { problem = "no PATH given: name .sql files or folders to check."; return false; }
        options = new Options(paths, dialect, connection, json);
        return true;
    }

    private static string Display(string file)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
