using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Engines.Postgres;

/// <summary>
/// The size a PostgreSQL B-tree would have once built, from the table's row estimate and its columns' average widths
/// (pg_stats): leaf tuples of an 8-byte header and the aligned key and INCLUDE columns, a 4-byte line pointer each,
/// pages filled to 90 % as CREATE INDEX leaves them, plus about 1 % of inner pages. HypoPG's own estimate runs about
/// twice the built size on narrow keys, which made a storage budget bind at half of what it said; deduplication of
/// repeated keys (PostgreSQL 13+) is left out, so this errs on the large side too, only less.
/// </summary>
public static partial class BtreeSize
{
    private const int PageSize = 8192;
    private const int PageHeader = 24;
    private const int BtreeSpecial = 16;
    private const double LeafFill = 0.90;

    /// <summary>Bytes for <paramref name="rows"/> entries whose columns have these (average width, alignment) pairs.</summary>
    public static long Estimate(double rows, IReadOnlyList<(int Width, int Align)> columns)
    {
        var data = 0;
        foreach (var (width, align) in columns)
        {
            var a = Math.Max(1, align);
            data = (data + a - 1) / a * a + Math.Max(1, width);
        }
        var tuple = (8 + data + 7) / 8 * 8 + 4;
        var usable = (PageSize - PageHeader - BtreeSpecial) * LeafFill;
        var leaves = Math.Ceiling(Math.Max(0, rows) * tuple / usable);
        var pages = Math.Max(1, leaves) + (leaves > 1 ? Math.Ceiling(leaves / 100) : 0) + 1; // inner pages and the metapage
        return (long)pages * PageSize;
    }

    /// <summary>
    /// The estimate for a plain-column index (null for an expression key, or when the table or a column's statistics
    /// are missing): rows from pg_class.reltuples, or for a partial index the planner's estimate of the rows its WHERE keeps.
    /// </summary>
    internal static async Task<long?> EstimateAsync(DbConnection connection, DbTransaction transaction, IndexDefinition index, CancellationToken cancellationToken)
    {
        if (index.Keys.Any(k => k.Column is null)) return null;
        var columns = index.Keys.Select(k => k.Column!).Concat(index.Include).Distinct(StringComparer.Ordinal).ToArray();
        var table = index.Table.Schema is null ? AdoCommands.Quote(DatabaseEngine.Postgres, index.Table.Name)
            : AdoCommands.Quote(DatabaseEngine.Postgres, index.Table.Schema) + "." + AdoCommands.Quote(DatabaseEngine.Postgres, index.Table.Name);
        var rows = await AdoCommands.QueryAsync(connection, transaction, """
            SELECT a.attname, c.reltuples::float8, coalesce(s.avg_width, nullif(t.typlen, -1)::int),
                   CASE t.typalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
            WHERE c.oid = to_regclass(@table) AND a.attname = ANY(@columns)
            """, r => (Name: r.GetString(0), Rows: r.GetDouble(1), Width: r.IsDBNull(2) ? (int?)null : r.GetInt32(2), Align: r.GetInt32(3)),
            cancellationToken, null, ("table", table), ("columns", columns)).ConfigureAwait(false);
        if (rows.Count != columns.Length || rows.Any(r => r.Width is null) || rows[0].Rows <= 0) return null;
        var count = rows[0].Rows;
        if (index.Predicate is not null)
        {
            // The planner's own row estimate for the index's WHERE; a savepoint keeps a predicate it rejects from losing the batch.
            await AdoCommands.ExecuteAsync(connection, transaction, "SAVEPOINT dbagent_size", cancellationToken).ConfigureAwait(false);
            try
            {
                var plan = await AdoCommands.QueryAsync(connection, transaction, $"EXPLAIN SELECT 1 FROM {table} WHERE {index.Predicate}", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
                await AdoCommands.ExecuteAsync(connection, transaction, "RELEASE SAVEPOINT dbagent_size", cancellationToken).ConfigureAwait(false);
                if (plan.Count == 0 || PlanRows().Match(plan[0]) is not { Success: true } m) return null;
                count = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            catch (DbException)
            {
                await AdoCommands.ExecuteAsync(connection, transaction, "ROLLBACK TO SAVEPOINT dbagent_size", CancellationToken.None).ConfigureAwait(false);
                return null;
            }
        }
        var byName = rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return Estimate(count, columns.Select(c => (byName[c].Width!.Value, byName[c].Align)).ToList());
    }

    [GeneratedRegex(@"rows=(\d+)")]
    private static partial Regex PlanRows();
}
