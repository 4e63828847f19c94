using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Catalog;

/// <summary>
/// MySQL/MariaDB information_schema of the current database into the schema model. Types are COLUMN_TYPE as the
/// server prints it (int(11), varchar(255), enum('a','b')); ENUM lives in the column type, not as a named type.
/// </summary>
public static class MySqlCatalogReader
{
    public static async Task<SchemaModel> ReadAsync(DbConnection connection, DbTransaction? transaction, bool mariaDb, CancellationToken ct)
    {
        var database = (string?)await AdoCommands.ScalarAsync(connection, transaction, "SELECT DATABASE()", ct);
        var rows = new CatalogRows { DefaultSchema = database };
        if (database is null)
            return CatalogBuilder.Build(SqlDialect.MySql, rows);
        rows.Schemas.Add(database);

        var tables = await AdoCommands.QueryAsync(connection, transaction,
            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
            r => (Name: r.GetString(0), Type: r.GetString(1)), ct);
        rows.Tables.AddRange(tables.Where(t => t.Type is "BASE TABLE" or "SYSTEM VERSIONED").Select(t => new CatalogTableRow(database, t.Name)));
        var views = tables.Where(t => t.Type == "VIEW").Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var columns = await AdoCommands.QueryAsync(connection, transaction, """
            SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT, EXTRA
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION
            """, r => new CatalogColumnRow(database, r.GetString(0), r.GetString(1), r.Int(2), r.GetString(3))
            {
                Nullable = r.Bool(4), Default = NormaliseDefault(r.Str(5), mariaDb), IsIdentity = (r.Str(6) ?? "").Contains("auto_increment", StringComparison.OrdinalIgnoreCase),
            }, ct);
        rows.Columns.AddRange(columns.Where(c => !views.Contains(c.Table)));
        rows.ViewColumns.AddRange(columns.Where(c => views.Contains(c.Table)));

        rows.Constraints.AddRange(await AdoCommands.QueryAsync(connection, transaction, """
            SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.ORDINAL_POSITION, k.COLUMN_NAME,
                   k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
            FROM information_schema.TABLE_CONSTRAINTS tc
            JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
            WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
            ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION
            """, r => new CatalogConstraintRow(database, r.GetString(0), r.GetString(1), r.GetString(2) switch
            {
                "PRIMARY KEY" => ConstraintKind.PrimaryKey, "UNIQUE" => ConstraintKind.Unique, _ => ConstraintKind.ForeignKey,
            })
            {
                Ordinal = r.Int(3), Column = r.Str(4), ReferencedSchema = r.Str(5), ReferencedTable = r.Str(6), ReferencedColumn = r.Str(7),
            }, ct));

        // CHECK_CONSTRAINTS exists from MariaDB 10.2 and MySQL 8.0.16; older servers simply have none to show.
        // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(col)) it adds itself, named after the column: that
        // column is JSON as the migration wrote it, and the generated check is not the user's constraint.
        var checks = new List<CatalogConstraintRow>();
        try
        {
            var tableColumn = mariaDb ? "cc.TABLE_NAME" : "tc.TABLE_NAME";
            var join = mariaDb ? "" : "JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'";
            checks.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
                SELECT {tableColumn}, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS cc {join}
                WHERE cc.CONSTRAINT_SCHEMA = DATABASE()
                """, r => new CatalogConstraintRow(database, r.GetString(0), r.GetString(1), ConstraintKind.Check) { CheckExpression = r.Str(2) }, ct));
        }
        catch (Exception e) when (e is MySqlConnector.MySqlException)
        {
        }
        foreach (var check in checks)
        {
            var column = rows.Columns.FindIndex(c => c.Table == check.Table && c.Name == check.Name);
            if (mariaDb && column >= 0 && IsJsonValid(check.CheckExpression, check.Name))
            {
                if (rows.Columns[column].DataType.Equals("longtext", StringComparison.OrdinalIgnoreCase))
                    rows.Columns[column] = rows.Columns[column] with { DataType = "json" };
                continue;
            }
            rows.Constraints.Add(check);
        }

        rows.Indexes.AddRange(await AdoCommands.QueryAsync(connection, transaction, """
            SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, NON_UNIQUE, INDEX_TYPE, SUB_PART
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
            """, r => new CatalogIndexRow(database, r.GetString(0), r.GetString(1), r.Int(2))
            {
                Column = r.Str(3), Descending = r.Str(4) == "D", Unique = r.Int(5) == 0, Primary = r.GetString(1) == "PRIMARY",
                Method = r.Str(6)?.ToLowerInvariant(),
                // A prefix index (SUB_PART) keys on the first N characters only.
                Expression = r.IsDBNull(3) ? null : r.IsDBNull(7) ? null : $"{r.GetString(3)}({r.Long(7)})",
            }, ct));
        foreach (var i in rows.Indexes.ToList().Where(i => i.Expression is not null && i.Column is not null))
        {
            rows.Indexes[rows.Indexes.IndexOf(i)] = i with { Column = null };
        }

        rows.Views.AddRange(await AdoCommands.QueryAsync(connection, transaction,
            "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
            r => new CatalogViewRow(database, r.GetString(0), false, r.Str(1)), ct));

        return CatalogBuilder.Build(SqlDialect.MySql, rows);
    }

    private static bool IsJsonValid(string? clause, string column) =>
        clause is not null && clause.Replace(" ", "").Equals($"json_valid(`{column}`)", StringComparison.OrdinalIgnoreCase);

    /// <summary>MariaDB 10.2+ prints defaults as SQL expressions ('text' quoted, NULL as the word); MySQL prints the bare value.</summary>
    private static string? NormaliseDefault(string? value, bool mariaDb)
    {
        if (value is null)
            return null;
        if (mariaDb && value == "NULL")
            return null;
        return value;
    }
}
