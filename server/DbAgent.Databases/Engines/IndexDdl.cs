using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Engines;

/// <summary>The CREATE INDEX text of an index definition, for what-if evaluation (never run for real by analysis).</summary>
internal static class IndexDdl
{
    public static string Create(DatabaseEngine engine, IndexDefinition index, string name)
    {
        var table = (index.Table.Schema is null ? "" : AdoCommands.Quote(engine, index.Table.Schema) + ".") + AdoCommands.Quote(engine, index.Table.Name);
        var keys = string.Join(", ", index.Keys.Select(k => (k.Column is not null ? AdoCommands.Quote(engine, k.Column) : $"({k.Expression})") + (k.Descending ? " DESC" : "")));
        var method = engine == DatabaseEngine.Postgres && index.Method is { } m && !m.Equals("btree", StringComparison.OrdinalIgnoreCase) ? $" USING {m}" : "";
        var include = engine is DatabaseEngine.Postgres or DatabaseEngine.SqlServer && index.Include.Count > 0
            ? $" INCLUDE ({string.Join(", ", index.Include.Select(c => AdoCommands.Quote(engine, c)))})" : "";
        var where = engine is DatabaseEngine.Postgres or DatabaseEngine.Sqlite or DatabaseEngine.SqlServer && index.Predicate is { Length: > 0 } p ? $" WHERE {p}" : "";
        return $"CREATE {(index.Unique ? "UNIQUE " : "")}INDEX {AdoCommands.Quote(engine, name)} ON {table}{method} ({keys}){include}{where}";
    }
}
