using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Connections;

/// <summary>
/// `dbagent/refreshSchema`: reads the live catalog of a connection again (after DDL run elsewhere), or of every
/// configured one when no name is given, and re-runs the plans that depend on it. Answers the number of tables.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class RefreshSchemaHandler(LanguageServerContext context)
{
    [JsonRpcMethod(CustomMethods.RefreshSchema, UseSingleObjectParameterDeserialization = true)]
    public async Task<RefreshSchemaResult> RefreshSchemaAsync(RefreshSchemaParams parameters, CancellationToken cancellationToken)
    {
        var names = parameters.Connection is { Length: > 0 } name ? [name] : context.Connections.Targets.Select(t => t.Name).ToList();
        var tables = 0;
        foreach (var connection in names)
        {
            var result = await context.Connections.Manager.GetSchemaAsync(connection, refresh: true, cancellationToken).ConfigureAwait(false);
            context.Statistics.MarkStale(connection);
            if (result.Ok && result.Value is { } schema) tables += schema.Tables.Count;
            else if (result.Failure is { } failure) context.Log.Warning(failure.Message);
        }
        context.Schema.Invalidate();
        context.Plans.RequestAll();
        return new RefreshSchemaResult(tables);
    }
}
