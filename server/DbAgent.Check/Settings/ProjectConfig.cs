using System.Collections.Concurrent;
using System.Text.Json;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Rules;
using DbAgent.Sql;
using Microsoft.Extensions.FileSystemGlobbing;

namespace DbAgent.Server.Settings;

/// <summary>
/// The project's <c>dbagent.json</c>, found upward from a file, shared by the editor and <c>dbagent check</c>:
/// rule severities, the dialect per folder, the migration folders, files to ignore, plan thresholds and where the rule
/// pages are published. Paths and globs are relative to the file's folder. The editor's own settings override it.
/// <code>
/// {
///   "rules": { "prefer-text": "off", "select-star": "hint" },
///   "dialect": "postgres",
///   "dialects": { "db/mysql/**": "mysql", "legacy/**/*.sql": "tsql" },
///   "migrations": ["db/migrations"],
///   "ignore": ["vendor/**", "**/*.generated.sql"],
///   "plans": { "largeTableRows": 50000, "costThreshold": 200000, "sortRows": 10000 },
///   "docsBaseUri": "https://example.com/dbagent/rules/"
/// }
/// </code>
/// </summary>
public sealed class ProjectConfig
{
    public const string FileName = "dbagent.json";

    private readonly List<(Matcher Glob, SqlDialect Dialect)> _dialects = [];
    private readonly Matcher? _ignore;

    private ProjectConfig(string path)
    {
        FilePath = path;
        Root = Path.GetDirectoryName(path)!;
    }

    public string FilePath { get; }
    /// <summary>The folder of the file: paths and globs are relative to it.</summary>
    public string Root { get; }
    public RuleSettings Rules { get; private init; } = RuleSettings.Default;
    public SqlDialect? Dialect { get; private init; }
    public IReadOnlyList<string> MigrationFolders { get; private init; } = [];
    public PlanSettings? Plans { get; private init; }
    /// <summary>`analysis`: the size policy and stage time limits (the editor's settings win where they differ from the defaults).</summary>
    public AnalysisLimits? Analysis { get; private init; }
    public Uri? DocsBaseUri { get; private init; }
    /// <summary>What could not be read (unknown keys, values of the wrong type): reported, never fatal.</summary>
    public IReadOnlyList<string> Problems { get; private init; } = [];

    private ProjectConfig(string path, Matcher? ignore, List<(Matcher, SqlDialect)> dialects) : this(path)
    {
        _ignore = ignore;
        _dialects = dialects;
    }

    /// <summary>Reads a config file. Throws <see cref="ProjectConfigException"/> when it is not a JSON object.</summary>
    public static ProjectConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProjectConfigException($"{path}: cannot be read: {e.Message}");
        }
        return Parse(Path.GetFullPath(path), text);
    }

    public static ProjectConfig Parse(string path, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ProjectConfigException($"{path}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ProjectConfigException($"{path}: must hold a JSON object.");
            var problems = new List<string>();
            var rules = RuleSettings.Default;
            SqlDialect? dialect = null;
            var migrations = new List<string>();
            Matcher? ignore = null;
            var dialects = new List<(Matcher, SqlDialect)>();
            PlanSettings? plans = null;
            AnalysisLimits? analysis = null;
            Uri? docs = null;
            var folder = Path.GetDirectoryName(path)!;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "$schema":
                        break;
                    case "rules" when value.ValueKind == JsonValueKind.Object:
                        rules = RuleSettings.FromJson(value);
                        problems.AddRange(rules.Problems.Select(p => p.Replace("dbagent.rules", "rules")));
                        break;
                    case "dialect" when value.ValueKind == JsonValueKind.String && SqlDialectNames.TryParse(value.GetString(), out var d):
                        dialect = d;
                        break;
                    case "dialects" when value.ValueKind == JsonValueKind.Object:
                        foreach (var entry in value.EnumerateObject())
                        {
                            if (entry.Value.ValueKind == JsonValueKind.String && SqlDialectNames.TryParse(entry.Value.GetString(), out var fd))
                            {
                                var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
                                matcher.AddInclude(entry.Name);
                                dialects.Add((matcher, fd));
                            }
                            else problems.Add($"dialects: '{entry.Name}' needs one of postgres, mysql, tsql, sqlite.");
                        }
                        break;
                    case "migrations" when value.ValueKind == JsonValueKind.Array:
                        foreach (var item in value.EnumerateArray())
                            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } m) migrations.Add(Path.GetFullPath(Path.Combine(folder, m)));
                        break;
                    case "ignore" when value.ValueKind == JsonValueKind.Array:
                        ignore = new Matcher(StringComparison.OrdinalIgnoreCase);
                        foreach (var item in value.EnumerateArray())
                            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } g) ignore.AddInclude(g);
                        break;
                    case "plans" when value.ValueKind == JsonValueKind.Object:
                        plans = DbAgentSettings.FromJson(JsonDocument.Parse($"{{\"plans\":{value.GetRawText()}}}").RootElement).Plans;
                        break;
                    case "analysis" when value.ValueKind == JsonValueKind.Object:
                        analysis = DbAgentSettings.ReadLimits(value);
                        break;
                    case "docsBaseUri" when value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri):
                        docs = uri;
                        break;
                    default:
                        problems.Add($"'{property.Name}' is not a dbagent.json setting, or its value has the wrong type (see the README).");
                        break;
                }
            }
            return new ProjectConfig(path, ignore, dialects)
            {
                Rules = rules, Dialect = dialect, MigrationFolders = migrations, Plans = plans, Analysis = analysis, DocsBaseUri = docs, Problems = problems,
            };
        }
    }

    /// <summary>The nearest <c>dbagent.json</c> in the file's folder or above, or null.</summary>
    public static string? FindPath(string fileOrFolder)
    {
        var full = Path.GetFullPath(fileOrFolder);
        for (var dir = Directory.Exists(full) ? full : Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, FileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The file's path relative to <see cref="Root"/>, with forward slashes; null when it lies outside.</summary>
    private string? Relative(string file)
    {
        var relative = Path.GetRelativePath(Root, Path.GetFullPath(file));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Replace('\\', '/');
    }

    public bool IsIgnored(string file) => _ignore is not null && Relative(file) is { } r && _ignore.Match(r).HasMatches;

    /// <summary>The dialect for a file: the first <c>dialects</c> glob that matches it, else <c>dialect</c>.</summary>
    public SqlDialect? DialectFor(string file)
    {
        if (Relative(file) is { } r)
            foreach (var (glob, dialect) in _dialects)
                if (glob.Match(r).HasMatches) return dialect;
        return Dialect;
    }

    /// <summary>
    /// Settings for one file: the config under the editor's (or command line's) settings. A rule the settings name
    /// keeps the settings' level; a value the settings leave at its default takes the config's.
    /// </summary>
    public DbAgentSettings Apply(DbAgentSettings settings, string file)
    {
        var defaults = new PlanSettings();
        var plans = settings.Plans;
        if (Plans is { } p)
        {
            plans = plans with
            {
                Enabled = plans.Enabled && p.Enabled,
                LargeTableRows = plans.LargeTableRows == defaults.LargeTableRows ? p.LargeTableRows : plans.LargeTableRows,
                CostThreshold = plans.CostThreshold ?? p.CostThreshold,
                SortRows = plans.SortRows ?? p.SortRows,
                StatementTimeoutMs = plans.StatementTimeoutMs == defaults.StatementTimeoutMs ? p.StatementTimeoutMs : plans.StatementTimeoutMs,
            };
        }
        return settings with
        {
            Rules = Rules.OverriddenBy(settings.Rules),
            Dialect = settings.Dialect ?? DialectFor(file),
            Plans = plans,
            Analysis = Analysis is { } a && settings.Analysis == AnalysisLimits.Default ? a : settings.Analysis,
        };
    }
}

public sealed class ProjectConfigException(string message) : Exception(message);

/// <summary>Config files by folder, re-read when the file changes on disk (the editor saves it while the server runs).</summary>
public sealed class ProjectConfigs
{
    private readonly ConcurrentDictionary<string, (DateTime Stamp, ProjectConfig? Config, string? Error)> _byPath = new(StringComparer.Ordinal);

    /// <summary>The config that applies to a file, or null; a broken file is reported through <paramref name="error"/> and ignored.</summary>
    public ProjectConfig? For(string file, out string? error)
    {
        error = null;
        var path = ProjectConfig.FindPath(file);
        if (path is null) return null;
        DateTime stamp;
        try { stamp = File.GetLastWriteTimeUtc(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if (_byPath.TryGetValue(path, out var known) && known.Stamp == stamp)
        {
            error = known.Error;
            return known.Config;
        }
        ProjectConfig? config = null;
        try { config = ProjectConfig.Load(path); }
        catch (ProjectConfigException e) { error = e.Message; }
        _byPath[path] = (stamp, config, error);
        return config;
    }
}
