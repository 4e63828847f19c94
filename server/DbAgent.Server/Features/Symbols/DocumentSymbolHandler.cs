using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Symbols;

/// <summary>
/// textDocument/documentSymbol: the outline. One symbol per statement, named by its kind and main object
/// (`CREATE TABLE orders`, `SELECT customers`), with what it creates (columns, constraints, indexes) as children.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class DocumentSymbolHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DocumentSymbol, UseSingleObjectParameterDeserialization = true)]
    public async Task<IReadOnlyList<DocumentSymbol>> DocumentSymbolAsync(DocumentSymbolParams parameters, CancellationToken cancellationToken)
    {
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return [];
        var symbols = new List<DocumentSymbol>(snapshot.Script.Statements.Count);
        foreach (var statement in snapshot.Script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            symbols.Add(ForStatement(snapshot, statement));
        }
        return symbols;
    }

    public static DocumentSymbol ForStatement(DocumentSnapshot snapshot, ParsedStatement statement)
    {
        var model = statement.Model;
        var text = snapshot.Text;
        var main = MainObject(model);
        var verb = Verb(model, text);
        var created = CreatedName(model);
        var name = created is not null ? $"{verb} {created}" : main is null ? verb : $"{verb} {main.Name}";
        var span = model.Span.IsEmpty ? statement.Span : model.Span;
        var selection = main is not null && span.Contains(main.Span) ? main.Span
            : !model.KeywordSpan.IsEmpty && span.Contains(model.KeywordSpan) ? model.KeywordSpan : span;
        var children = Children(text, model, span);
        var index = model.Ddl.OfType<CreateIndexAction>().FirstOrDefault()?.Index;
        return new DocumentSymbol
        {
            Name = name,
            Detail = model.IsOpaque ? "not fully understood"
                : index is not null ? $"{(index.Unique ? "unique " : "")}on {index.Table} ({string.Join(", ", index.Keys)})" : null,
            Kind = KindOf(model.Kind),
            Range = text.ToRange(span),
            SelectionRange = text.ToRange(selection),
            Children = children.Count == 0 ? null : children,
        };
    }

    /// <summary>The object a statement is about: what it creates, changes or drops, else the first table it reads.</summary>
    private static RelationReference? MainObject(StatementModel model) =>
        model.Relations.FirstOrDefault(r => r.Role != RelationRole.Read && !r.IsCommonTableExpression)
        ?? model.Relations.FirstOrDefault(r => !r.IsCommonTableExpression);

    /// <summary>What a CREATE makes when it is not a table the relations name: an index, a type, a sequence, a schema.</summary>
    private static string? CreatedName(StatementModel model) => (model.Ddl.Count > 0 ? model.Ddl[0] : null) switch
    {
        CreateIndexAction { Index.Name: { Length: > 0 } index } => index,
        CreateEnumAction type => type.Type.ToString(),
        CreateSequenceAction sequence => sequence.Sequence.ToString(),
        CreateSchemaAction schema => schema.Schema,
        _ => null,
    };

    /// <summary>The statement's leading keywords in upper case (CREATE TABLE, DELETE, ALTER INDEX).</summary>
    private static string Verb(StatementModel model, SourceText text)
    {
        var known = model.Kind switch
        {
            StatementKind.Select => "SELECT",
            StatementKind.Insert => "INSERT",
            StatementKind.Update => "UPDATE",
            StatementKind.Delete => "DELETE",
            StatementKind.Merge => "MERGE",
            StatementKind.Truncate => "TRUNCATE",
            StatementKind.CreateTable => "CREATE TABLE",
            StatementKind.AlterTable => "ALTER TABLE",
            StatementKind.DropTable => "DROP TABLE",
            StatementKind.CreateIndex => "CREATE INDEX",
            StatementKind.AlterIndex => "ALTER INDEX",
            StatementKind.DropIndex => "DROP INDEX",
            StatementKind.CreateView => "CREATE VIEW",
            StatementKind.CreateMaterializedView => "CREATE MATERIALIZED VIEW",
            StatementKind.AlterView => "ALTER VIEW",
            StatementKind.DropView => "DROP VIEW",
            StatementKind.CreateSequence => "CREATE SEQUENCE",
            StatementKind.AlterSequence => "ALTER SEQUENCE",
            StatementKind.DropSequence => "DROP SEQUENCE",
            StatementKind.CreateType => "CREATE TYPE",
            StatementKind.AlterType => "ALTER TYPE",
            StatementKind.DropType => "DROP TYPE",
            StatementKind.CreateSchema => "CREATE SCHEMA",
            StatementKind.DropSchema => "DROP SCHEMA",
            StatementKind.CreateFunction => "CREATE FUNCTION",
            StatementKind.DropFunction => "DROP FUNCTION",
            StatementKind.CreateTrigger => "CREATE TRIGGER",
            StatementKind.DropTrigger => "DROP TRIGGER",
            _ => null,
        };
        if (known is not null) return known;
        if (!model.KeywordSpan.IsEmpty && model.KeywordSpan.End <= text.Length)
            return string.Join(' ', text.ToString(model.KeywordSpan).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        return model.Kind.ToString().ToUpperInvariant();
    }

    private static List<DocumentSymbol> Children(SourceText text, StatementModel model, TextSpan parent)
    {
        var children = new List<DocumentSymbol>();
        void Add(string name, SymbolKind kind, TextSpan span, string? detail = null)
        {
            // Children must lie inside their parent; a span the model got wrong is dropped rather than sent.
            if (!parent.Contains(span) || string.IsNullOrEmpty(name)) return;
            children.Add(new DocumentSymbol { Name = name, Kind = kind, Detail = detail, Range = text.ToRange(span), SelectionRange = text.ToRange(span) });
        }
        foreach (var action in model.Ddl)
        {
            switch (action)
            {
                case CreateTableAction table:
                    foreach (var column in table.Columns) Add(column.Name, SymbolKind.Field, column.Span, column.DataType);
                    foreach (var constraint in table.Constraints) Add(ConstraintName(constraint), SymbolKind.Key, constraint.Span, constraint.Kind.ToString());
                    break;
                case AddColumnAction add:
                    Add(add.Column.Name, SymbolKind.Field, add.Column.Span, add.Column.DataType);
                    break;
                case AddConstraintAction constraint:
                    Add(ConstraintName(constraint.Constraint), SymbolKind.Key, constraint.Constraint.Span, constraint.Constraint.Kind.ToString());
                    break;
                case CreateEnumAction enumType:
                    foreach (var value in enumType.Values) Add(value, SymbolKind.EnumMember, enumType.Span);
                    break;
            }
        }
        return children;
    }

    private static string ConstraintName(ConstraintDefinition constraint) =>
        constraint.Name ?? constraint.Kind switch
        {
            ConstraintKind.PrimaryKey => $"PRIMARY KEY ({string.Join(", ", constraint.Columns)})",
            ConstraintKind.ForeignKey => $"FOREIGN KEY ({string.Join(", ", constraint.Columns)})",
            ConstraintKind.Unique => $"UNIQUE ({string.Join(", ", constraint.Columns)})",
            ConstraintKind.Check => "CHECK",
            _ => constraint.Kind.ToString(),
        };

    private static SymbolKind KindOf(StatementKind kind) => kind switch
    {
        StatementKind.CreateTable or StatementKind.AlterTable or StatementKind.DropTable => SymbolKind.Struct,
        StatementKind.CreateView or StatementKind.CreateMaterializedView or StatementKind.AlterView or StatementKind.DropView => SymbolKind.Interface,
        StatementKind.CreateIndex or StatementKind.AlterIndex or StatementKind.DropIndex => SymbolKind.Key,
        StatementKind.CreateType or StatementKind.AlterType or StatementKind.DropType => SymbolKind.Enum,
        StatementKind.CreateSchema or StatementKind.DropSchema => SymbolKind.Namespace,
        StatementKind.CreateFunction or StatementKind.DropFunction => SymbolKind.Function,
        StatementKind.CreateTrigger or StatementKind.DropTrigger => SymbolKind.Event,
        StatementKind.CreateSequence or StatementKind.AlterSequence or StatementKind.DropSequence => SymbolKind.Number,
        StatementKind.Select => SymbolKind.Method,
        StatementKind.Insert or StatementKind.Update or StatementKind.Delete or StatementKind.Merge or StatementKind.Truncate => SymbolKind.Operator,
        _ => SymbolKind.Object,
    };
}
