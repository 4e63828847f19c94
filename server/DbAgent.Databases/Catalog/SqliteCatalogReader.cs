using System.Text.RegularExpressions;
using DbAgent.Databases.Engines;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Catalog;

/// <summary>
/// SQLite's catalog (sqlite_schema and the table-valued pragmas) into the schema model. SQLite keeps no catalog of
/// CHECK constraints (they live only in the CREATE TABLE text), so they are not read; types are as declared.
/// </summary>
public static partial class SqliteCatalogReader
{
    public static async Task<SchemaModel> ReadAsync(SqliteConnection connection, CancellationToken ct)
    {
        var rows = new CatalogRows { DefaultSchema = "main" };
        rows.Schemas.Add("main");
        var objects = await AdoCommands.QueryAsync(connection, null,
            "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
            r => (Type: r.GetString(0), Name: r.GetString(1), Table: r.GetString(2), Sql: r.Str(3)), ct);

        foreach (var table in objects.Where(o => o.Type == "table"))
        {
            rows.Tables.Add(new CatalogTableRow("main", table.Name));
            var columns = await AdoCommands.QueryAsync(connection, null, "SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(@t)",
                r => (Cid: r.Int(0), Name: r.GetString(1), Type: r.Str(2) ?? "", NotNull: r.Bool(3), Default: r.Str(4), Pk: r.Int(5), Hidden: r.Int(6)), ct, null, ("t", table.Name));
            var pkColumns = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).ToList();
            foreach (var c in columns.Where(c => c.Hidden is 0 or 2 or 3))
            {
                // An INTEGER PRIMARY KEY is the rowid: the engine numbers it, as an identity column would.
                var rowidAlias = pkColumns.Count == 1 && pkColumns[0].Name == c.Name && c.Type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase);
                rows.Columns.Add(new CatalogColumnRow("main", table.Name, c.Name, c.Cid, c.Type.ToLowerInvariant())
                {
                    Nullable = !c.NotNull && c.Pk == 0, Default = c.Default, IsIdentity = rowidAlias,
                });
            }
            foreach (var (pk, i) in pkColumns.Select((c, i) => (c, i)))
                rows.Constraints.Add(new CatalogConstraintRow("main", table.Name, $"pk_{table.Name}", ConstraintKind.PrimaryKey) { Ordinal = i, Column = pk.Name });

            var foreignKeys = await AdoCommands.QueryAsync(connection, null, "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(@t) ORDER BY id, seq",
                r => (Id: r.Int(0), Seq: r.Int(1), Table: r.GetString(2), From: r.GetString(3), To: r.Str(4)), ct, null, ("t", table.Name));
            foreach (var fk in foreignKeys)
                rows.Constraints.Add(new CatalogConstraintRow("main", table.Name, $"fk_{table.Name}_{fk.Id}", ConstraintKind.ForeignKey)
                {
                    Ordinal = fk.Seq, Column = fk.From, ReferencedSchema = "main", ReferencedTable = fk.Table, ReferencedColumn = fk.To,
                });

            var indexes = await AdoCommands.QueryAsync(connection, null, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(@t)",
                r => (Name: r.GetString(0), Unique: r.Bool(1), Origin: r.Str(2), Partial: r.Bool(3)), ct, null, ("t", table.Name));
            foreach (var index in indexes)
            {
                var keys = await AdoCommands.QueryAsync(connection, null, "SELECT seqno, cid, name, \"desc\", key FROM pragma_index_xinfo(@i) WHERE key = 1 ORDER BY seqno",
                    r => (Seq: r.Int(0), Cid: r.Int(1), Name: r.Str(2), Desc: r.Bool(3)), ct, null, ("i", index.Name));
                var sql = objects.FirstOrDefault(o => o.Type == "index" && o.Name == index.Name).Sql;
                var expressions = sql is null ? [] : KeyExpressions(sql);
                foreach (var key in keys)
                {
                    rows.Indexes.Add(new CatalogIndexRow("main", table.Name, index.Name, key.Seq)
                    {
                        Column = key.Cid >= 0 ? key.Name : null,
                        Expression = key.Cid < 0 && key.Seq < expressions.Count ? expressions[key.Seq] : null,
                        Descending = key.Desc, Unique = index.Unique, Primary = index.Origin == "pk",
                        Predicate = index.Partial && sql is not null ? Predicate(sql) : null,
                    });
                }
                if (index.Origin == "u")
                    foreach (var key in keys.Where(k => k.Name is not null))
                        rows.Constraints.Add(new CatalogConstraintRow("main", table.Name, index.Name, ConstraintKind.Unique) { Ordinal = key.Seq, Column = key.Name });
            }
        }

        foreach (var view in objects.Where(o => o.Type == "view"))
        {
            rows.Views.Add(new CatalogViewRow("main", view.Name, false, view.Sql is null ? null : ViewBody().Match(view.Sql) is { Success: true } m ? m.Groups[1].Value : view.Sql));
            try
            {
                var columns = await AdoCommands.QueryAsync(connection, null, "SELECT cid, name, type FROM pragma_table_info(@t)",
                    r => new CatalogColumnRow("main", view.Name, r.GetString(1), r.Int(0), (r.Str(2) ?? "").ToLowerInvariant()), ct, null, ("t", view.Name));
                rows.ViewColumns.AddRange(columns);
            }
            catch (SqliteException)
            {
                // A view over a table that no longer exists still belongs in the model, without its columns.
            }
        }
        return CatalogBuilder.Build(SqlDialect.Sqlite, rows);
    }

    [GeneratedRegex(@"^\s*CREATE\s+(?:TEMP\w*\s+)?VIEW\s+.*?\s+AS\s+(.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ViewBody();

    /// <summary>The WHERE of a partial index, from its CREATE INDEX text (outside parentheses and strings).</summary>
    public static string? Predicate(string createIndex)
    {
        var depth = 0;
        for (var i = 0; i < createIndex.Length; i++)
        {
            var ch = createIndex[i];
            if (ch == '\'' || ch == '"')
            {
                var close = createIndex.IndexOf(ch, i + 1);
                i = close < 0 ? createIndex.Length : close;
            }
            else if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (depth == 0 && string.Compare(createIndex, i, "WHERE", 0, 5, StringComparison.OrdinalIgnoreCase) == 0 &&
                     (i == 0 || char.IsWhiteSpace(createIndex[i - 1]) || createIndex[i - 1] == ')') && i + 5 < createIndex.Length && !char.IsLetterOrDigit(createIndex[i + 5]))
                return createIndex[(i + 5)..].Trim().TrimEnd(';');
        }
        return null;
    }

    /// <summary>The key list of a CREATE INDEX, split at top-level commas, for expression keys.</summary>
    private static List<string> KeyExpressions(string createIndex)
    {
        var open = createIndex.IndexOf('(');
        if (open < 0)
            return [];
        var keys = new List<string>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < createIndex.Length; i++)
        {
            var ch = createIndex[i];
            if (ch == '(') depth++;
            else if (ch == ')')
            {
                depth--;
                if (depth == 0)
                {
                    keys.Add(createIndex[start..i].Trim());
                    break;
                }
            }
            else if (ch == ',' && depth == 1)
            {
                keys.Add(createIndex[start..i].Trim());
                start = i + 1;
            }
        }
        return keys.Select(k => Regex.Replace(k, @"\s+(ASC|DESC)\s*$", "", RegexOptions.IgnoreCase)).ToList();
    }
}
