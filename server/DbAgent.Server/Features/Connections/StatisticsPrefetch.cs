using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Sql.Semantics;

namespace DbAgent.Server.Features.Connections;

/// <summary>
/// Reads in the background the statistics of the tables and columns an open document names, once its connection is
/// known (on open, when the settings name a connection, when the database comes up), so that its first hovers show
/// them without waiting on a read. Bounded by <see cref="StatisticsCache.PrefetchLimit"/> per document.
/// </summary>
public sealed class StatisticsPrefetch(DocumentStore documents, DocumentConnections connections, StatisticsCache statistics, ServerLogger log, CancellationToken lifetime)
{
    public void Request(string uri) => _ = RunAsync(uri);

    private async Task RunAsync(string uri)
    {
        try
        {
            await Task.Yield();
            if (connections.For(uri) is not { } target) return;
            // The catalog first (completion and hovers need it more): the prefetch does not compete with its read.
            await connections.Manager.GetSchemaAsync(target.Name, refresh: false, lifetime).ConfigureAwait(false);
            var snapshot = await documents.GetAsync(uri, lifetime).ConfigureAwait(false);
            if (snapshot is null) return;
            var tables = new List<QualifiedName>();
            var columns = new List<(QualifiedName, string)>();
            foreach (var statement in snapshot.Script.Statements)
            {
                var model = statement.Model;
                tables.AddRange(model.Relations.Where(r => !r.IsCommonTableExpression).Select(r => r.Name));
                foreach (var column in model.Columns)
                    if ((column.Relation ?? Hover.ObjectHover.SoleRelation(model)) is { IsCommonTableExpression: false } owner) columns.Add((owner.Name, column.Name));
                if (tables.Count >= statistics.PrefetchLimit && columns.Count >= statistics.PrefetchLimit) break;
            }
            await statistics.PrefetchAsync(target.Name, tables, columns, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            log.Warning($"Reading ahead the statistics {uri} names failed: {e.GetType().Name}");
        }
    }
}
