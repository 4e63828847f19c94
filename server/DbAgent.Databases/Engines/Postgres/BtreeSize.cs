using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Engines.Postgres;

/// <summary>
/// The size a PostgreSQL B-tree would have once built, from the table's row estimate and its columns' average widths
/// (pg_stats): leaf tuples of an 8-byte header and the aligned key and INCLUDE columns, a 4-byte line pointer each,
/// pages filled to 90 % as CREATE INDEX leaves them, plus about 1 % of inner pages. HypoPG's own estimate runs about
/// twice the built size on narrow keys, which made a storage budget bind at half of what it said.
/// Deduplication (PostgreSQL 13+) is counted where CREATE INDEX applies it: no INCLUDE, and every key of a type whose
/// equal values are interchangeable (its B-tree operator class has an equalimage function, for text a deterministic
/// collation; not numeric, floats, jsonb, interval). The rows that share a key then take one tuple holding the key
/// once and 6 bytes per row; keys shared by many rows (a status, a product of few values) shrink the index by half or
/// more. The number of distinct keys comes from pg_stats' n_distinct: one column's, or for several the distinct
/// combinations expected of independent columns (correlated ones have fewer, so the estimate errs on the large side).
/// </summary>
public static partial class BtreeSize
{
    private const int PageSize = 8192;
    private const int PageHeader = 24;
    private const int BtreeSpecial = 16;
    private const double LeafFill = 0.90;
    /// <summary>Largest posting-list tuple deduplication makes: half the largest item a page takes (BTMaxItemSize / 2).</summary>
    private const int MaxPostingTuple = 1352;
    private const int HeapTid = 6;

    /// <summary>
    /// Bytes for <paramref name="rows"/> entries whose columns have these (average width, alignment) pairs; with
    /// <paramref name="distinctKeys"/> (the index deduplicates), the rows sharing a key are one posting-list tuple.
    /// </summary>
    public static long Estimate(double rows, IReadOnlyList<(int Width, int Align)> columns, double? distinctKeys = null)
    {
        var data = 0;
        foreach (var (width, align) in columns)
        {
            var a = Math.Max(1, align);
            data = (data + a - 1) / a * a + Math.Max(1, width);
        }
        rows = Math.Max(0, rows);
        var tuple = Align8(8 + data) + 4;
        var leafBytes = rows * tuple;
        if (distinctKeys is { } d && d > 0 && rows > d)
        {
            // Each key once, its rows' heap pointers after it, in as many posting lists as the largest one takes.
            var keys = d;
            var perKey = rows / keys;
            var perPosting = Math.Max(1, (MaxPostingTuple - Align8(8 + data)) / HeapTid);
            var postings = Math.Ceiling(perKey / perPosting);
            var posting = postings * (Align8(8 + data + HeapTid * perKey / postings) + 4);
            leafBytes = Math.Min(leafBytes, keys * posting);
        }
        var usable = (PageSize - PageHeader - BtreeSpecial) * LeafFill;
        var leaves = Math.Ceiling(leafBytes / usable);
        var pages = Math.Max(1, leaves) + (leaves > 1 ? Math.Ceiling(leaves / 100) : 0) + 1; // inner pages and the metapage
        return (long)pages * PageSize;
    }

    private static double Align8(double bytes) => Math.Ceiling(bytes / 8) * 8;

    /// <summary>
    /// Distinct keys of an index on columns of these n_distinct (positive a count, negative a fraction of the rows),
    /// over <paramref name="rows"/> rows of a table of <paramref name="tableRows"/>: one column's count (at most the
    /// rows); for several, the combinations <paramref name="rows"/> independent draws are expected to fill. Null when a
    /// column has no statistics.
    /// </summary>
    public static double? DistinctKeys(IReadOnlyList<double?> nDistinct, double rows, double tableRows)
    {
        if (nDistinct.Count == 0 || nDistinct.Any(n => n is null or 0) || rows <= 0) return null;
        var counts = nDistinct.Select(n => n!.Value > 0 ? n.Value : -n!.Value * tableRows).ToList();
        if (counts.Count == 1) return Math.Min(counts[0], rows);
        var combinations = counts.Aggregate(1.0, (a, b) => a * Math.Max(1, b));
        // combinations × (1 − e^(−rows / combinations)); with far more combinations than rows, every row its own key.
        var x = rows / combinations;
        var expected = x < 1e-6 ? rows * (1 - x / 2) : combinations * (1 - Math.Exp(-x));
        return Math.Min(expected, rows);
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
                   CASE t.typalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END,
                   s.n_distinct::float8,
                   EXISTS (SELECT 1 FROM pg_opclass oc
                           JOIN pg_amproc p ON p.amprocfamily = oc.opcfamily AND p.amprocnum = 4 AND p.amproclefttype = oc.opcintype
                           WHERE oc.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree') AND oc.opcdefault
                             AND oc.opcintype = CASE WHEN t.typtype = 'e' THEN 'anyenum'::regtype WHEN t.oid = 'varchar'::regtype THEN 'text'::regtype ELSE t.oid END
                             AND (p.amproc <> 'btvarstrequalimage'::regproc OR coalesce(co.collisdeterministic, true)))
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
            WHERE c.oid = to_regclass(@table) AND a.attname = ANY(@columns)
            """, r => (Name: r.GetString(0), Rows: r.GetDouble(1), Width: r.IsDBNull(2) ? (int?)null : r.GetInt32(2), Align: r.GetInt32(3),
                Distinct: r.IsDBNull(4) ? (double?)null : r.GetDouble(4), EqualImage: r.GetBoolean(5)),
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
        // CREATE INDEX deduplicates only without INCLUDE, and only keys whose equal values are interchangeable.
        var keys = index.Keys.Select(k => byName[k.Column!]).ToList();
        var distinct = index.Include.Count == 0 && keys.All(k => k.EqualImage) ? DistinctKeys(keys.Select(k => k.Distinct).ToList(), count, rows[0].Rows) : null;
        return Estimate(count, columns.Select(c => (byName[c].Width!.Value, byName[c].Align)).ToList(), distinct);
    }

    [GeneratedRegex(@"rows=(\d+)")]
    private static partial Regex PlanRows();
}
