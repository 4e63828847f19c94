using System.Globalization;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Sql;

namespace DbAgent.Agent.Commands;

/// <summary>/scaling: how to scale the detected engine, in the order that pays off: measure, index, pool, replicate, partition, cache.</summary>
public sealed class ScalingCommand : IChatCommand
{
    public string Name => "scaling";
    public string Description => "scale the database";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        var dialect = context.Dialect ?? SqlDialect.Postgres;
        await response.MarkdownAsync($"## Scaling {EngineNames.DisplayName(dialect)}\n\n{EngineContext.Describe(context)}\n");
        if (context.Schema is { Tables.Count: > 0 } schema)
            await response.MarkdownAsync($"The workspace schema has {schema.Tables.Count.ToString(CultureInfo.InvariantCulture)} tables. " +
                (context.Session is null ? "Which of them are large decides what follows; `/stats` shows it with a connection.\n\n" : "`/stats` shows which of them are large.\n\n"));
        await response.MarkdownAsync("In order of payoff: **measure** the top queries, **index** them (`/optimize`, `/indexes`), **pool** connections, add **read replicas**, **partition** the largest tables, **cache** what is read often and changes rarely. Sharding comes last.\n\n");
        await response.MarkdownAsync(Guide(dialect));
        return Followups.Of("optimize", "stats", "backup");
    }

    /// <summary>The engine's guide: Commands/Guides/scaling-&lt;dialect&gt;.md, embedded like the rule docs.</summary>
    public static string Guide(SqlDialect dialect) => Guides.Read("scaling", dialect);
}
