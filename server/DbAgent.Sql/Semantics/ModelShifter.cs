using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

/// <summary>
/// Moves a statement model by a number of characters: what an edit before a statement does to it. The model is
/// otherwise the same, so an incremental re-parse reuses it instead of binding the statement again.
/// </summary>
internal static class ModelShifter
{
    public static StatementModel Shift(StatementModel model, int delta)
    {
        if (delta == 0) return model;
        var relations = new Dictionary<RelationReference, RelationReference>(ReferenceEqualityComparer.Instance);
        RelationReference? Rel(RelationReference? r)
        {
            if (r is null) return null;
            if (!relations.TryGetValue(r, out var shifted))
            {
                shifted = r with { Span = S(r.Span, delta) };
                relations[r] = shifted;
            }
            return shifted;
        }
        ColumnReference? Col(ColumnReference? c) => c is null ? null : c with { Span = S(c.Span, delta), Relation = Rel(c.Relation) };

        var rels = new RelationReference[model.Relations.Count];
        for (var i = 0; i < rels.Length; i++) rels[i] = Rel(model.Relations[i])!;
        var cols = new ColumnReference[model.Columns.Count];
        for (var i = 0; i < cols.Length; i++) cols[i] = Col(model.Columns[i])!;
        var preds = new Predicate[model.Predicates.Count];
        for (var i = 0; i < preds.Length; i++)
        {
            var p = model.Predicates[i];
            preds[i] = p with { Span = S(p.Span, delta), Column = Col(p.Column), OtherColumn = Col(p.OtherColumn) };
        }
        var group = new ColumnReference[model.GroupBy.Count];
        for (var i = 0; i < group.Length; i++) group[i] = Col(model.GroupBy[i])!;
        var order = new OrderItem[model.OrderBy.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var o = model.OrderBy[i];
            order[i] = o with { Span = S(o.Span, delta), Column = Col(o.Column) };
        }
        var ddl = new DdlAction[model.Ddl.Count];
        for (var i = 0; i < ddl.Length; i++) ddl[i] = ShiftAction(model.Ddl[i], delta);

        return new StatementModel
        {
            Kind = model.Kind,
            Span = S(model.Span, delta),
            KeywordSpan = S(model.KeywordSpan, delta),
            Relations = rels,
            Columns = cols,
            Predicates = preds,
            HasWhere = model.HasWhere,
            WhereSpan = model.WhereSpan is { } w ? S(w, delta) : null,
            GroupBy = group,
            OrderBy = order,
            Limit = model.Limit is { } l ? l with { Span = S(l.Span, delta) } : null,
            Ddl = ddl,
            IsOpaque = model.IsOpaque,
            Detail = model.Detail,
        };
    }

    private static TextSpan S(TextSpan span, int delta) => new(span.Start + delta, span.Length);

    private static ColumnDefinition ShiftColumn(ColumnDefinition c, int delta) =>
        c with { Span = S(c.Span, delta), References = c.References is { } r ? r with { Span = S(r.Span, delta) } : null };

    private static ConstraintDefinition ShiftConstraint(ConstraintDefinition c, int delta) => c with { Span = S(c.Span, delta) };

    private static DdlAction ShiftAction(DdlAction action, int delta) => action switch
    {
        CreateTableAction t => t with
        {
            Span = S(t.Span, delta),
            Columns = t.Columns.Select(c => ShiftColumn(c, delta)).ToArray(),
            Constraints = t.Constraints.Select(c => ShiftConstraint(c, delta)).ToArray(),
        },
        AddColumnAction a => a with { Span = S(a.Span, delta), Column = ShiftColumn(a.Column, delta) },
        AddConstraintAction a => a with { Span = S(a.Span, delta), Constraint = ShiftConstraint(a.Constraint, delta) },
        CreateIndexAction a => a with { Span = S(a.Span, delta), Index = a.Index with { Span = S(a.Index.Span, delta) } },
        _ => action with { Span = S(action.Span, delta) },
    };
}
