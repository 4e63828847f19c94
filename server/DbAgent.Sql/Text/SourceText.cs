namespace DbAgent.Sql.Text;

/// <summary>Immutable document text with a line map. LSP positions are UTF-16, as .NET strings are.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text)
    {
        Text = text ?? string.Empty;
        _lineStarts = ComputeLineStarts(Text);
    }

    public static SourceText From(string text) => new(text);

    public string Text { get; }
    public int Length => Text.Length;
    public int LineCount => _lineStarts.Length;
    public char this[int index] => Text[index];

    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);
    public ReadOnlySpan<char> Slice(TextSpan span) => Text.AsSpan(span.Start, span.Length);
    public override string ToString() => Text;

    public int GetLineStart(int line) => _lineStarts[Math.Clamp(line, 0, _lineStarts.Length - 1)];

    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return new LinePosition(line, offset - _lineStarts[line]);
    }

    public LineSpan GetLineSpan(TextSpan span) => new(GetLinePosition(span.Start), GetLinePosition(span.End));

    /// <summary>Offset of a line/character; positions past the end of a line clamp to the line's end, as LSP asks.</summary>
    public int GetOffset(LinePosition position)
    {
        if (position.Line < 0) return 0;
        if (position.Line >= _lineStarts.Length) return Text.Length;
        var start = _lineStarts[position.Line];
        var end = position.Line + 1 < _lineStarts.Length ? _lineStarts[position.Line + 1] : Text.Length;
        return Math.Min(start + Math.Max(0, position.Character), end);
    }

    public TextSpan GetSpan(LinePosition start, LinePosition end)
    {
        var s = GetOffset(start);
        var e = GetOffset(end);
        return TextSpan.FromBounds(Math.Min(s, e), Math.Max(s, e));
    }

    /// <summary>Applies one edit and returns the new text.</summary>
    public SourceText WithChange(TextChange change)
    {
        var start = Math.Clamp(change.Span.Start, 0, Text.Length);
        var end = Math.Clamp(change.Span.End, start, Text.Length);
        return new SourceText(string.Concat(Text.AsSpan(0, start), change.NewText, Text.AsSpan(end)));
    }

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int>(Math.Max(16, text.Length / 32)) { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }
        return starts.ToArray();
    }
}
