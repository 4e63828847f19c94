using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor;

/// <summary>A design remark on the schema: what, on which table, why it matters, and the fix.</summary>
public sealed record SchemaRemark(string Id, QualifiedName Table, string Text, string? Fix)
{
    public SchemaOrigin? Origin { get; init; }
}

/// <summary>Design review of a schema model: keys, foreign keys without indexes, nullable foreign keys, redundant indexes.</summary>
public static class SchemaReview
{
    public static IReadOnlyList<SchemaRemark> Review(SchemaModel schema)
    {
        var remarks = new List<SchemaRemark>();
        var dialect = schema.Dialect;
        foreach (var table in schema.Tables)
        {
            var hasPk = table.PrimaryKey is not null || table.Indexes.Any(i => i.IsPrimaryKey);
            if (!hasPk)
                remarks.Add(new SchemaRemark("missing-primary-key", table.Name,
                    $"`{table.Name}` has no primary key: rows cannot be addressed reliably, replication and ORMs need one" +
                    (dialect == SqlDialect.MySql ? ", and InnoDB falls back to a hidden clustered key." : dialect == SqlDialect.Postgres ? ", and logical replication cannot replicate its UPDATEs and DELETEs." : "."),
                    $"Add a primary key (an identity column, or the natural unique key).") { Origin = table.Origin });

            foreach (var fk in table.ForeignKeys)
            {
                if (fk.Columns.Count == 0) continue;
                var fkText = $"`{table.Name}({string.Join(", ", fk.Columns)})` → `{fk.ReferencedTable}`";
                var indexed = table.Indexes.Any(i => LeadsWith(i.Keys, fk.Columns))
                    || table.PrimaryKey is { } pk && pk.Columns.Take(fk.Columns.Count).SequenceEqual(fk.Columns, NameComparer.Instance)
                    || table.Constraints.Any(c => c.Kind == ConstraintKind.Unique && c.Columns.Take(fk.Columns.Count).SequenceEqual(fk.Columns, NameComparer.Instance));
                // InnoDB creates an index for every foreign key that lacks one; the other engines do not.
                if (!indexed && dialect != SqlDialect.MySql)
                    remarks.Add(new SchemaRemark("foreign-key-without-index", table.Name,
                        $"Foreign key {fkText} has no index on its columns: joins from the parent scan `{table.Name}`, and every delete or key update on `{fk.ReferencedTable}` scans it too (holding locks).",
                        IndexDdl(table.Name, fk.Columns, dialect)) { Origin = fk.Origin ?? table.Origin });
                var nullable = fk.Columns.Select(table.FindColumn).Where(c => c is { Nullable: true }).Select(c => c!.Name).ToList();
                if (nullable.Count > 0)
                    remarks.Add(new SchemaRemark("nullable-foreign-key", table.Name,
                        $"Foreign key {fkText} is nullable (`{string.Join("`, `", nullable)}`): a row may have no parent. Intended for optional relations; otherwise declare it NOT NULL.",
                        null) { Origin = fk.Origin ?? table.Origin });
            }

            foreach (var index in table.Indexes)
            {
                if (index.IsPrimaryKey || index.Unique || index.Predicate is not null || index.Keys.Count == 0) continue;
                var wider = table.Indexes.FirstOrDefault(o => !ReferenceEquals(o, index) && o.Predicate is null && o.Keys.Count > index.Keys.Count && LeadsWith(o.Keys, index.Keys.Select(k => k.Column ?? k.Expression ?? "").ToList()));
                if (wider is not null)
                    remarks.Add(new SchemaRemark("redundant-index", table.Name,
                        $"Index `{index.Name}` ({string.Join(", ", index.Keys)}) is a prefix of `{wider.Name}` ({string.Join(", ", wider.Keys)}): the wider one serves the same lookups, and each index slows every write.",
                        $"Drop `{index.Name}` after checking it is not used for a constraint.") { Origin = index.Origin });
            }

            foreach (var column in table.Columns)
            {
                if (dialect == SqlDialect.Postgres && column.DataType.StartsWith("timestamp", StringComparison.OrdinalIgnoreCase) && !column.DataType.Contains("with time zone", StringComparison.OrdinalIgnoreCase) && column.DataType != "timestamptz")
                    remarks.Add(new SchemaRemark("timestamp-without-time-zone", table.Name,
                        $"`{table.Name}.{column.Name}` is `{column.DataType}`: instants without a zone are ambiguous across servers and daylight-saving changes.",
                        "Use `timestamptz` for points in time.") { Origin = column.Origin ?? table.Origin });
                if ((column.DataType.StartsWith("float", StringComparison.OrdinalIgnoreCase) || column.DataType.StartsWith("real", StringComparison.OrdinalIgnoreCase) || column.DataType.StartsWith("double", StringComparison.OrdinalIgnoreCase))
                    && (column.Name.Contains("price", StringComparison.OrdinalIgnoreCase) || column.Name.Contains("amount", StringComparison.OrdinalIgnoreCase) || column.Name.Contains("total", StringComparison.OrdinalIgnoreCase) || column.Name.Contains("cost", StringComparison.OrdinalIgnoreCase)))
                    remarks.Add(new SchemaRemark("money-as-float", table.Name,
                        $"`{table.Name}.{column.Name}` holds money as `{column.DataType}`: binary floating point cannot represent cents exactly.",
                        "Use `numeric(p, s)` / `decimal(p, s)`, or integer cents.") { Origin = column.Origin ?? table.Origin });
            }
        }
        return remarks;
    }

    private static bool LeadsWith(IReadOnlyList<IndexKey> keys, IReadOnlyList<string> columns) =>
        keys.Count >= columns.Count && columns.Select((c, i) => NameComparer.SameName(keys[i].Column ?? keys[i].Expression, c)).All(x => x);

    /// <summary>The advisor's own DDL for the foreign key's index, so the chat and the quick fix write the same index.</summary>
    private static string IndexDdl(QualifiedName table, IReadOnlyList<string> columns, SqlDialect dialect)
    {
        var keys = columns.Select(c => new CandidateKey(new IndexKey(c, null, false), IndexKeyRole.Join)).ToList();
        return $"`{IndexAdvisor.Render(new IndexCandidate(table, keys, IndexAdvisor.IndexName(table, keys.Select(k => k.Key))), dialect).Up}`";
    }
}
