using DbAgent.Analysis.Drift;
using DbAgent.Analysis.Plans;
using DbAgent.Analysis.Rules.Dml;
using DbAgent.Analysis.Rules.Migrations;
using DbAgent.Analysis.Rules.Queries;

namespace DbAgent.Analysis.Rules;

/// <summary>Every rule DbAgent reports, lint and otherwise, by id.</summary>
public static class RuleCatalog
{
    /// <summary>The rules the linter runs on every statement.</summary>
    public static IReadOnlyList<ILintRule> LintRules { get; } =
    [
        new UpdateWithoutWhereRule(), new DeleteWithoutWhereRule(),
        // Migration safety
        new IndexWithoutConcurrentlyRule(), new DropIndexWithoutConcurrentlyRule(), new ReindexWithoutConcurrentlyRule(), new IndexWithoutOnlineRule(),
        new ConstraintWithoutNotValidRule(), new UniqueConstraintWithoutIndexRule(), new ExclusionConstraintRule(), new SetNotNullRule(),
        new AddColumnNotNullWithoutDefaultRule(), new AddColumnRewriteRule(), new ColumnTypeChangeRule(), new RenameRule(),
        new DropColumnRule(), new DropTableRule(), new TruncateRule(), new PreferIdentityRule(), new PreferBigintKeyRule(),
        new PreferTimestamptzRule(), new PreferTextRule(), new VacuumFullRule(), new RefreshWithoutConcurrentlyRule(),
        new EnumValueChangeRule(), new TriggerRule(), new MySqlTableCopyRule(), new MySqlInlineReferencesRule(), new NoLockRule(),
        // Queries
        new CompareToNullRule(), new ImplicitCrossJoinRule(), new NotInNullableSubqueryRule(), new LimitWithoutOrderByRule(),
        new OrderByRandomRule(), new InsertWithoutColumnsRule(), new SelectStarInViewRule(), new FunctionOnIndexedColumnRule(),
        new LeadingWildcardLikeRule(), new SelectStarRule(), new LargeOffsetRule(), new OrAcrossColumnsRule(),
    ];

    /// <summary>The rules that read a whole script: transaction blocks and the order of statements.</summary>
    public static IReadOnlyList<IScriptRule> ScriptRules { get; } =
    [
        new ConcurrentlyInTransactionRule(), new MissingLockTimeoutRule(), new DdlWithBackfillRule(),
        new EnumAddValueInTransactionRule(), new CrossDatabaseTransactionRule(),
    ];

    /// <summary>Every rule id with its descriptor: syntax errors, lint rules, plan findings and schema drift.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        CoreRules.SyntaxError,
        CoreRules.AnalysisLimited,
        .. LintRules.Select(r => r.Descriptor),
        .. ScriptRules.Select(r => r.Descriptor),
        .. PlanRules.All,
        SchemaDrift.Rule,
    ];

    private static readonly Dictionary<string, RuleDescriptor> ById = All.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    public static RuleDescriptor? Find(string? ruleId) =>
        ruleId is null ? null : ById.TryGetValue(ruleId.Trim(), out var rule) ? rule : null;

    /// <summary>The doc page of a rule (markdown), or null for an unknown id.</summary>
    public static string? GetDocumentation(string? ruleId) => Find(ruleId) is { } rule ? RuleDocumentation.Get(rule.Id) : null;
}
