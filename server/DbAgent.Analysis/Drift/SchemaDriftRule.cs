using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;

namespace DbAgent.Analysis.Drift;

public static partial class SchemaDrift
{
    public static readonly RuleDescriptor Rule = new(
        "schema-drift", "Schema drift",
        "The live database differs from the schema the migrations declare.",
        FindingSeverity.Warning, RuleCategory.Schema);
}
