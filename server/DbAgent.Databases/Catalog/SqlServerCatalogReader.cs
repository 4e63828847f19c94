using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Catalog;

/// <summary>SQL Server's sys catalog views into the schema model. Types are printed as T-SQL writes them (nvarchar(200), decimal(10,2)).</summary>
public static class SqlServerCatalogReader
{
    /// <summary>The T-SQL type text of a sys.columns row (max_length is in bytes: halved for n-types, -1 is max).</summary>
    public static string TypeName(string type, int maxLength, int precision, int scale)
    {
        var t = type.ToLowerInvariant();
        return t switch
        {
            "varchar" or "char" or "varbinary" or "binary" => $"{t}({(maxLength == -1 ? "max" : maxLength.ToString())})",
            "nvarchar" or "nchar" => $"{t}({(maxLength == -1 ? "max" : (maxLength / 2).ToString())})",
            "decimal" or "numeric" => $"{t}({precision},{scale})",
            "datetime2" or "datetimeoffset" or "time" => scale == 7 ? t : $"{t}({scale})",
            _ => t,
        };
    }

    public static async Task<SchemaModel> ReadAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        var defaultSchema = (string?)await AdoCommands.ScalarAsync(connection, tx, "SELECT SCHEMA_NAME()", ct);
        var rows = new CatalogRows { DefaultSchema = defaultSchema ?? "dbo" };
        rows.Schemas.AddRange(await AdoCommands.QueryAsync(connection, tx,
            "SELECT s.name FROM sys.schemas s WHERE s.schema_id < 16384 AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest') ORDER BY 1", r => r.GetString(0), ct));
        rows.Tables.AddRange(await AdoCommands.QueryAsync(connection, tx,
            "SELECT SCHEMA_NAME(t.schema_id), t.name FROM sys.tables t WHERE t.is_ms_shipped = 0 ORDER BY 1, 2",
            r => new CatalogTableRow(r.GetString(0), r.GetString(1)), ct));

        var columns = await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(o.schema_id), o.name, c.name, c.column_id, ty.name, c.max_length, c.precision, c.scale, c.is_nullable,
                   dc.definition, c.is_identity, o.type
            FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id
            JOIN sys.types ty ON ty.user_type_id = c.user_type_id
            LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id
            WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
            ORDER BY 1, 2, 4
            """, r => (Row: new CatalogColumnRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3), TypeName(r.GetString(4), r.Int(5), r.Int(6), r.Int(7)))
            {
                Nullable = r.Bool(8), Default = r.Str(9), IsIdentity = r.Bool(10),
            }, Type: r.GetString(11).Trim()), ct);
        rows.Columns.AddRange(columns.Where(c => c.Type == "U").Select(c => c.Row));
        rows.ViewColumns.AddRange(columns.Where(c => c.Type == "V").Select(c => c.Row));

        rows.Constraints.AddRange(await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(t.schema_id), t.name, kc.name, kc.type, ic.key_ordinal, c.name
            FROM sys.key_constraints kc JOIN sys.tables t ON t.object_id = kc.parent_object_id
            JOIN sys.index_columns ic ON ic.object_id = kc.parent_object_id AND ic.index_id = kc.unique_index_id AND ic.is_included_column = 0
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            ORDER BY 1, 2, 3, 5
            """, r => new CatalogConstraintRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Trim() == "PK" ? ConstraintKind.PrimaryKey : ConstraintKind.Unique)
            {
                Ordinal = r.Int(4), Column = r.GetString(5),
            }, ct));
        rows.Constraints.AddRange(await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(t.schema_id), t.name, fk.name, fkc.constraint_column_id, pc.name, SCHEMA_NAME(rt.schema_id), rt.name, rc.name
            FROM sys.foreign_keys fk JOIN sys.tables t ON t.object_id = fk.parent_object_id JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id
            JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
            JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
            JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
            ORDER BY 1, 2, 3, 4
            """, r => new CatalogConstraintRow(r.GetString(0), r.GetString(1), r.GetString(2), ConstraintKind.ForeignKey)
            {
                Ordinal = r.Int(3), Column = r.GetString(4), ReferencedSchema = r.GetString(5), ReferencedTable = r.GetString(6), ReferencedColumn = r.GetString(7),
            }, ct));
        rows.Constraints.AddRange(await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(t.schema_id), t.name, cc.name, cc.definition
            FROM sys.check_constraints cc JOIN sys.tables t ON t.object_id = cc.parent_object_id ORDER BY 1, 2, 3
            """, r => new CatalogConstraintRow(r.GetString(0), r.GetString(1), r.GetString(2), ConstraintKind.Check) { CheckExpression = r.Str(3) }, ct));

        rows.Indexes.AddRange(await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(t.schema_id), t.name, i.name,
                   CASE WHEN ic.is_included_column = 1 THEN 1000 + ic.index_column_id ELSE ic.key_ordinal END,
                   c.name, ic.is_descending_key, ic.is_included_column, i.is_unique, i.is_primary_key, LOWER(i.type_desc), i.filter_definition
            FROM sys.indexes i JOIN sys.tables t ON t.object_id = i.object_id
            JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            WHERE i.type > 0 AND i.is_hypothetical = 0 AND t.is_ms_shipped = 0
            ORDER BY 1, 2, 3, 4
            """, r => new CatalogIndexRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3))
            {
                Column = r.GetString(4), Descending = r.Bool(5), Included = r.Bool(6), Unique = r.Bool(7), Primary = r.Bool(8),
                Method = r.Str(9), Predicate = r.Str(10),
            }, ct));

        rows.Views.AddRange(await AdoCommands.QueryAsync(connection, tx, """
            SELECT SCHEMA_NAME(v.schema_id), v.name, CAST(CASE WHEN EXISTS (SELECT 1 FROM sys.indexes i WHERE i.object_id = v.object_id) THEN 1 ELSE 0 END AS bit), m.definition
            FROM sys.views v LEFT JOIN sys.sql_modules m ON m.object_id = v.object_id WHERE v.is_ms_shipped = 0 ORDER BY 1, 2
            """, r => new CatalogViewRow(r.GetString(0), r.GetString(1), r.Bool(2), r.Str(3)), ct));

        rows.Sequences.AddRange(await AdoCommands.QueryAsync(connection, tx, "SELECT SCHEMA_NAME(schema_id), name FROM sys.sequences ORDER BY 1, 2",
            r => new QualifiedName(r.GetString(0), r.GetString(1)), ct));
        return CatalogBuilder.Build(SqlDialect.TSql, rows);
    }
}
