using DbAgent.Analysis.Findings;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Text;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Host;

/// <summary>Between the front end's UTF-16 offsets and LSP positions (also UTF-16, so no transcoding).</summary>
public static class LspConversions
{
    public static Position ToPosition(this SourceText text, int offset)
    {
        var p = text.GetLinePosition(offset);
        return new Position(p.Line, p.Character);
    }

    public static Range ToRange(this SourceText text, TextSpan span) =>
        new(text.ToPosition(span.Start), text.ToPosition(span.End));

    public static int ToOffset(this SourceText text, Position position) =>
        text.GetOffset(new LinePosition(position.Line, position.Character));

    public static TextSpan ToSpan(this SourceText text, Range range) =>
        text.GetSpan(new LinePosition(range.Start.Line, range.Start.Character), new LinePosition(range.End.Line, range.End.Character));

    public static DiagnosticSeverity ToLsp(this FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => DiagnosticSeverity.Error,
        FindingSeverity.Warning => DiagnosticSeverity.Warning,
        FindingSeverity.Information => DiagnosticSeverity.Information,
        _ => DiagnosticSeverity.Hint,
    };
}
