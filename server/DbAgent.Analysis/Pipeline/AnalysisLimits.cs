using System.Globalization;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Pipeline;

/// <summary>
/// The size policy and the time limit of each analysis stage. A file over the size limit gets the cheap stages
/// only: DbAgent's own parser's syntax errors over the whole file and the per-statement rules over its first
/// <see cref="LargeFileRuleStatements"/> statements; the engine's grammar check, the whole-script rules and plans
/// are skipped. A stage that runs past <see cref="StageTimeLimit"/> stops where it is and what it found is kept.
/// Either way an <c>analysis-limited</c> finding at the top of the file says what was skipped, why, and which
/// setting changes it: nothing is left out silently.
/// </summary>
public sealed record AnalysisLimits
{
    public const double DefaultMaxFileMegabytes = 5;
    public const int DefaultMaxStatements = 20_000;
    public const int DefaultLargeFileRuleStatements = 2_000;
    public const int DefaultStageTimeLimitMs = 5_000;

    public static readonly AnalysisLimits Default = new();

    /// <summary>No limit at all (tests and tools that want every stage whatever it costs).</summary>
    public static readonly AnalysisLimits None = new()
    {
        MaxFileMegabytes = double.PositiveInfinity, MaxStatements = int.MaxValue, StageTimeLimit = Timeout.InfiniteTimeSpan,
    };

    /// <summary>`analysis.maxFileSizeMB`: a file with more text than this (in MB of UTF-16 characters / 2^20) is large.</summary>
    public double MaxFileMegabytes { get; init; } = DefaultMaxFileMegabytes;

    /// <summary>`analysis.maxStatements`: a file with more statements than this is large.</summary>
    public int MaxStatements { get; init; } = DefaultMaxStatements;

    /// <summary>How many statements of a large file the per-statement rules still read (the first ones).</summary>
    public int LargeFileRuleStatements { get; init; } = DefaultLargeFileRuleStatements;

    /// <summary>`analysis.stageTimeLimitMs`: how long one stage (engine grammar, rules, plans) may run on one document.</summary>
    public TimeSpan StageTimeLimit { get; init; } = TimeSpan.FromMilliseconds(DefaultStageTimeLimitMs);

    /// <summary>The setting names, as users write them (editor: `dbagent.analysis.*`; `dbagent.json`: `analysis.*`).</summary>
    public const string MaxFileSetting = "dbagent.analysis.maxFileSizeMB";
    public const string MaxStatementsSetting = "dbagent.analysis.maxStatements";
    public const string StageTimeSetting = "dbagent.analysis.stageTimeLimitMs";

    /// <summary>Why a script is over the size policy (one clause), or null when it gets every stage.</summary>
    public string? LargeReason(SqlScript script) => LargeReason(script.Text.Length, script.Statements.Count);

    public string? LargeReason(int characters, int statements)
    {
        var megabytes = characters / (1024.0 * 1024.0);
        if (megabytes > MaxFileMegabytes)
            return string.Create(CultureInfo.InvariantCulture,
                $"this file has {megabytes:0.#} MB of text, over the {MaxFileMegabytes:0.#} MB limit of full analysis ({MaxFileSetting})");
        if (statements > MaxStatements)
            return string.Create(CultureInfo.InvariantCulture,
                $"this file has {statements:N0} statements, over the {MaxStatements:N0} limit of full analysis ({MaxStatementsSetting})");
        return null;
    }

    /// <summary>True when a stage that started at <paramref name="started"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) is out of time.</summary>
    public bool OutOfTime(long started) =>
        StageTimeLimit != Timeout.InfiniteTimeSpan && System.Diagnostics.Stopwatch.GetElapsedTime(started) > StageTimeLimit;

    public string StageTimeText => string.Create(CultureInfo.InvariantCulture, $"{StageTimeLimit.TotalSeconds:0.##} s ({StageTimeSetting})");

    /// <summary>The finding at the top of the file that says what was skipped and why.</summary>
    public static Finding LimitedFinding(string message) =>
        new(CoreRules.AnalysisLimited.Id, CoreRules.AnalysisLimited.DefaultSeverity, message, new TextSpan(0, 0));
}
