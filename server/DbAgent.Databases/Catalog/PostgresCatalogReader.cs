using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Catalog;

/// <summary>
/// PostgreSQL's catalog (pg_class, pg_attribute, pg_constraint, pg_index, pg_enum) into the schema model. Types are
/// the engine's own names as format_type prints them (integer, character varying(255), numeric(10,2)).
/// </summary>
public static class PostgresCatalogReader
{
    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

    /// <summary>
    /// Every DDL writes a new row version (xmin) of the catalog rows it changes: pg_class for tables and indexes,
    /// pg_attribute for columns, pg_constraint for keys. Counts and the newest xmin of each, in one query, change
    /// when the schema does. (xmin wraps after 2^32 transactions; the counts still move.)
    /// </summary>
    public static async Task<string?> VersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var row = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT (SELECT count(*)::text || ':' || coalesce(max(c.xmin::text::bigint), 0)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {UserSchemas}),
                   (SELECT count(*)::text || ':' || coalesce(max(a.xmin::text::bigint), 0)::text FROM pg_attribute a WHERE a.attrelid >= 16384),
                   (SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM pg_constraint),
                   (SELECT count(*)::text FROM pg_enum)
            """, r => $"{r.GetString(0)}/{r.GetString(1)}/{r.GetString(2)}/{r.GetString(3)}", ct);
        return row.FirstOrDefault();
    }

    /// <summary>A relation of a user schema, by oid: what the other catalog queries refer to instead of joining names.</summary>
    private sealed class Relation(string schema, string name, char kind, bool partition)
    {
        public string Schema { get; } = schema;
        public string Name { get; } = name;
        public char Kind { get; } = kind;
        public bool Partition { get; } = partition;
        /// <summary>Column names by attnum (1-based; dropped columns leave a null).</summary>
        public string?[] Columns = [];
        public string? Column(int attnum) => attnum > 0 && attnum < Columns.Length ? Columns[attnum] : null;
        public List<CatalogColumnRow> Rows { get; } = [];
    }

    /// <summary>
    /// Reads the catalog in a few lean queries over pg_catalog that return oids and attribute numbers, not names
    /// joined per row: at 50,000 tables joining pg_attribute back into the constraint and index queries (hash joins
    /// over 1.4 million attribute rows each) and a collation-aware ORDER BY cost the server seconds, and names
    /// repeated on 500,000 column rows cost the client as much. Names are resolved and rows ordered here, in
    /// memory, with ordinal comparisons. <paramref name="only"/> reads just those relations (by oid): the
    /// incremental refresh.
    /// </summary>
    public static async Task<SchemaModel> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct) =>
        CatalogBuilder.Build(SqlDialect.Postgres, await ReadRowsAsync(connection, transaction, null, ct));

    internal static async Task<CatalogRows> ReadRowsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long>? only, CancellationToken ct)
    {
        var defaultSchema = (string?)await AdoCommands.ScalarAsync(connection, transaction, "SELECT current_schema()", ct);
        var rows = new CatalogRows { DefaultSchema = defaultSchema ?? "public" };
        rows.Schemas.AddRange(await AdoCommands.QueryAsync(connection, transaction,
            $"SELECT n.nspname FROM pg_namespace n WHERE {UserSchemas}", r => r.GetString(0), ct));
        rows.Schemas.Sort(StringComparer.Ordinal);

        // `only` narrows every query to the given relations; oids are 32-bit, passed as a bigint array.
        var filter = only is null ? "" : " AND c.oid = ANY(CAST(@only AS oid[]))";
        var parameters = only is null ? [] : new (string, object?)[] { ("only", only.ToArray()) };
        var relations = new Dictionary<long, Relation>();
        foreach (var (oid, relation) in await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT c.oid::int8, n.nspname, c.relname, c.relkind::text, c.relispartition, c.relnatts
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND {UserSchemas}{filter}
            """, r => (r.GetInt64(0), new Relation(r.GetString(1), r.GetString(2), r.GetString(3)[0], r.GetBoolean(4)) { Columns = new string?[Math.Max(0, (int)r.GetInt16(5)) + 1] }),
            ct, null, parameters))
            relations[oid] = relation;
        var ordered = relations.Values.OrderBy(r => r.Schema, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        rows.Tables.AddRange(ordered.Where(r => r.Kind is 'r' or 'p' or 'f' && !r.Partition).Select(r => new CatalogTableRow(r.Schema, r.Name)));

        var relationFilter = only is null
            ? $"IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND {UserSchemas})"
            : "= ANY(CAST(@only AS oid[]))";

        // Defaults are few (a column has one only when declared): read apart, not joined onto every column row.
        var defaults = new Dictionary<(long, int), string>();
        foreach (var (relid, attnum, expression) in await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT d.adrelid::int8, d.adnum, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid {relationFilter}
            """, r => (r.GetInt64(0), (int)r.GetInt16(1), r.Str(2)), ct, null, parameters))
            if (expression is not null) defaults[(relid, attnum)] = expression;

        // format_type per row is cheap for built-in types; the same few spellings are shared below.
        var spellings = new Dictionary<string, string>(StringComparer.Ordinal);
        // Column names repeat from table to table (id, name, created_at): one string each, not one per row.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await AdoCommands.ReadAsync(connection, transaction, $"""
            SELECT a.attrelid::int8, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity <> ''
            FROM pg_attribute a
            WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid {relationFilter}
            """, r =>
            {
                var relid = r.GetInt64(0);
                if (!relations.TryGetValue(relid, out var relation)) return;
                var attnum = (int)r.GetInt16(1);
                var name = r.GetString(2);
                if (!names.TryGetValue(name, out var sharedName)) names[name] = sharedName = name;
                if (attnum < relation.Columns.Length) relation.Columns[attnum] = sharedName;
                var type = r.GetString(3);
                if (!spellings.TryGetValue(type, out var shared)) spellings[type] = shared = type;
                defaults.TryGetValue((relid, attnum), out var @default);
                relation.Rows.Add(new CatalogColumnRow(relation.Schema, relation.Name, sharedName, attnum, shared)
                {
                    Nullable = !r.GetBoolean(4), Default = @default,
                    IsIdentity = r.GetBoolean(5) || (@default?.StartsWith("nextval(", StringComparison.Ordinal) ?? false),
                });
            }, ct, parameters);
        foreach (var relation in ordered)
        {
            relation.Rows.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
            (relation.Kind is 'v' or 'm' ? rows.ViewColumns : relation.Partition ? null : rows.Columns)?.AddRange(relation.Rows);
            relation.Rows.Clear();
        }

        // Key constraints: one row per column, in key order; CHECK constraints as a whole.
        var constraints = new List<CatalogConstraintRow>();
        await AdoCommands.ReadAsync(connection, transaction, $"""
            SELECT con.conrelid::int8, con.conname, con.contype::text, con.conkey, con.confrelid::int8, con.confkey,
                   CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END
            FROM pg_constraint con
            WHERE con.contype IN ('p', 'f', 'u', 'c', 'x') AND con.conrelid {relationFilter}
            """, r =>
            {
                if (!relations.TryGetValue(r.GetInt64(0), out var relation) || relation.Partition) return;
                var kind = r.GetString(2) switch
                {
                    "p" => ConstraintKind.PrimaryKey, "f" => ConstraintKind.ForeignKey, "u" => ConstraintKind.Unique, "c" => ConstraintKind.Check, _ => ConstraintKind.Exclusion,
                };
                var name = r.GetString(1);
                var keys = r.IsDBNull(3) ? [] : r.GetFieldValue<short[]>(3);
                var referencedKeys = r.IsDBNull(5) ? [] : r.GetFieldValue<short[]>(5);
                var referencedOid = r.GetInt64(4);
                // A table outside the user schemas (or not read in an incremental refresh) is named by a lookup below.
                relations.TryGetValue(referencedOid, out var referenced);
                var check = StripCheck(r.Str(6));
                if (keys.Length == 0)
                {
                    constraints.Add(new CatalogConstraintRow(relation.Schema, relation.Name, name, kind) { Ordinal = 0, CheckExpression = check, ReferencedOid = referencedOid == 0 ? null : referencedOid });
                    return;
                }
                for (var k = 0; k < keys.Length; k++)
                {
                    constraints.Add(new CatalogConstraintRow(relation.Schema, relation.Name, name, kind)
                    {
                        Ordinal = k + 1, Column = relation.Column(keys[k]),
                        ReferencedSchema = referenced?.Schema, ReferencedTable = referenced?.Name,
                        ReferencedColumn = referenced is not null && k < referencedKeys.Length ? referenced.Column(referencedKeys[k]) : null,
                        ReferencedOid = referencedOid == 0 ? null : referencedOid, ReferencedAttnum = k < referencedKeys.Length ? referencedKeys[k] : 0,
                        CheckExpression = check,
                    });
                }
            }, ct, parameters);
        await NameForeignTargetsAsync(connection, transaction, constraints, ct);
        rows.Constraints.AddRange(constraints);

        await AdoCommands.ReadAsync(connection, transaction, $"""
            SELECT i.indrelid::int8, ic.relname, i.indkey::int2[], i.indnkeyatts, i.indoption::int2[], i.indisunique, i.indisprimary, am.amname,
                   CASE WHEN i.indpred IS NOT NULL THEN pg_get_expr(i.indpred, i.indrelid, true) END,
                   CASE WHEN i.indexprs IS NOT NULL THEN ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k) END
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid {relationFilter}
            """, r =>
            {
                if (!relations.TryGetValue(r.GetInt64(0), out var relation) || relation.Kind is not ('r' or 'p' or 'm') || relation.Partition) return;
                var name = r.GetString(1);
                var keys = r.GetFieldValue<short[]>(2);
                var keyCount = (int)r.GetInt16(3);
                var options = r.IsDBNull(4) ? [] : r.GetFieldValue<short[]>(4);
                var expressions = r.IsDBNull(9) ? null : r.GetFieldValue<string?[]>(9);
                var (unique, primary, method, predicate) = (r.GetBoolean(5), r.GetBoolean(6), r.GetString(7), r.Str(8));
                for (var k = 0; k < keys.Length; k++)
                {
                    rows.Indexes.Add(new CatalogIndexRow(relation.Schema, relation.Name, name, k + 1)
                    {
                        Column = keys[k] > 0 ? relation.Column(keys[k]) : null,
                        Expression = keys[k] == 0 && expressions is not null && k < expressions.Length ? expressions[k] : null,
                        Descending = k < keyCount && k < options.Length && (options[k] & 1) == 1, Included = k >= keyCount,
                        Unique = unique, Primary = primary, Method = method, Predicate = predicate,
                    });
                }
            }, ct, parameters);

        SortByName(rows.Constraints, c => (c.Schema, c.Table, c.Name), c => c.Ordinal);
        SortByName(rows.Indexes, i => (i.Schema, i.Table, i.Name), i => i.Ordinal);

        var views = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT c.oid::int8, pg_get_viewdef(c.oid, true)
            FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.oid {relationFilter}
            """, r => (Oid: r.GetInt64(0), Definition: r.Str(1)), ct, null, parameters);
        rows.Views.AddRange(views.Where(v => relations.ContainsKey(v.Oid)).Select(v => (Relation: relations[v.Oid], v.Definition))
            .OrderBy(v => v.Relation.Schema, StringComparer.Ordinal).ThenBy(v => v.Relation.Name, StringComparer.Ordinal)
            .Select(v => new CatalogViewRow(v.Relation.Schema, v.Relation.Name, v.Relation.Kind == 'm', v.Definition)));

        if (only is not null) return rows; // enums and sequences are not per table: a refresh of tables keeps them

        var enumLabels = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, t.typname, e.enumsortorder::float8, e.enumlabel
            FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE {UserSchemas}
            """, r => (Schema: r.GetString(0), Name: r.GetString(1), Sort: r.Double(2) ?? 0, Value: r.GetString(3)), ct);
        rows.Enums.AddRange(enumLabels.OrderBy(e => e.Schema, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Sort)
            .GroupBy(e => (e.Schema, e.Name)).SelectMany(g => g.Select((e, i) => new CatalogEnumRow(e.Schema, e.Name, i, e.Value))));

        var sequences = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND {UserSchemas}
            """, r => new QualifiedName(r.GetString(0), r.GetString(1)), ct);
        rows.Sequences.AddRange(sequences.OrderBy(s => s.Schema, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal));
        return rows;
    }

    /// <summary>
    /// Reads again only the relations whose catalog rows were written since the known version: every DDL gives the
    /// rows it changes a newer xmin (pg_class for a table, its rename and its indexes, pg_attribute for columns,
    /// pg_constraint for keys), so rows newer than the known maximum name the tables that changed; the tables whose
    /// foreign keys point at those are read again too (a rename changes what they reference). What leaves no newer
    /// row (a dropped constraint or index, a dropped table, an enum changed) shows as a smaller count or a changed
    /// enum count: then null, and the caller reads the whole catalog. A copy of the known model takes the new tables.
    /// </summary>
    public static async Task<SchemaModel?> RefreshAsync(DbConnection connection, DbTransaction? transaction, SchemaModel known, string knownVersion, string version, CancellationToken ct)
    {
        if (Parse(knownVersion) is not { } before || Parse(version) is not { } after) return null;
        for (var i = 0; i < 3; i++)
            if (after.Counts[i] < before.Counts[i] || after.MaxXmin[i] < before.MaxXmin[i]) return null; // something was dropped (or xids wrapped)
        if (after.Enums != before.Enums) return null;

        var changed = await AdoCommands.QueryAsync(connection, transaction, $"""
            WITH touched AS (
                SELECT c.oid FROM pg_class c WHERE c.xmin::text::bigint > @class AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
                UNION SELECT i.indrelid FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE ic.xmin::text::bigint > @class OR i.xmin::text::bigint > @class
                UNION SELECT a.attrelid FROM pg_attribute a WHERE a.attrelid >= 16384 AND a.xmin::text::bigint > @attribute
                UNION SELECT con.conrelid FROM pg_constraint con WHERE con.xmin::text::bigint > @constraint AND con.conrelid <> 0
            )
            SELECT t.oid::int8, c.relkind::text FROM touched t JOIN pg_class c ON c.oid = t.oid
            UNION SELECT con.conrelid::int8, 'r' FROM pg_constraint con WHERE con.confrelid IN (SELECT oid FROM touched)
            """, r => (Oid: r.GetInt64(0), Kind: r.GetString(1)), ct, null,
            ("class", before.MaxXmin[0]), ("attribute", before.MaxXmin[1]), ("constraint", before.MaxXmin[2]));
        // A new sequence, which the per-table read does not carry: read it all. Indexes, toast tables and row types
        // changed along with their table, which is in the list for the same change.
        if (changed.Any(c => c.Kind == "S")) return null;
        var oids = changed.Where(c => c.Kind is "r" or "p" or "f" or "v" or "m").Select(c => c.Oid).Distinct().ToList();
        var model = known.Fork();
        if (oids.Count == 0) return model;
        var rows = await ReadRowsAsync(connection, transaction, oids, ct);
        var fresh = CatalogBuilder.Build(SqlDialect.Postgres, rows);

        // A table the known model did not have is new or renamed; a renamed one's old name must go. Which one was
        // renamed the model cannot tell (it keeps no oids): its old name is the one pg_class no longer has.
        var unknown = fresh.Tables.Any(t => known.FindTable(t.Name) is null);
        foreach (var table in fresh.Tables)
        {
            if (model.FindTable(table.Name) is { } old) model.Tables.Remove(old);
            model.Tables.Add(table);
        }
        foreach (var view in fresh.Views)
        {
            model.Views.RemoveAll(v => string.Equals(v.Name.Schema ?? model.DefaultSchema, view.Name.Schema, StringComparison.Ordinal) && string.Equals(v.Name.Name, view.Name.Name, StringComparison.Ordinal));
            model.Views.Add(view);
        }
        if (unknown)
        {
            var existing = (await AdoCommands.QueryAsync(connection, transaction, $"""
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition AND {UserSchemas}
                """, r => (r.GetString(0), r.GetString(1)), ct)).ToHashSet();
            model.Tables.RemoveAll(t => !existing.Contains((t.Name.Schema ?? model.DefaultSchema ?? "", t.Name.Name)));
        }
        return model;
    }

    private sealed record CatalogVersion(long[] Counts, long[] MaxXmin, long Enums);

    /// <summary>"classes:xmin/attributes:xmin/constraints:xmin/enums", as <see cref="VersionAsync"/> writes it.</summary>
    private static CatalogVersion? Parse(string version)
    {
        var parts = version.Split('/');
        if (parts.Length != 4) return null;
        var counts = new long[3];
        var xmins = new long[3];
        for (var i = 0; i < 3; i++)
        {
            var pair = parts[i].Split(':');
            if (pair.Length != 2 || !long.TryParse(pair[0], System.Globalization.CultureInfo.InvariantCulture, out counts[i])
                || !long.TryParse(pair[1], System.Globalization.CultureInfo.InvariantCulture, out xmins[i])) return null;
        }
        return long.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var enums) ? new CatalogVersion(counts, xmins, enums) : null;
    }

    /// <summary>Foreign keys to a table this read did not hold (another schema, or outside an incremental refresh): named by oid.</summary>
    private static async Task NameForeignTargetsAsync(DbConnection connection, DbTransaction? transaction, List<CatalogConstraintRow> constraints, CancellationToken ct)
    {
        var missing = constraints.Where(c => c.ReferencedOid is not null && c.ReferencedTable is null).Select(c => c.ReferencedOid!.Value).Distinct().ToArray();
        if (missing.Length == 0) return;
        var names = new Dictionary<long, (string Schema, string Table)>();
        var columns = new Dictionary<(long, int), string>();
        foreach (var (oid, schema, table, attnum, column) in await AdoCommands.QueryAsync(connection, transaction, """
            SELECT c.oid::int8, n.nspname, c.relname, a.attnum, a.attname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.oid = ANY(CAST(@oids AS oid[]))
            """, r => (r.GetInt64(0), r.GetString(1), r.GetString(2), (int)r.GetInt16(3), r.GetString(4)), ct, null, ("oids", missing)))
        {
            names[oid] = (schema, table);
            columns[(oid, attnum)] = column;
        }
        for (var i = 0; i < constraints.Count; i++)
        {
            var c = constraints[i];
            if (c.ReferencedOid is not { } oid || c.ReferencedTable is not null || !names.TryGetValue(oid, out var name)) continue;
            constraints[i] = c with { ReferencedSchema = name.Schema, ReferencedTable = name.Table, ReferencedColumn = columns.GetValueOrDefault((oid, c.ReferencedAttnum)) };
        }
    }

    private static void SortByName<T>(List<T> list, Func<T, (string? Schema, string Table, string Name)> key, Func<T, int> ordinal)
    {
        var sorted = list.OrderBy(x => key(x).Schema, StringComparer.Ordinal).ThenBy(x => key(x).Table, StringComparer.Ordinal)
            .ThenBy(x => key(x).Name, StringComparer.Ordinal).ThenBy(ordinal).ToList();
        list.Clear();
        list.AddRange(sorted);
    }

    private static bool Balanced(string s)
    {
        var depth = 0;
        foreach (var ch in s)
        {
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            if (depth < 0)
                return false;
        }
        return depth == 0;
    }

    /// <summary>"CHECK ((total >= 0))" → "(total >= 0)", as a migration would have written it.</summary>
    private static string? StripCheck(string? definition)
    {
        if (definition is null)
            return null;
        var d = definition.Trim();
        if (d.StartsWith("CHECK ", StringComparison.OrdinalIgnoreCase))
            d = d[6..].Trim();
        if (d.EndsWith(" NOT VALID", StringComparison.OrdinalIgnoreCase))
            d = d[..^10];
        if (d.StartsWith('(') && d.EndsWith(')') && Balanced(d[1..^1]))
            d = d[1..^1];
        return d;
    }
}
